"""Files of rows (CSV or xlsx) as every import reads them, and the checks of single cells they share.

`TableReader` streams a file one row at a time, so memory does not grow with the file. CSV is decoded as UTF-8 (a
BOM is dropped), or as GB18030 (a superset of GBK, what Excel and WPS on Chinese Windows save) when the first chunk
is not UTF-8. xlsx is read with openpyxl in read-only mode, the first sheet row by row. Rows come with the number
Excel shows beside them, counted from 1, blank rows included, so that a clerk finds the row a message names.

A cell comes as the reader gives it: text from a CSV; text, numbers, dates or None from an xlsx sheet.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO, TypeVar

from openpyxl import load_workbook

SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_EXTENSIONS = ("xls", "xlsm", "et")
XLSX_UNREADABLE = "文件无法读取，请确认是 xlsx 或 csv 格式且未加密。"
# 2025-01-01, 2025/1/1, 2025.1.1 or 2025年1月1日; 20250101 is read apart
DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# A long number of a CSV that Excel opened and saved again: 1.40621E+17
EXCEL_SCIENTIFIC_NOTATION = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


class FileUnreadable(ValueError):
    """The file as a whole cannot be read; the message is shown to the clerk."""


class CellUnreadable(ValueError):
    """A cell that cannot be read as what its column holds; each import words the message for its own report."""


# --- Reading -------------------------------------------------------------------------------------------------------


def csv_encoding(head: bytes) -> str:
    """utf-8-sig when the first chunk decodes as UTF-8 (a character cut at the chunk's end is allowed), else
    gb18030."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def file_extension(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


class TableReader:
    """The rows of a CSV or xlsx file as (row number, cells), row numbers counted from 1 as Excel shows them.

    The format is told by the content (an xlsx is a zip file); a file named as an Excel workbook that is not one is
    refused with FileUnreadable, as is a file that cannot be decoded or parsed (raised while reading its rows).
    """

    def __init__(self, stream: BinaryIO, *, file_name: str) -> None:
        self.stream = stream
        stream.seek(0, io.SEEK_END)
        self.size = stream.tell()
        stream.seek(0)
        head = stream.read(SNIFF_BYTES)
        stream.seek(0)
        extension = file_extension(file_name)
        self.encoding = ""
        if head.startswith(XLSX_MAGIC):
            self.format = "xlsx"
        elif extension in OLD_EXCEL_EXTENSIONS:
            raise FileUnreadable("文件不是 xlsx 格式（旧版 .xls 请在 Excel/WPS 中另存为 .xlsx 或 .csv）。")
        elif extension == "xlsx":
            raise FileUnreadable(XLSX_UNREADABLE)
        else:
            self.format = "csv"
            self.encoding = csv_encoding(head)
        self.estimated_rows: int | None = None
        self._row_number = 0

    @classmethod
    def of_bytes(cls, content: bytes, *, file_name: str) -> "TableReader":
        """A reader of a file already in memory (an upload read whole)."""
        return cls(io.BytesIO(content), file_name=file_name)

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        return self._xlsx_rows() if self.format == "xlsx" else self._csv_rows()

    def fraction_read(self) -> float:
        """How far into the file the reader is, from 0 to 1, for the progress bar."""
        if self.format == "xlsx":
            return min(1.0, self._row_number / self.estimated_rows) if self.estimated_rows else 0.0
        return min(1.0, self.stream.tell() / self.size) if self.size else 0.0

    def _csv_rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, newline="")
        try:
            for self._row_number, cells in enumerate(csv.reader(text), start=1):
                yield self._row_number, cells
        except UnicodeDecodeError:
            name = "UTF-8" if self.encoding == "utf-8-sig" else "GBK/GB18030"
            raise FileUnreadable(
                f"第{self._row_number + 1}行附近的内容无法按{name}编码读取，请将文件另存为UTF-8或GBK编码的CSV。"
            ) from None
        except csv.Error as error:
            raise FileUnreadable(f"第{self._row_number + 1}行不是有效的CSV：{error}。") from None
        finally:
            text.detach()

    def _xlsx_rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        try:
            workbook = load_workbook(self.stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise FileUnreadable(XLSX_UNREADABLE) from None
        try:
            sheet = workbook.worksheets[0]
            max_row = sheet.max_row
            self.estimated_rows = max_row if max_row and max_row > 1 else None
            for self._row_number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield self._row_number, cells
        finally:
            workbook.close()


HeaderFound = TypeVar("HeaderFound")


def header_find(
    rows: Iterator[tuple[int, Sequence[object]]],
    *,
    match: Callable[[Sequence[object]], HeaderFound | None],
    search_rows: int,
) -> HeaderFound | None:
    """The header of a file: the first row, among the first `search_rows`, that `match` recognises (it answers what
    it read of the row, e.g. the positions of the columns; None for a row that is not the header).

    Rows above it (a title, the unit and date, the summaries an exported ledger carries above its list) are
    skipped; `rows` is left at the first row after the header, so the reader goes on streaming the data rows.
    None when no row of the first `search_rows` is the header.
    """
    for line, cells in rows:
        found = match(cells)
        if found is not None:
            return found
        if line >= search_rows:
            break
    return None


# --- Cells ---------------------------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as text: CSV text stripped, whole numbers without '.0', dates as 2026-01-01."""
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value: object) -> datetime.date | None:
    """A date as Excel stores it, or written 2025-01-01, 2025/1/1, 2025.1.1, 2025年1月1日 or 20250101 (a time after
    it ignored); None for an empty cell. Raises CellUnreadable with the cell's text when it is not a date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value).split(" ")[0]
    if not text:
        return None
    match = DATE_PATTERN.match(text)
    try:
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
        if len(text) == 8 and text.isdigit():
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        pass
    raise CellUnreadable(text)


def cell_stored_as_number(value: object) -> bool:
    """A number cell of an xlsx, or the scientific notation Excel writes when it saves a CSV back: a long code
    (an ID number, a voucher number) in such a cell has lost its digits after the 15th."""
    if type(value) is str:
        return "+" in value and bool(EXCEL_SCIENTIFIC_NOTATION.match(value.strip()))
    return isinstance(value, int | float) and not isinstance(value, bool)


def stored_as_number_message(*, column: str, shown: str = "") -> str:
    """The message for a long code that Excel stored as a number; `shown` is the number as the cell now holds it."""
    as_stored = f"（{shown}）" if shown else ""
    return f"{column}被Excel存成了数字{as_stored}，超过15位的数字已被改写，请将该列设为文本后重新录入。"
