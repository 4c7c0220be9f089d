"""The three fiscal tables (R11) as reports in the printed ledger layout (core.excel), built from the tables the
settlement page shows."""

import datetime
from collections.abc import Sequence

from core.reports import Report, columns_of

from .selectors.prepay import PrepayTable
from .selectors.settlement import SettlementTable
from .selectors.transfers import TransferTable

PREPAY_HEADERS = [
    "区县",
    "财政分档",
    "省级负担比例",
    "市级负担比例",
    "县级负担比例",
    "目标人数",
    "人均资助标准（元）",
    "省级预拨（元）",
    "市级预拨（元）",
    "县级预拨（元）",
    "预拨合计（元）",
]
PREPAY_WIDTHS = [16, 20, 10, 10, 10, 10, 12, 16, 16, 16, 16]
SETTLEMENT_HEADERS = [
    "区县",
    "财政层级",
    "负担比例",
    "实际资助人数",
    "预拨金额（元）",
    "实际应负担（元）",
    "结算金额（元）",
    "补拨/扣回",
]
SETTLEMENT_WIDTHS = [16, 10, 10, 12, 16, 16, 16, 10]
TRANSFER_HEADERS = [
    "区县",
    "财政层级",
    "应拨金额（元）",
    "已拨金额（元）",
    "未拨金额（元）",
    "拨付截止日期",
    "状态",
]
TRANSFER_WIDTHS = [16, 10, 16, 16, 16, 14, 12]


def prepay_title(table: PrepayTable) -> str:
    return f"{table.settlement.area_name}{table.settlement.year}年度新生儿参保资助资金预拨表"


def settlement_title(table: SettlementTable) -> str:
    return f"{table.area_name}{table.year}年度新生儿参保资助资金结算表"


def transfer_title(table: TransferTable) -> str:
    return f"{table.area_name}{table.year}年度新生儿参保资助资金拨付情况表"


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
        title=prepay_title(table),
        unit=table.settlement.area_name,
        as_of=as_of,
        columns=columns_of(PREPAY_HEADERS, PREPAY_WIDTHS),
        rows=rows,
        totals=["", "", "", "", "", table.target_people, "", *table.prepaid_by_level, table.prepaid],
    )


def fiscal_settlement_report(*, table: SettlementTable, as_of: datetime.date) -> Report:
    """R11.2: per county and level the prepay, the actual cost and the difference (positive 补拨, negative 扣回)."""
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
    return Report(
        title=settlement_title(table),
        unit=table.area_name,
        as_of=as_of,
        columns=columns_of(SETTLEMENT_HEADERS, SETTLEMENT_WIDTHS),
        rows=rows,
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
    )


def fiscal_transfer_report(*, table: TransferTable) -> Report:
    """R11.3: per county and level what is due, what was transferred and what is still outstanding."""
    rows: list[Sequence[object]] = [
        [
            row.county_name,
            row.level_label,
            row.due,
            row.paid,
            row.outstanding,
            row.due_date.isoformat() if row.due_date else "",
            row.status_label,
        ]
        for row in table.rows
    ]
    return Report(
        title=transfer_title(table),
        unit=table.area_name,
        as_of=table.as_of,
        columns=columns_of(TRANSFER_HEADERS, TRANSFER_WIDTHS),
        rows=rows,
        totals=["", "", table.due, table.paid, table.outstanding, "", ""],
    )
