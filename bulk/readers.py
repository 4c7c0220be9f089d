"""Streaming readers of a bulk file: one row at a time, so memory does not grow with the file.

CSV is decoded as UTF-8 (a BOM is dropped), or as GB18030 (a superset of GBK, what Excel and WPS on Chinese Windows
save) when the first chunk is not UTF-8. xlsx is read with openpyxl in read-only mode, sheet by sheet row by row.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from openpyxl import load_workbook

SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class FileUnreadable(ValueError):
    """The file as a whole cannot be read; the message is shown to the clerk."""


def csv_encoding(head: bytes) -> str:
    """utf-8-sig when the first chunk decodes as UTF-8 (a character cut at the chunk's end is allowed), else
    gb18030."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


class TableReader:
    """The rows of a CSV or xlsx file as (row number, cells), row numbers counted from 1 as Excel shows them."""

    def __init__(self, stream: BinaryIO, *, file_name: str) -> None:
        self.stream = stream
        stream.seek(0, io.SEEK_END)
        self.size = stream.tell()
        stream.seek(0)
        head = stream.read(SNIFF_BYTES)
        stream.seek(0)
        extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        if head.startswith(XLSX_MAGIC):
            self.format = "xlsx"
        elif extension in ("xlsx", "xls", "xlsm", "et"):
            raise FileUnreadable("文件不是 xlsx 格式（旧版 .xls 请在 Excel/WPS 中另存为 .xlsx 或 .csv）。")
        else:
            self.format = "csv"
            self.encoding = csv_encoding(head)
        self.estimated_rows: int | None = None
        self._row_number = 0

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        return self._xlsx_rows() if self.format == "xlsx" else self._csv_rows()

    def fraction_read(self) -> float:
        """How far into the file the reader is, from 0 to 1, for the progress bar."""
        if self.format == "xlsx":
            return min(1.0, self._row_number / self.estimated_rows) if self.estimated_rows else 0.0
        return min(1.0, self.stream.tell() / self.size) if self.size else 0.0

    def _csv_rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, newline="")  # type: ignore[type-var]
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
            raise FileUnreadable("xlsx 文件无法读取，请确认文件未损坏、未加密。") from None
        try:
            sheet = workbook.worksheets[0]
            max_row = sheet.max_row
            self.estimated_rows = max_row if max_row and max_row > 1 else None
            for self._row_number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield self._row_number, cells
        finally:
            workbook.close()
