"""The pure cell checks common to every kind, and the encoding guess, without the database."""

import datetime
from decimal import Decimal

from bulk.rules import Column, date_check, header_positions, money_check
from core.tabular import csv_encoding

COLUMNS = (
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
    Column("姓名", ("姓名",)),
    Column("户籍地代码", ("户籍地代码", "户籍地区划代码")),
    Column("联系电话", ("联系电话", "电话"), required=False),
)


def test_the_encoding_is_utf8_unless_the_first_chunk_is_not():
    assert csv_encoding("身份证号,姓名\n".encode()) == "utf-8-sig"
    assert csv_encoding("身份证号,姓名\n".encode("gbk")) == "gb18030"
    # a character cut at the end of the chunk is still UTF-8
    assert csv_encoding("身份证号".encode()[:-1]) == "utf-8-sig"


def test_the_header_is_found_by_any_usual_name_and_needs_every_required_column():
    assert header_positions(["序号", "公民身份号码", " 姓 名", "户籍地区划代码"], COLUMNS) == {
        "身份证号": 1,
        "姓名": 2,
        "户籍地代码": 3,
    }
    assert header_positions(["身份证号", "姓名"], COLUMNS) is None


def test_dates_and_amounts_are_read_as_clerks_write_them():
    excel_cell = datetime.datetime(2025, 1, 5)  # noqa: DTZ001 (openpyxl reads Excel's dates as naive datetimes)
    for written in ("2025-01-05", "2025/1/5", "2025.1.5", "2025年1月5日", "20250105", excel_cell):
        assert date_check(written, column="缴费日期", required=True) == datetime.date(2025, 1, 5)
    assert date_check("", column="待遇开始", required=False) is None
    assert (
        date_check("2025-02-30", column="缴费日期", required=True)
        == "缴费日期「2025-02-30」不是有效日期，请写成2026-01-01。"
    )
    assert money_check("1,380.5", column="个人缴费", required=True) == Decimal("1380.50")
    assert money_check(380.0, column="个人缴费", required=True) == Decimal("380.00")
    assert money_check("3.801", column="个人缴费", required=True) == "个人缴费「3.801」最多两位小数。"
