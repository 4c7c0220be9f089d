"""The ledgers of enrollment in the printed layout (core.reports): the page and the Excel file use the same one."""

import datetime
from collections.abc import Sequence

from django.urls import reverse

from accounts.personal_data import id_number_on_page
from core.reports import Report, RowLink, Subtotal, columns_of

from .models import Payment
from .rules import DayMovement, DayTotals

CLERK_DAY_HEADERS = ["凭证号", "姓名", "公民身份号码", "保险年度", "类型", "缴费渠道", "资助类别", "金额（元）"]
CLERK_DAY_WIDTHS = [22, 10, 22, 10, 16, 12, 24, 14]


def clerk_day_report(
    *,
    clerk_name: str,
    unit: str,
    date: datetime.date,
    movements: Sequence[tuple[Payment, DayMovement]],
    totals: DayTotals,
) -> Report:
    """A clerk's day (日结): every receipt and refund of the day, a subtotal per channel and per subsidy category,
    and the net in the 合计 row; refunds negative. ID numbers masked, on the page and in the file alike; on the page
    a row with a receipt links to it (to reprint it)."""
    blanks = [""] * (len(CLERK_DAY_HEADERS) - 2)
    rows: list[Sequence[object]] = []
    links: list[RowLink | None] = []
    for payment, movement in movements:
        receipt = payment.receipt
        links.append(RowLink("凭证", reverse("receipt_detail", kwargs={"pk": receipt.pk})) if receipt else None)
        resident = payment.enrollment.resident
        rows.append(
            [
                receipt.number_text if receipt else "",
                resident.name,
                id_number_on_page(resident.id_number),
                payment.enrollment.insurance_year,
                payment.get_kind_display(),
                movement.channel,
                movement.category,
                payment.amount,
            ]
        )
    subtotals = [
        *(Subtotal(label="渠道小计", values=[name, *blanks, amount]) for name, amount in totals.by_channel.items()),
        *(Subtotal(label="类别小计", values=[name, *blanks, amount]) for name, amount in totals.by_category.items()),
        Subtotal(label="收款", values=[f"{totals.payments} 笔", *blanks, totals.received]),
        Subtotal(label="退费", values=[f"{totals.refunds} 笔", *blanks, -totals.refunded]),
    ]
    return Report(
        title=f"{clerk_name}{date.year}年{date.month}月{date.day}日收付日结表",
        unit=unit,
        as_of=date,
        columns=columns_of(CLERK_DAY_HEADERS, CLERK_DAY_WIDTHS),
        rows=rows,
        totals=[f"{len(rows)} 笔", *blanks, totals.net],
        subtotals=subtotals,
        row_links=links,
    )
