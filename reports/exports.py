"""The three fiscal tables (R11) as reports in the printed ledger layout (core.excel), built from the tables the
settlement page shows; the page shows the same reports (core.reports.report_page_table)."""

import datetime
from collections.abc import Sequence
from urllib.parse import urlencode

from django.urls import reverse

from core.reports import Column, Report, RowLink, Subtotal, signed_format

from .rules import TransferStatus
from .selectors.prepay import PrepayTable
from .selectors.settlement import SettlementTable
from .selectors.transfers import TransferStatusRow, TransferTable

SETTLEMENT_FORMAT = signed_format(positive="补拨", negative="扣回", zero="持平")
STATUS_BADGES = {
    TransferStatus.TO_PAY: "secondary",
    TransferStatus.PARTLY_PAID: "warning",
    TransferStatus.PAID: "success",
    TransferStatus.PAID_LATE: "danger",
    TransferStatus.OVERDUE: "danger",
}
PREPAY_COLUMNS = [
    Column("区县", 16),
    Column("财政分档", 20),
    Column("省级负担比例", 10),
    Column("市级负担比例", 10),
    Column("县级负担比例", 10),
    Column("目标人数", 10),
    Column("人均资助标准（元）", 12),
    Column("省级预拨（元）", 16),
    Column("市级预拨（元）", 16),
    Column("县级预拨（元）", 16),
    Column("预拨合计（元）", 16),
]
SETTLEMENT_COLUMNS = [
    Column("区县", 16),
    Column("财政层级", 10),
    Column("负担比例", 10),
    Column("实际资助人数", 12),
    Column("预拨金额（元）", 16),
    Column("实际应负担（元）", 16),
    Column("结算金额（元）", 18, number_format=SETTLEMENT_FORMAT),
    Column("补拨/扣回", 10),
]


def transfer_columns(rows: Sequence[TransferStatusRow]) -> list[Column]:
    """The transfer table's columns; the status cell names the days late of a 逾期拨付 level, so the page's badges are
    keyed by the texts the rows show."""
    badges = {row.status_text: STATUS_BADGES[row.status] for row in rows}
    return [
        Column("区县", 16),
        Column("财政层级", 10),
        Column("应拨金额（元）", 16),
        Column("已拨金额（元）", 16),
        Column("未拨金额（元）", 16),
        Column("拨付截止日期", 14),
        Column("状态", 20, badges=badges),
    ]


def fiscal_prepay_report(*, table: PrepayTable, as_of: datetime.date) -> Report:
    """R11.1, R11.2: per county the tier, target × S(Y) and each level's prepay; the 合计 row sums them."""
    rows: list[Sequence[object]] = [
        [
            row.county_name,
            row.tier.name,
            *row.share_texts,
            row.target_people,
            row.standard,
            *row.prepaid_by_level,
            row.prepaid,
        ]
        for row in table.rows
    ]
    return Report(
        title=f"{table.settlement.area_name}{table.settlement.year}年度新生儿参保资助资金预拨表",
        unit=table.settlement.area_name,
        as_of=as_of,
        columns=PREPAY_COLUMNS,
        rows=rows,
        totals=["", "", "", "", "", table.target_people, "", *table.prepaid_by_level, table.prepaid],
        row_keys=[{"county": row.county_code} for row in table.rows],
    )


def fiscal_settlement_report(*, table: SettlementTable, as_of: datetime.date) -> Report:
    """R11.2: per county and level the prepay, the actual cost and the difference (positive 补拨, negative 扣回); each
    level's subtotal, then the 合计 row."""
    rows: list[Sequence[object]] = [
        [
            row.county_name,
            row.level_label,
            row.share_text,
            row.actual_people,
            row.prepaid,
            row.actual_cost,
            row.settlement,
            row.settlement_wording,
        ]
        for row in table.rows
    ]
    subtotals = [
        Subtotal(
            label=f"{total.level_label}小计",
            values=["", "", "", "", total.prepaid, total.actual_cost, total.settlement, total.settlement_wording],
        )
        for total in table.level_totals
    ]
    return Report(
        title=f"{table.area_name}{table.year}年度新生儿参保资助资金结算表{'（预结算）' if table.provisional else ''}",
        unit=table.area_name,
        as_of=as_of,
        columns=SETTLEMENT_COLUMNS,
        rows=rows,
        subtotals=subtotals,
        totals=[
            "",
            "",
            "",
            table.actual_people,
            table.prepaid,
            table.actual_cost,
            table.settlement,
            table.settlement_wording,
        ],
        row_keys=[{"county": row.county_code, "level": row.level} for row in table.rows],
    )


def transfer_record_link(*, year: int, row: TransferStatusRow) -> RowLink:
    """R11.3: the form recording a transfer of the row's county, from the row of the transfer table."""
    return RowLink(
        text="录入", url=f"{reverse('fiscal_transfer_new')}?{urlencode({'year': year, 'county': row.county_code})}"
    )


def fiscal_transfer_report(*, table: TransferTable, record_links: bool = False) -> Report:
    """R11.3: per county and level what is due, what was transferred and what is still outstanding; on the page,
    with `record_links`, each row links to the form recording its county's transfers."""
    rows: list[Sequence[object]] = [
        [
            row.county_name,
            row.level_label,
            row.due,
            row.paid,
            row.outstanding,
            row.due_date.isoformat() if row.due_date else "",
            row.status_text,
        ]
        for row in table.rows
    ]
    return Report(
        title=f"{table.area_name}{table.year}年度新生儿参保资助资金拨付情况表",
        unit=table.area_name,
        as_of=table.as_of,
        columns=transfer_columns(table.rows),
        rows=rows,
        totals=["", "", table.due, table.paid, table.outstanding, "", ""],
        row_keys=[{"county": row.county_code, "level": row.level} for row in table.rows],
        row_links=[transfer_record_link(year=table.year, row=row) for row in table.rows] if record_links else None,
    )
