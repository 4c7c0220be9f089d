"""The progress ranking of the dashboard as a report in the printed ledger layout (core.excel), built from the
dashboard the page shows."""

from decimal import Decimal

from core.excel import PERCENT_FORMAT
from core.reports import Column, Report

from .selectors.progress import ProgressDashboard

COUNT_COLUMNS = [
    Column("区划代码", 12),
    Column("区划名称", 16),
    Column("目标人数", 12),
    Column("实际人数", 12),
    Column("完成率", 10, PERCENT_FORMAT),
    Column("时间进度", 10, PERCENT_FORMAT),
    Column("差距（人）", 12),
]
RATE_COLUMNS = [
    Column("区划代码", 12),
    Column("区划名称", 16),
    Column("应参保人数", 14),
    Column("参保人数", 12),
    Column("参保率", 10, PERCENT_FORMAT),
    Column("目标参保率", 12, PERCENT_FORMAT),
    Column("距目标还差（人）", 16),
]


def _whole(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


def progress_report(*, dashboard: ProgressDashboard, unit: str) -> Report:
    """The ranking table in the ledger layout, the 合计 row adding up its columns; rates shown as percentages."""
    totals = dashboard.totals
    if dashboard.is_rate:
        columns = RATE_COLUMNS
        rows = [
            [row.code, row.name, row.base, row.actual, row.completion_rate, row.target, row.gap]
            for row in dashboard.rows
        ]
        total_row = (
            [None, None, totals.base, totals.actual, totals.completion_rate, None, totals.gap] if totals else None
        )
    else:
        columns = COUNT_COLUMNS
        rows = [
            [row.code, row.name, _whole(row.target), row.actual, row.completion_rate, row.time_progress, row.gap]
            for row in dashboard.rows
        ]
        total_row = (
            [
                None,
                None,
                _whole(totals.target),
                totals.actual,
                totals.completion_rate,
                dashboard.time_progress,
                totals.gap,
            ]
            if totals
            else None
        )
    return Report(
        title=f"{dashboard.division.name}{dashboard.year}年度{dashboard.metric_label}完成情况",
        unit=unit,
        as_of=dashboard.as_of,  # type: ignore[arg-type]
        columns=columns,
        rows=rows,
        totals=total_row,
    )
