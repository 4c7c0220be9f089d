"""The printed ledger layout (台账) every Excel export follows, written once.

Row 1 the title across the table; row 2 the reporting unit and the as-of date; row 3 the column headers after 序号;
then one numbered row per record, the subtotals, the 合计 row, and the signature line. The header rows stay in view
(freeze panes) and are repeated on every printed page; the sheet prints landscape on A4, as wide as the page.

A report with summaries (the small tables its page shows above the list) has them from row 3 on, each a heading,
its column headers and its rows, a blank row after each; the list's column headers follow them. Reading such a file
back, an import finds the header row by its headings (core.tabular.header_find), not by its place.
"""

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .reports import DATE_FORMAT, MONEY_FORMAT, TEXT_FORMAT, Report, Summary
from .reports import PERCENT_FORMAT as PERCENT_FORMAT  # the column formats are the writer's, read from here too

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
BOLD = Font(bold=True)
SHEET_TITLE_MAX_LENGTH = 31  # Excel refuses longer sheet names
NUMBER_COLUMN_WIDTH = 6
TITLE_ROW, HEADER_LINE_ROW, COLUMN_HEADER_ROW = 1, 2, 3  # the list's headers, when no summary is above them
SUMMARY_FIRST_COLUMN = 2  # the 序号 column is too narrow for a village's or a reason's name
SIGNATURES = ((1, "制表人："), (3, "审核人："), (5, "日期："))


def report_workbook(report: Report) -> Workbook:
    """The report as a workbook of one sheet in the ledger layout."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = report.title[:SHEET_TITLE_MAX_LENGTH]
    width = len(report.columns) + 1  # the 序号 column first
    _title_rows(sheet, report, width)
    header_row = _summary_rows(sheet, report.summaries, COLUMN_HEADER_ROW)
    _column_headers(sheet, report, header_row)
    row_count = _data_rows(sheet, report, header_row + 1)
    total_row = _subtotal_rows(sheet, report, header_row + 1 + row_count)
    _totals_row(sheet, report, total_row, row_count)
    for column, text in SIGNATURES:
        sheet.cell(row=total_row + 2, column=column, value=text)
    _page_layout(sheet, report, header_row)
    return workbook


def _title_rows(sheet: Worksheet, report: Report, width: int) -> None:
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    title = sheet.cell(row=TITLE_ROW, column=1, value=report.title)
    title.font = TITLE_FONT
    title.alignment = Alignment(horizontal="center")
    unit_line, as_of_line = report.header_lines
    sheet.cell(row=HEADER_LINE_ROW, column=1, value=unit_line)
    sheet.cell(row=HEADER_LINE_ROW, column=width, value=as_of_line)


def _summary_rows(sheet: Worksheet, summaries: Sequence[Summary], first_row: int) -> int:
    """Writes the summaries from `first_row` on, a blank row after each; returns the row after them."""
    row_number = first_row
    for summary in summaries:
        sheet.cell(row=row_number, column=SUMMARY_FIRST_COLUMN, value=summary.title).font = BOLD
        lines = [summary.headers, *summary.rows]
        for line_number, values in enumerate(lines, start=row_number + 1):
            for offset, value in enumerate(values):
                cell = _write_cell(sheet.cell(row=line_number, column=SUMMARY_FIRST_COLUMN + offset), value)
                if line_number == row_number + 1:
                    cell.font = BOLD
        row_number += 1 + len(lines) + 1
    return row_number


def _column_headers(sheet: Worksheet, report: Report, header_row: int) -> None:
    for column, header in enumerate(["序号", *report.headers], start=1):
        cell = sheet.cell(row=header_row, column=column, value=header)
        cell.font = BOLD
        cell.border = BORDER


def _data_rows(sheet: Worksheet, report: Report, first_row: int) -> int:
    """Writes the numbered rows from `first_row` on; returns how many there are."""
    count = 0
    for count, row in enumerate(report.rows, start=1):
        row_number = first_row + count - 1
        _write_cell(sheet.cell(row=row_number, column=1), count)
        _write_values(sheet, report, row_number, row)
    return count


def _subtotal_rows(sheet: Worksheet, report: Report, first_row: int) -> int:
    """Writes the subtotals from `first_row` on; returns the number of the row after them, the 合计 row."""
    for row_number, subtotal in enumerate(report.subtotals, start=first_row):
        _bold_row(sheet, report, row_number, subtotal.label, subtotal.values)
    return first_row + len(report.subtotals)


def _totals_row(sheet: Worksheet, report: Report, total_row: int, row_count: int) -> None:
    if report.totals is None:
        sheet.cell(row=total_row, column=1, value="合计").font = BOLD
        sheet.cell(row=total_row, column=2, value=f"{row_count} 人")
        return
    _bold_row(sheet, report, total_row, "合计", report.totals)


def _bold_row(sheet: Worksheet, report: Report, row_number: int, label: str, values: Sequence[object]) -> None:
    label_cell = sheet.cell(row=row_number, column=1, value=label)
    label_cell.font = BOLD
    label_cell.border = BORDER
    for cell in _write_values(sheet, report, row_number, values):
        cell.font = BOLD


def _write_values(sheet: Worksheet, report: Report, row_number: int, values: Sequence[object]) -> list[Cell]:
    """The values of one row, after the 序号 column, each formatted as its column says or as its type asks."""
    cells = []
    for offset, value in enumerate(values):
        column_format = report.columns[offset].number_format if offset < len(report.columns) else None
        cells.append(_write_cell(sheet.cell(row=row_number, column=offset + 2), value, column_format))
    return cells


def _write_cell(cell: Cell, value: object, column_format: str | None = None) -> Cell:
    cell.value = value
    cell.border = BORDER
    if isinstance(value, str):
        # Text, never a formula: a name or note typed as "=HYPERLINK(…)" must not run when the file is opened.
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if column_format is not None:
        cell.number_format = column_format
    return cell


def _page_layout(sheet: Worksheet, report: Report, header_row: int) -> None:
    widths = [NUMBER_COLUMN_WIDTH, *(column.width for column in report.columns)]
    for column_number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column_number)].width = width
    if not report.summaries:  # frozen summaries would leave no room on the screen for the list
        sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_xlsx(report: Report) -> bytes:
    """The report as the content of an .xlsx file."""
    return workbook_bytes(report_workbook(report))


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    """An Excel file as a download, its Chinese name kept (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # None only for an inline response without a name, never for an attachment
    disposition = content_disposition_header(as_attachment=True, filename=file_name) or "attachment"
    response["Content-Disposition"] = disposition
    return response


def report_xlsx_response(report: Report, *, file_name: str | None = None) -> HttpResponse:
    """The report as a download named after its title unless `file_name` says otherwise."""
    return xlsx_response(report_xlsx(report), file_name or f"{report.title}.xlsx")
