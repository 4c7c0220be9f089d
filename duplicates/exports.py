"""The list of duplicate cases as a ledger (core.reports): the page's Excel file."""

import datetime
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db.models import QuerySet, Sum

from accounts.personal_data import id_number_mask
from core.formatting import moment_text
from core.reports import Report, columns_of

from .models import DuplicateCase

HEADERS = [
    "编号",
    "重复类型",
    "保险年度",
    "参保地",
    "姓名",
    "公民身份号码",
    "涉及金额（元）",
    "状态",
    "处理方式",
    "处理时间",
    "重复依据",
    "处理说明",
]
WIDTHS = [8, 26, 10, 14, 10, 22, 14, 10, 18, 18, 80, 50]
ROWS_PER_CHUNK = 2000


def duplicate_case_report(*, cases: QuerySet[DuplicateCase], title: str, unit: str, today: datetime.date) -> Report:
    """One row per case, ID numbers masked as on the page; the 合计 row counts the cases and sums the money."""

    def rows() -> Iterator[Sequence[object]]:
        for case in cases.iterator(chunk_size=ROWS_PER_CHUNK):
            yield [
                case.pk,
                case.get_kind_display(),
                case.year,
                case.county.name,
                case.resident.name,
                id_number_mask(case.resident.id_number),
                case.amount,
                case.get_status_display(),
                case.get_resolution_display(),
                moment_text(case.resolved_at) if case.resolved_at else "",
                case.evidence,
                case.resolution_note,
            ]

    total = cases.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return Report(
        title=title,
        unit=unit,
        as_of=today,
        columns=columns_of(HEADERS, WIDTHS),
        rows=rows(),
        totals=[f"{cases.count()} 件", "", "", "", "", "", total, "", "", "", "", ""],
    )
