"""One report object serves the page and the file.

A report's function (`fiscal_prepay_report`, `subsidy_ledger_report`, …) builds a `Report` once from what its
selector computed; the export view hands it to the ledger writer (`core.excel.report_xlsx_response`) and the page
hands the same object to `report_page_table`, whose rows `templates/core/report_table.html` shows, so the page and
the file carry the same title, columns, rows and totals.
"""

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .formatting import count_text, date_table_text, grouped, moment_text

TEXT_FORMAT = "@"  # ID numbers as text: Excel keeps only 15 significant digits of a number
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.00%"


def signed_format(*, positive: str, negative: str, zero: str) -> str:
    """A money format that says what the sign means instead of showing it: 扣回 139,400.00 for -139400."""
    return f'"{positive} "{MONEY_FORMAT};"{negative} "{MONEY_FORMAT};"{zero}"'


@dataclass(frozen=True)
class Column:
    """One column of a report: its header, its width in the file, and, when the values' types do not say it, the
    Excel number format of its cells (a rate stored as 0.5 shown as 50.00%). `badges` is for the page alone: a
    value it names is shown as a badge of that Bootstrap colour (已拨付 → success)."""

    header: str
    width: int
    number_format: str | None = None
    badges: Mapping[str, str] | None = None


@dataclass(frozen=True)
class RowLink:
    """What a page offers to do with one row (录入, 修改); the file has no place for it."""

    text: str
    url: str


@dataclass(frozen=True)
class Subtotal:
    """A labelled row between the records and the 合计 row (省级小计), one value per column."""

    label: str
    values: Sequence[object]


@dataclass(frozen=True)
class Summary:
    """A small table the page shows above a ledger's list (六步工作法进度, 未参保原因), carried by the file above its
    list too: a heading, its column headers and its rows, each row's first value its label (a village, a reason)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass(frozen=True)
class Report:
    """A table in the printed ledger layout (台账): title, reporting unit and date, columns, rows and the 合计 row.

    `rows` may be a generator (a large list read from the database in chunks): it is read once, by the writer or
    by the page. Without `totals` the 合计 row counts the rows ("N 人"); with them it holds those values, one per
    column. `row_keys` (the data- attributes a page's row is found by), `row_links`, one per row when given, and
    `first_number`, the 序号 of the first row on a later page of a long list, are for the page alone. `summaries`
    are written above the list's header, in the order given.
    """

    title: str
    unit: str
    as_of: datetime.date
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    totals: Sequence[object] | None = None
    subtotals: Sequence[Subtotal] = ()
    row_keys: Sequence[Mapping[str, str]] | None = None
    row_links: Sequence[RowLink | None] | None = None
    first_number: int = 1
    summaries: Sequence[Summary] = ()

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


# --- the page's table ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageCell:
    text: str
    numeric: bool = False  # right-aligned
    badge: str | None = None  # the Bootstrap colour of the badge the text is shown in
    tone: str = ""  # "up" or "down" where the column's format words the sign (补拨 / 扣回)


@dataclass(frozen=True)
class PageRow:
    label: str  # the 序号 column: the row's number, 合计 or a subtotal's label
    cells: list[PageCell]
    keys: Mapping[str, str] = field(default_factory=dict)
    link: RowLink | None = None


@dataclass(frozen=True)
class PageTable:
    headers: list[str]
    rows: list[PageRow]
    subtotals: list[PageRow]
    totals: PageRow
    has_links: bool


_SECTION = re.compile(r'(?:"[^"]*"|[^;"])+')
_FORMAT_PART = re.compile(r'"([^"]*)"|([#0,.]+%?)|(.)')


def number_text(value: Decimal | int | float, number_format: str) -> str:
    """A number as an Excel number format of this project shows it (up to three sections: positive; negative, its
    sign left to the words; zero), with thousands separators where the format has them (#,##0.00 → 1,234,567.50),
    as every page of the project writes amounts (core.formatting)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    sections = _SECTION.findall(number_format)
    section = sections[0]
    if number < 0 and len(sections) > 1:
        section, number = sections[1], -number
    elif number == 0 and len(sections) > 2:
        section = sections[2]
    parts = []
    for literal, digits, other in _FORMAT_PART.findall(section):
        if not digits:
            parts.append(literal or other)
            continue
        percent = digits.endswith("%")
        places = len(digits.rstrip("%").partition(".")[2])
        scaled = number * 100 if percent else number
        if "," in digits:
            shown = grouped(scaled, places)
        else:
            shown = f"{scaled.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):f}"
        parts.append(f"{shown}{'%' if percent else ''}")
    return "".join(parts)


def cell_text(value: object, number_format: str | None = None) -> str:
    """A value as the page's table shows it (core.formatting): money to the fen, a count with thousands separators, a
    rate as its column's percentage, a date as 2026-01-01, a moment in local time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return moment_text(value)
    if isinstance(value, datetime.date):
        return date_table_text(value)
    if isinstance(value, Decimal | int | float) and (number_format or isinstance(value, Decimal)):
        return number_text(value, number_format or MONEY_FORMAT)
    if isinstance(value, int):
        return count_text(value)
    return str(value)


def _page_cells(report: Report, values: Sequence[object]) -> list[PageCell]:
    cells = []
    for column, value in zip(report.columns, values, strict=False):
        text = cell_text(value, column.number_format)
        signed = column.number_format is not None and ";" in column.number_format
        tone = ""
        if signed and isinstance(value, Decimal | int | float) and value:
            tone = "up" if value > 0 else "down"
        cells.append(
            PageCell(
                text=text,
                numeric=isinstance(value, Decimal | int | float) and not isinstance(value, bool),
                badge=(column.badges or {}).get(text),
                tone=tone,
            )
        )
    return cells


def report_page_table(report: Report) -> PageTable:
    """The report as the rows of the page's table, each value written as the page shows it; reads the rows once."""
    rows = []
    for index, values in enumerate(report.rows):
        rows.append(
            PageRow(
                label=str(report.first_number + index),
                cells=_page_cells(report, values),
                keys=report.row_keys[index] if report.row_keys is not None else {},
                link=report.row_links[index] if report.row_links is not None else None,
            )
        )
    if report.totals is None:
        blanks = [PageCell("") for _ in report.columns[1:]]
        totals = PageRow(label="合计", cells=[PageCell(f"{count_text(len(rows))} 人"), *blanks])
    else:
        totals = PageRow(label="合计", cells=_page_cells(report, report.totals))
    return PageTable(
        headers=report.headers,
        rows=rows,
        subtotals=[PageRow(label=row.label, cells=_page_cells(report, row.values)) for row in report.subtotals],
        totals=totals,
        has_links=report.row_links is not None,
    )
