"""Lists received as files (a department's identity list, the health commission's births): reading, cell widgets,
the blank template and the error file, shared by every import that is previewed row by row before it is confirmed.

Files are read by `core.tabular` (xlsx, or CSV in UTF-8 or GBK); django-import-export gives the widgets the columns
clean their cells with; what a row means is decided by the importing app's services.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from import_export import widgets
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .excel import workbook_bytes
from .tabular import (
    CellUnreadable,
    FileUnreadable,
    TableReader,
    cell_date,
    cell_text,
    file_extension,
    header_find,
)

MAX_LIST_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 5  # lists often carry a title row or two above the header
TEMPLATE_TEXT_ROWS = 2000  # rows of a template whose text cells (ID numbers, codes) are preformatted as text


class TextWidget(widgets.Widget):  # type: ignore[misc]  # django-import-export is untyped
    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        return cell_text(value)


class ListDateWidget(widgets.Widget):  # type: ignore[misc]  # django-import-export is untyped
    """A date as Excel stores it, or written 2025-01-01, 2025/1/1, 2025.1.1, 2025年1月1日 or 20250101."""

    def clean(self, value: object, row: object = None, **kwargs: object) -> datetime.date | None:
        try:
            return cell_date(value)
        except CellUnreadable:
            raise ValueError(f"日期「{value}」无法识别，请写成2026-01-01。") from None


def list_upload_size_check(upload: UploadedFile) -> UploadedFile:
    """An uploaded list over 20 MB is refused before it is read: a county's list split by township stays under it."""
    if (upload.size or 0) > MAX_LIST_BYTES:
        raise ValidationError("文件超过20MB，请按乡镇拆分后分别导入。")
    return upload


# The imports of lists catch it under this name; it is the tabular reader's refusal of a whole file.


def canonical_header(header: object, *, aliases: Mapping[str, Sequence[str]]) -> str | None:
    """Our name of the column a header cell names (spaces ignored), if it is one of a column's usual names."""
    text = re.sub(r"\s+", "", str(header or ""))
    for column, names in aliases.items():
        if text in names:
            return column
    return None


def list_file_read(
    *,
    file_name: str,
    content: bytes,
    aliases: Mapping[str, Sequence[str]],
    key_column: str,
    required_columns: Sequence[str] = (),
    header_search_rows: int = HEADER_SEARCH_ROWS,
) -> tuple[list[dict[str, object]], set[str]]:
    """The data rows of a list as {column: cell}, keyed by our column names, and the columns the header has.

    The header is the first of the first `header_search_rows` rows that names `key_column` and every one of
    `required_columns` (core.tabular.header_find); `aliases` gives each column's usual names. Rows that are
    entirely blank (spacers, the blank rest of a template) are dropped; the row numbers the clerk sees ("行号") are
    those of the file, counted from 1 at its first line.
    """
    if file_extension(file_name) not in ("xlsx", "csv"):
        raise FileUnreadable("只能导入 xlsx 或 csv 文件。")
    expected = {key_column, *required_columns}

    def header_columns(line: Sequence[object]) -> list[str | None] | None:
        columns = [canonical_header(cell, aliases=aliases) for cell in line]
        return columns if expected <= set(columns) else None

    lines = TableReader.of_bytes(content, file_name=file_name).rows()
    columns = header_find(lines, match=header_columns, search_rows=header_search_rows)
    if columns is None:
        others = [column for column in required_columns if column != key_column]
        if not others:
            raise FileUnreadable(f"没有找到表头：前{header_search_rows}行中应有「{key_column}」一列。")
        named = "、".join([key_column, *others])
        raise FileUnreadable(f"没有找到表头：前{header_search_rows}行中应有一行包含以下各列：{named}。")
    rows = []
    for row_number, line in lines:
        if all(cell is None or str(cell).strip() == "" for cell in line):
            continue
        cells = {column: cell for column, cell in zip(columns, line, strict=False) if column}
        rows.append({"行号": row_number, **cells})
    return rows, {column for column in columns if column}


def list_template_workbook(
    *, title: str, columns: Sequence[str], text_columns: Sequence[str], notes: Sequence[str]
) -> Workbook:
    """A blank list: the header in bold, the text columns (ID numbers, codes) already formatted as text so that
    Excel does not turn them into numbers, and a sheet of filling notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for column_number, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=column_number, value=column).font = Font(bold=True)
        width = 22 if column in text_columns else 14
        sheet.column_dimensions[get_column_letter(column_number)].width = width
        if column in text_columns:
            for row_number in range(2, TEMPLATE_TEXT_ROWS + 2):
                sheet.cell(row=row_number, column=column_number).number_format = "@"
    sheet.freeze_panes = "A2"
    notes_sheet = workbook.create_sheet("填写说明")
    for note in notes:
        notes_sheet.append([note])
    return workbook


def list_template_bytes(
    *, title: str, columns: Sequence[str], text_columns: Sequence[str], notes: Sequence[str]
) -> bytes:
    return workbook_bytes(list_template_workbook(title=title, columns=columns, text_columns=text_columns, notes=notes))


def row_errors_file_build(*, row_errors: list[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """The refused rows as the clerk sent them, with a column saying what is wrong: fix and upload again.

    Of `columns`, those that any refused row has are given back, in that order.
    """
    shown = [column for column in columns if any(column in error["values"] for error in row_errors)]
    dataset = tablib.Dataset(headers=["行号", *shown, "错误"])
    for error in row_errors:
        dataset.append(
            [error["row"], *(error["values"].get(column, "") for column in shown), "；".join(error["errors"])]
        )
    content: bytes = XLSX().export_data(dataset)
    return content
