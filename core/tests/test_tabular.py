"""The one reader of CSV and xlsx files and the cell checks every import shares, without the database."""

import datetime
from decimal import Decimal

import pytest

from core.tabular import (
    CellUnreadable,
    FileUnreadable,
    TableReader,
    cell_date,
    cell_stored_as_number,
    cell_text,
    csv_encoding,
    header_find,
    stored_as_number_message,
)
from tests.factories import xlsx_bytes

# Excel keeps a date and time without a time zone, and openpyxl reads it so
CELL_DATETIME = datetime.datetime(2026, 1, 2, 8, 30)  # noqa: DTZ001
CELL_MIDNIGHT = datetime.datetime(2026, 1, 2)  # noqa: DTZ001


def test_a_utf8_csv_with_a_bom_is_read_with_the_file_s_row_numbers():
    # given a CSV saved by Excel as "CSV UTF-8", with a blank line between two rows
    content = "\ufeff身份证号,姓名\n140621198802290012,张三\n\n140621198802290020,李四\n".encode()
    # when
    rows = list(TableReader.of_bytes(content, file_name="名单.csv").rows())
    # then
    assert rows == [
        (1, ["身份证号", "姓名"]),
        (2, ["140621198802290012", "张三"]),
        (3, []),
        (4, ["140621198802290020", "李四"]),
    ]


def test_a_gbk_csv_is_read_as_the_same_text():
    # given
    content = "身份证号,姓名\n140621198802290012,张三\n".encode("gbk")
    # when
    rows = list(TableReader.of_bytes(content, file_name="名单.csv").rows())
    # then
    assert rows == [(1, ["身份证号", "姓名"]), (2, ["140621198802290012", "张三"])]


def test_the_encoding_is_utf8_unless_the_first_chunk_is_not():
    assert csv_encoding("身份证号,姓名\n".encode()) == "utf-8-sig"
    assert csv_encoding("身份证号,姓名\n".encode("gbk")) == "gb18030"
    assert csv_encoding("身份证号".encode()[:-1]) == "utf-8-sig"


def test_an_xlsx_is_read_with_the_cells_typed_as_excel_stored_them():
    # given
    content = xlsx_bytes([["身份证号", "出生日期", "金额"], ["140621198802290012", datetime.date(2026, 1, 2), 380]])
    # when
    reader = TableReader.of_bytes(content, file_name="任意名字.csv")
    rows = list(reader.rows())
    # then the content, not the name, tells an xlsx
    assert reader.format == "xlsx"
    assert rows == [
        (1, ("身份证号", "出生日期", "金额")),
        (2, ("140621198802290012", CELL_MIDNIGHT, 380)),
    ]


@pytest.mark.parametrize(
    ("content", "file_name", "message"),
    [
        (b"not a workbook", "名单.xlsx", "文件无法读取，请确认是 xlsx 或 csv 格式且未加密。"),
        (b"PK\x03\x04 broken", "名单.xlsx", "文件无法读取，请确认是 xlsx 或 csv 格式且未加密。"),
        (b"\xd0\xcf\x11\xe0", "名单.xls", "文件不是 xlsx 格式（旧版 .xls 请在 Excel/WPS 中另存为 .xlsx 或 .csv）。"),
    ],
)
def test_a_file_that_is_no_table_is_refused_whole(content, file_name, message):
    with pytest.raises(FileUnreadable) as refusal:
        list(TableReader.of_bytes(content, file_name=file_name).rows())
    assert str(refusal.value) == message


def test_cells_as_text():
    assert cell_text(None) == ""
    assert cell_text("  张三 ") == "张三"
    assert cell_text(140621100201.0) == "140621100201"
    assert cell_text(0.1) == "0.1"
    assert cell_text(12) == "12"
    assert cell_text(Decimal("380.50")) == "380.50"
    assert cell_text(CELL_DATETIME) == "2026-01-02"
    assert cell_text(datetime.date(2026, 1, 2)) == "2026-01-02"


@pytest.mark.parametrize(
    "value",
    ["2026-01-02", "2026/1/2", "2026.1.2", "2026年1月2日", "20260102", 20260102, "2026-01-02 00:00:00"],
)
def test_a_date_cell_is_read_however_it_is_written(value):
    assert cell_date(value) == datetime.date(2026, 1, 2)


def test_a_date_cell_stored_by_excel_and_an_empty_one():
    assert cell_date(CELL_DATETIME) == datetime.date(2026, 1, 2)
    assert cell_date(datetime.date(2026, 1, 2)) == datetime.date(2026, 1, 2)
    assert cell_date(None) is None
    assert cell_date("  ") is None


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "明天", "2026"])
def test_a_cell_that_is_no_date_is_refused_with_its_text(value):
    with pytest.raises(CellUnreadable) as refusal:
        cell_date(f" {value} ")
    assert str(refusal.value) == value


def test_a_long_code_excel_stored_as_a_number_is_told_apart():
    assert cell_stored_as_number(1.40621198801021e17)
    assert cell_stored_as_number(140621)
    assert cell_stored_as_number("1.40621E+17")
    assert cell_stored_as_number(" 1e+17 ")
    assert not cell_stored_as_number("140621198802290012")
    assert not cell_stored_as_number(True)
    assert not cell_stored_as_number(None)


def test_the_message_for_a_code_stored_as_a_number_shows_the_number_when_given():
    assert stored_as_number_message(column="身份证号") == (
        "身份证号被Excel存成了数字，超过15位的数字已被改写，请将该列设为文本后重新录入。"
    )
    assert stored_as_number_message(column="身份证号", shown="140621198801020096") == (
        "身份证号被Excel存成了数字（140621198801020096），超过15位的数字已被改写，请将该列设为文本后重新录入。"
    )


def test_the_header_is_the_first_row_the_caller_recognises_and_the_rows_go_on_after_it():
    # given a file with a title and a summary above its list, the summary naming one of the list's columns
    content = "台账\n村（社区）,人数\n玉井村,2\n姓名,身份证号\n张三,140621198802290012\n".encode()
    rows = TableReader.of_bytes(content, file_name="台账.csv").rows()

    def names_both(cells):
        return list(cells) if {"姓名", "身份证号"} <= set(cells) else None

    # when
    header = header_find(rows, match=names_both, search_rows=10)
    # then
    assert header == ["姓名", "身份证号"]
    assert list(rows) == [(5, ["张三", "140621198802290012"])]


def test_no_header_among_the_rows_searched_is_none():
    content = "台账\n说明\n姓名,身份证号\n".encode()
    rows = TableReader.of_bytes(content, file_name="台账.csv").rows()
    assert header_find(rows, match=lambda cells: cells if "姓名" in cells else None, search_rows=2) is None
