"""Receipts (缴费凭证, 退费凭证) issued at the window, their prints and reprints (补打), and the clerk's day (日结).

A receipt is numbered in its county's sequence of the year, in the same transaction as the money it covers: the
statement that takes the number locks the county's counter row, so two clerks at once take consecutive numbers and
a payment that is rolled back gives its number back. After a clerk closes a day, no money record of that clerk
dated that day can be written.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_scope_code_at
from divisions.models import DivisionLevel

from ..models import (
    ClerkDayClose,
    Enrollment,
    Payment,
    PaymentChannel,
    PaymentKind,
    Receipt,
    ReceiptCounter,
    ReceiptKind,
    ReceiptPrint,
)
from ..rules import day_totals
from ..selectors import clerk_day_movements
from .residents import record_date_check

PAPERS = ("a4", "ticket")


def day_close_check(*, actor: User, date: datetime.date, field: str) -> None:
    """Refuse a money record of `actor` dated on a day they have closed (日结), on `field`.

    The clerk's row is locked first, so that a payment and the close of its day cannot pass each other: the payment
    is either in the day's totals or refused. A payment takes a shared lock (FOR KEY SHARE on PostgreSQL), which
    clerk_day_close's FOR UPDATE waits for and which waits for it, while the clerk's other payments share it and run
    at once; SQLite locks the whole database for a write anyway."""
    _clerk_lock_shared(actor)
    if ClerkDayClose.objects.filter(clerk=actor, date=date).exists():
        raise ValidationError({field: f"{date.year}年{date.month}月{date.day}日已日结，不能再录入当日的收付记录。"})


def _clerk_lock_shared(actor: User) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {User._meta.db_table} WHERE id = %s FOR KEY SHARE", [actor.pk])
    else:
        User.objects.select_for_update().filter(pk=actor.pk).first()


def _receipt_number_take(*, county_code: str, year: int) -> int:
    """The next number of the county's sequence of the year, its counter row locked until the commit (created by the
    county's first receipt of the year). On PostgreSQL one statement locks the row, adds one and reads the sum: the
    lock that every payment of the county waits for is held one round trip less than by a locking read and then a
    write. SQLite, which locks the whole database for a write anyway, takes the number with the ORM."""
    if connection.vendor != "postgresql":
        counter = ReceiptCounter.objects.select_for_update().get_or_create(county_id=county_code, year=year)[0]
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number
    statement = (
        f"UPDATE {ReceiptCounter._meta.db_table} SET last_number = last_number + 1 "
        "WHERE county_id = %s AND year = %s RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [county_code, year])
        row = cursor.fetchone()
        if row is None:
            ReceiptCounter.objects.get_or_create(county_id=county_code, year=year)
            cursor.execute(statement, [county_code, year])
            row = cursor.fetchone()
    return int(row[0])


def _is_window_movement(enrollment: Enrollment, kind: str) -> bool:
    """Money handed over at the window: a payment on an enrollment paid at the window, and every refund (R12: a
    refund is requested at the bureau whatever the channel the money came through)."""
    return kind == ReceiptKind.REFUND or enrollment.channel == PaymentChannel.WINDOW


def payments_record(*, actor: User, enrollment: Enrollment, payments: Sequence[Payment], field: str) -> Receipt | None:
    """Write one money movement on `enrollment` (`payments`, unsaved, all of one date) with its receipt: the payment
    services call it in their transaction. The payments are recorded by `actor`.

    First the day must be open for the clerk (day_close_check, refused on `field`). Then a window movement of some
    money gets the next number of the enrolling county's sequence for the year of issue, and its payments are written
    naming their receipt; a movement through another channel, or of no money (a newborn's free year), gets none.
    """
    date = payments[0].date
    day_close_check(actor=actor, date=date, field=field)
    receipt = _receipt_issue(actor=actor, enrollment=enrollment, payments=payments)
    for payment in payments:
        payment.enrollment = enrollment
        payment.recorded_by = actor
        payment.receipt = receipt
    Payment.objects.bulk_create(payments)
    return receipt


def _receipt_issue(*, actor: User, enrollment: Enrollment, payments: Sequence[Payment]) -> Receipt | None:
    """The numbered receipt of the movement, written before its payments; None where the movement gets none."""
    date = payments[0].date
    kind = ReceiptKind.REFUND if payments[0].kind == PaymentKind.REFUND else ReceiptKind.PAYMENT
    amount = sum((payment.amount for payment in payments), Decimal("0.00"))
    if amount == 0 or not _is_window_movement(enrollment, kind):
        return None
    year = timezone.localdate().year
    # The county's sequence is locked from here to the commit, and every payment of the county waits for it: what
    # runs meanwhile is kept to the statements that need the lock (the number taken, the receipt and its payments).
    number = _receipt_number_take(county_code=enrollment.enrolling_county_id, year=year)
    receipt = Receipt(
        county_id=enrollment.enrolling_county_id,
        year=year,
        number=number,
        kind=kind,
        enrollment=enrollment,
        amount=amount,
        date=date,
        issued_by=actor,
    )
    # Its county, enrollment and clerk are the rows this transaction has just checked, written or locked: not looked
    # up again while the county's sequence is locked.
    receipt.full_clean(exclude=["county", "enrollment", "issued_by"], validate_constraints=False)
    receipt.save()
    return receipt


@transaction.atomic
def receipt_print_record(*, actor: User, receipt: Receipt, paper: str = "a4") -> ReceiptPrint:
    """Record a print of a receipt on A4 or an 80 mm ticket: the first is 打印, every later one 补打."""
    if paper not in PAPERS:
        raise ValidationError({"paper": "纸型应为A4或80毫米小票。"})
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    printed = ReceiptPrint(receipt=receipt, printed_by=actor, reprint=receipt.prints.exists(), paper=paper)
    printed.full_clean()
    printed.save()
    return printed


@transaction.atomic
def clerk_day_close(*, actor: User, date: datetime.date) -> ClerkDayClose:
    """Close the clerk's day (日结): the day's receipts and refunds are added up and kept with the close, and from
    then on no money record of the clerk dated that day can be written (day_close_check).

    Refused: a day after today (R13.0), a day already closed, a user who is not a county's clerk."""
    record_date_check(value=date, field="date", label="日结日期")
    county_code = user_scope_code_at(user=actor, levels=(DivisionLevel.COUNTY,))
    if county_code is None:
        raise ValidationError({"date": "日结由县（市、区）经办人员办理。"})
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if ClerkDayClose.objects.filter(clerk=actor, date=date).exists():
        raise ValidationError({"date": f"{date.year}年{date.month}月{date.day}日已日结。"})
    totals = day_totals(movement for _payment, movement in clerk_day_movements(clerk=actor, date=date))
    close = ClerkDayClose(clerk=actor, date=date, county_id=county_code, totals=totals.as_json())
    close.full_clean(validate_constraints=False)
    close.save()
    return close
