"""One report object serves the page and the file.

A report's function (`fiscal_prepay_report`, `subsidy_ledger_report`, …) builds a `Report` once from what its
selector computed; the export view hands it to the ledger writer (`core.excel.report_xlsx_response`), so the file
carries the same title, columns, rows and totals as the table the page shows from the same selector result.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a report: its header, its width in the file, and, when the values' types do not say it, the
    Excel number format of its cells (a rate stored as 0.5 shown as 50.00%)."""

    header: str
    width: int
    number_format: str | None = None


@dataclass(frozen=True)
class Report:
    """A table in the printed ledger layout (台账): title, reporting unit and date, columns, rows and the 合计 row.

    `rows` may be a generator (a large list read from the database in chunks): it is read once, by the writer.
    Without `totals` the 合计 row counts the rows ("N 人"); with them it holds those values, one per column.
    """

    title: str
    unit: str
    as_of: datetime.date
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    totals: Sequence[object] | None = None

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def header_lines(self) -> tuple[str, str]:
        """The line under the title: the reporting unit on the left, the date the figures stand at on the right."""
        return f"填报单位：{self.unit}", f"截止日期：{self.as_of:%Y年%m月%d日}"


def columns_of(headers: Sequence[str], widths: Sequence[int]) -> list[Column]:
    """Columns from a list of headers and the list of their widths, both in the file's order."""
    if len(headers) != len(widths):
        raise ValueError(f"{len(headers)} headers but {len(widths)} widths")
    return [Column(header=header, width=width) for header, width in zip(headers, widths, strict=True)]
