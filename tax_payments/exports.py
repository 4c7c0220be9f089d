"""The reconciliation list of tax payment records as a report in the printed ledger layout (core.excel)."""

import datetime
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db.models import QuerySet, Sum

from accounts.models import User
from accounts.personal_data import id_number_for
from core.reports import Report, columns_of
from enrollment.rules import money

from .models import TaxPaymentRecord

HEADERS = [
    "电子税票号码",
    "姓名",
    "公民身份号码",
    "费款所属年度",
    "实缴金额（元）",
    "缴费日期",
    "入库日期",
    "对账结果",
    "参保应缴（元）",
    "对账说明",
]
WIDTHS = [24, 10, 22, 12, 14, 12, 12, 14, 14, 70]
ROWS_PER_CHUNK = 2000


def tax_payment_report(
    *, user: User, records: QuerySet[TaxPaymentRecord], title: str, unit: str, today: datetime.date
) -> Report:
    """One row per voucher; 参保应缴 is the linked enrollment's individual due plus back-payment (blank without one).
    ID numbers in full for users who may see them, masked for the others."""

    def rows() -> Iterator[Sequence[object]]:
        for record in records.iterator(chunk_size=ROWS_PER_CHUNK):
            enrollment = record.enrollment
            yield [
                record.voucher_number,
                record.name,
                id_number_for(user=user, id_number=record.id_number),
                record.insurance_year,
                record.amount,
                record.paid_on.isoformat(),
                record.deposited_on.isoformat(),
                record.get_match_status_display(),
                enrollment.individual_due + enrollment.back_payment_due if enrollment else "",
                record.match_explanation,
            ]

    figures = records.aggregate(deposited=Sum("amount"))
    return Report(
        title=title,
        unit=unit,
        as_of=today,
        columns=columns_of(HEADERS, WIDTHS),
        rows=rows(),
        totals=[
            f"{records.count()} 张",
            "",
            "",
            "",
            money(figures["deposited"] or Decimal("0.00")),
            "",
            "",
            "",
            "",
            "",
        ],
    )
