"""The printed ledger layout (台账) every export follows: title, unit and date, frozen header, total, signatures."""

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TEXT_FORMAT = "@"  # ID numbers as text: Excel keeps only 15 significant digits of a number
MONEY_FORMAT = "#,##0.00"


def ledger_workbook(
    *,
    title: str,
    unit: str,
    as_of: datetime.date,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    column_widths: Sequence[int],
    totals: Sequence[object] | None = None,
) -> Workbook:
    """The ledger of `rows` under `headers`, numbered in the 序号 column.

    The 合计 row counts the rows ("N 人"); with `totals`, it holds those values instead, one per data column.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    width = len(headers) + 1
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1, value=title).font = Font(name="宋体", size=16, bold=True)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.cell(row=2, column=1, value=f"填报单位：{unit}")
    sheet.cell(row=2, column=width, value=f"截止日期：{as_of:%Y年%m月%d日}")
    for column, header in enumerate(["序号", *headers], start=1):
        cell = sheet.cell(row=3, column=column, value=header)
        cell.font = Font(bold=True)
        cell.border = BORDER
    row_number = 3
    for index, row in enumerate(rows, start=1):
        row_number += 1
        for column, value in enumerate([index, *row], start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            _format_cell(cell, value)
    sheet.cell(row=row_number + 1, column=1, value="合计").font = Font(bold=True)
    if totals is None:
        sheet.cell(row=row_number + 1, column=2, value=f"{row_number - 3} 人")
    else:
        sheet.cell(row=row_number + 1, column=1).border = BORDER
        for column, value in enumerate(totals, start=2):
            cell = sheet.cell(row=row_number + 1, column=column, value=value)
            cell.font = Font(bold=True)
            _format_cell(cell, value)
    sheet.cell(row=row_number + 3, column=1, value="制表人：")
    sheet.cell(row=row_number + 3, column=3, value="审核人：")
    sheet.cell(row=row_number + 3, column=5, value="日期：")
    for column, column_width in enumerate([6, *column_widths], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    return workbook


def _format_cell(cell: Cell, value: object) -> None:
    cell.border = BORDER
    if isinstance(value, str):
        # Text, never a formula: a name or note typed as "=HYPERLINK(…)" must not run when the file is opened.
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    """An Excel file as a download, its Chinese name kept (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    return response
