"""The newborn coverage report in the printed ledger layout (core.excel), from the table the coverage page shows."""

from collections.abc import Sequence
from decimal import Decimal

from core.reports import Report, columns_of
from divisions.codes import child_level
from enrollment.coverage import CoverageRow, CoverageTable

FIGURE_HEADERS = ["出生人数", "出生当年参保人数", "未参保人数", "参保率", "目标", "距目标还差（人）"]
WIDTHS = [18, 10, 16, 10, 10, 10, 16]


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _figures(row: CoverageRow) -> list[object]:
    gap = "—" if row.gap_to_target is None else row.gap_to_target
    return [row.people, row.enrolled, row.not_enrolled, _percent(row.rate), _percent(row.target), gap]


def newborn_coverage_report(*, coverage: CoverageTable) -> Report:
    """R10.2: one row per division, the 合计 row with the division's own figures (rate and gap of the sums)."""
    row_level = child_level(coverage.division_code).label
    rows: list[Sequence[object]] = [[row.name, *_figures(row)] for row in coverage.rows]
    return Report(
        title=f"{coverage.division_name}{coverage.year}年度新生儿出生当年参保率",
        unit=coverage.within or coverage.division_name,
        as_of=coverage.as_of,
        columns=columns_of([row_level, *FIGURE_HEADERS], WIDTHS),
        rows=rows,
        totals=["", *_figures(coverage.total)],
    )
