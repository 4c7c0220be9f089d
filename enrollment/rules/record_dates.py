"""Record dates (R13.0): no date after today, insurance years that can be paid for."""

import datetime
from collections.abc import Sequence

from .base import employee_years_text
from .periods import PaymentDateRefused


class RecordDateRefused(ValueError):
    """A date or year no record can carry (R13.0); `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def date_not_in_future_check(*, value: datetime.date, today: datetime.date, field: str, label: str) -> None:
    """R13.0: no record is dated after today. `label` is the field's Chinese name (缴费日期), named in the message;
    `field` is the request field the refusal belongs to."""
    if value > today:
        raise RecordDateRefused(field, f"{label}（{value:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。")


def employee_insured_years_check(
    *, years: Sequence[int], birth_date: datetime.date, today: datetime.date, paid_ahead: bool = False
) -> None:
    """R13.0 and R8.2: a year recorded as insured under employee insurance has begun (not after today's year) and is
    not before the person's birth year; at least one year is given. `paid_ahead`: the year is known from a refund of
    a resident enrollment because employee insurance is paid for it (R12.2), which may be next year's, whose
    collection period opens this autumn (R2.1)."""
    if not years:
        raise RecordDateRefused("employee_years", "请填写职工医保参保年度。")
    latest = today.year + 1 if paid_ahead else today.year
    too_late = sorted(year for year in set(years) if year > latest)
    if too_late:
        raise RecordDateRefused(
            "employee_years",
            f"职工医保参保年度{employee_years_text(too_late)}晚于{latest}年，不能登记尚未开始的年度。",
        )
    too_early = sorted(year for year in set(years) if year < birth_date.year)
    if too_early:
        raise RecordDateRefused(
            "employee_years",
            f"职工医保参保年度{employee_years_text(too_early)}早于出生年份（{birth_date.year}年）。",
        )


def insurance_year_open_check(*, insurance_year: int, today: datetime.date) -> None:
    """The latest insurance year anything can be recorded for is next year: its collection period opens in the
    autumn of this one (R2.1). Whether next year's period has opened yet is the payment date's question (R2.3)."""
    latest = today.year + 1
    if insurance_year > latest:
        raise RecordDateRefused(
            "insurance_year", f"{insurance_year}年度尚未开始征缴，目前最晚可办理{latest}年度的参保缴费。"
        )


def payment_date_check(*, insurance_year: int, payment_date: datetime.date, today: datetime.date) -> None:
    """R13.0 and R1.1: a payment is not dated after today, nor before 1 January of the year before the insurance
    year. No payment for Y can be earlier: the collection period of Y opens in the autumn of Y-1 (R2.1), a
    first-time student pays Y in Y-1 (R9.1), and a pre-enrollment is applied for at most some weeks before a delivery
    expected in Y (R7.6). The collection rules (R2) then judge the date inside that range."""
    date_not_in_future_check(value=payment_date, today=today, field="payment_date", label="缴费日期")
    try:
        payment_year_check(insurance_year=insurance_year, payment_date=payment_date)
    except PaymentDateRefused as error:
        raise RecordDateRefused("payment_date", str(error)) from None


def payment_year_check(*, insurance_year: int, payment_date: datetime.date) -> None:
    """R1.1: no payment for Y is dated before 1 January of Y-1 (see payment_date_check); part of every quote."""
    earliest = datetime.date(insurance_year - 1, 1, 1)
    if payment_date < earliest:
        raise PaymentDateRefused(
            f"缴费日期（{payment_date.isoformat()}）早于{earliest:%Y年%-m月%-d日}，不能缴纳{insurance_year}年度参保费。"
        )
