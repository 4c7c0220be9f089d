"""The ledger layout (core.excel) read back with openpyxl: every cell where the printed 台账 puts it."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.excel import PERCENT_FORMAT, report_xlsx, report_xlsx_response
from core.reports import Column, Report, Subtotal, columns_of

AS_OF = datetime.date(2026, 11, 26)
FORMULA = '=HYPERLINK("http://example.invalid","点击")'


def roster(**changes: object) -> Report:
    fields: dict[str, object] = {
        "title": "山阴县2026年度困难群众资助参保台账",
        "unit": "山阴县",
        "as_of": AS_OF,
        "columns": [Column("姓名", 10), Column("公民身份号码", 22), Column("资助金额（元）", 14)],
        "rows": [["张三", "140621199001010011", Decimal("180.00")], ["李四", "140621199202020022", Decimal("90.50")]],
    }
    return Report(**{**fields, **changes})  # type: ignore[arg-type]


def sheet_of(report: Report) -> Worksheet:
    sheet = load_workbook(io.BytesIO(report_xlsx(report))).active
    assert isinstance(sheet, Worksheet)
    return sheet


def values(sheet: Worksheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_ledger_has_title_unit_and_date_headers_numbered_rows_a_count_and_the_signature_line():
    # given a report without totals
    report = roster()
    # when it is written and read back
    sheet = sheet_of(report)
    # then every row is where the printed ledger has it
    assert values(sheet) == [
        ["山阴县2026年度困难群众资助参保台账", None, None, None, None],
        ["填报单位：山阴县", None, None, "截止日期：2026年11月26日", None],
        ["序号", "姓名", "公民身份号码", "资助金额（元）", None],
        [1, "张三", "140621199001010011", 180, None],
        [2, "李四", "140621199202020022", 90.5, None],
        ["合计", "2 人", None, None, None],
        [None, None, None, None, None],
        ["制表人：", None, "审核人：", None, "日期："],
    ]
    assert [str(cell_range) for cell_range in sheet.merged_cells.ranges] == ["A1:D1"]
    assert (sheet["A1"].font.name, sheet["A1"].font.size, sheet["A1"].font.bold) == ("宋体", 16, True)
    assert sheet["A1"].alignment.horizontal == "center"
    assert sheet.title == "山阴县2026年度困难群众资助参保台账"


def test_the_totals_row_holds_the_given_values_in_bold_with_money_formatted():
    # given a report with totals
    report = roster(totals=["2 人", "", Decimal("270.50")])
    # when
    sheet = sheet_of(report)
    # then
    assert [cell.value for cell in sheet[6][:4]] == ["合计", "2 人", None, 270.5]  # an empty text reads back as None
    assert all(cell.font.bold for cell in sheet[6][:4])
    assert (sheet["D6"].number_format, sheet["D4"].number_format) == ("#,##0.00", "#,##0.00")


def test_text_stays_text_and_dates_and_column_formats_are_applied():
    # given an ID number, a value typed as a formula, a date and a rate column
    report = roster(
        columns=[
            Column("公民身份号码", 22),
            Column("备注", 30),
            Column("缴费日期", 12),
            Column("参保率", 10, PERCENT_FORMAT),
        ],
        rows=[["140621199001010011", FORMULA, datetime.date(2026, 3, 1), Decimal("0.9512")]],
        totals=["", "", None, Decimal("0.9512")],
    )
    # when
    sheet = sheet_of(report)
    # then
    assert [(cell.value, cell.data_type, cell.number_format) for cell in sheet[4][1:3]] == [
        ("140621199001010011", "s", "@"),
        (FORMULA, "s", "@"),
    ]
    assert (sheet["D4"].value.date(), sheet["D4"].number_format) == (datetime.date(2026, 3, 1), "yyyy-mm-dd")
    assert (sheet["E4"].number_format, sheet["E5"].number_format) == ("0.00%", "0.00%")


def test_the_sheet_freezes_the_headers_and_prints_landscape_a4_fit_to_width_repeating_the_header_row():
    # given
    report = roster()
    # when
    sheet = sheet_of(report)
    # then
    assert [sheet.column_dimensions[letter].width for letter in "ABCD"] == [6, 10, 22, 14]
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True


def test_rows_given_as_a_generator_are_written_and_counted():
    # given rows read lazily, as a large export reads them from the database
    rows = ([f"居民{number}", "", Decimal("1.00")] for number in range(1, 4))
    # when
    sheet = sheet_of(roster(rows=rows))
    # then
    assert [row[:2] for row in values(sheet)[3:7]] == [[1, "居民1"], [2, "居民2"], [3, "居民3"], ["合计", "3 人"]]


def test_a_long_title_names_the_sheet_with_its_first_31_characters():
    # given
    title = "山阴县" * 12
    # when
    sheet = sheet_of(roster(title=title))
    # then
    assert (sheet.title, sheet["A1"].value) == (title[:31], title)


def test_the_download_is_named_after_the_title_unless_a_name_is_given():
    # when
    named_after_title = report_xlsx_response(roster())
    named = report_xlsx_response(roster(), file_name="未登记人员-名单.xlsx")
    # then
    assert named_after_title["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert named_after_title["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%B1%B1%E9%98%B4%E5%8E%BF2026%E5%B9%B4%E5%BA%A6"
        "%E5%9B%B0%E9%9A%BE%E7%BE%A4%E4%BC%97%E8%B5%84%E5%8A%A9%E5%8F%82%E4%BF%9D%E5%8F%B0%E8%B4%A6.xlsx"
    )
    assert named["Content-Disposition"].endswith("%E5%90%8D%E5%8D%95.xlsx")
    assert load_workbook(io.BytesIO(named.content)).active["A1"].value == "山阴县2026年度困难群众资助参保台账"


def test_columns_of_pairs_headers_with_widths_and_refuses_lists_of_different_lengths():
    assert columns_of(["姓名", "性别"], [10, 6]) == [Column("姓名", 10), Column("性别", 6)]
    with pytest.raises(ValueError):
        columns_of(["姓名", "性别"], [10])


def test_subtotals_stand_between_the_rows_and_the_totals_labelled_and_in_bold():
    # given two subtotals
    report = roster(
        subtotals=[Subtotal("男小计", ["", "", Decimal("180.00")]), Subtotal("女小计", ["", "", Decimal("90.50")])],
        totals=["", "", Decimal("270.50")],
    )
    # when
    sheet = sheet_of(report)
    # then
    assert [row[:4] for row in values(sheet)[3:9]] == [
        [1, "张三", "140621199001010011", 180],
        [2, "李四", "140621199202020022", 90.5],
        ["男小计", None, None, 180],
        ["女小计", None, None, 90.5],
        ["合计", None, None, 270.5],
        [None, None, None, None],
    ]
    assert all(cell.font.bold for cell in sheet[6][:4]) and sheet["D6"].number_format == "#,##0.00"
    assert sheet["A10"].value == "制表人："


def test_without_totals_the_count_after_subtotals_is_of_the_records_alone():
    sheet = sheet_of(roster(subtotals=[Subtotal("小计", ["", "", Decimal("270.50")])]))
    assert [row[:2] for row in values(sheet)[5:7]] == [["小计", None], ["合计", "2 人"]]
