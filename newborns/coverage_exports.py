"""The newborn coverage report as an Excel file in the printed ledger layout (reports.excel.ledger_workbook)."""

from collections.abc import Sequence
from decimal import Decimal

from divisions.codes import child_level
from reports.excel import ledger_workbook, workbook_bytes
from targets.coverage import CoverageRow, CoverageTable

WIDTHS = [18, 10, 16, 10, 10, 10, 16]


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _figures(row: CoverageRow) -> list[object]:
    gap = "—" if row.gap_to_target is None else row.gap_to_target
    return [row.people, row.enrolled, row.not_enrolled, _percent(row.rate), _percent(row.target), gap]


def newborn_coverage_workbook(*, coverage: CoverageTable) -> bytes:
    """R10.2: one row per division, the 合计 row with the division's own figures (rate and gap of the sums)."""
    row_level = child_level(coverage.division_code).label
    rows: list[Sequence[object]] = [[row.name, *_figures(row)] for row in coverage.rows]
    workbook = ledger_workbook(
        title=f"{coverage.division_name}{coverage.year}年度新生儿出生当年参保率",
        unit=coverage.within or coverage.division_name,
        as_of=coverage.as_of,
        headers=[row_level, "出生人数", "出生当年参保人数", "未参保人数", "参保率", "目标", "距目标还差（人）"],
        rows=rows,
        column_widths=WIDTHS,
        totals=["", *_figures(coverage.total)],
    )
    return workbook_bytes(workbook)
