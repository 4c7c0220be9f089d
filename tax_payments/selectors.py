"""The reconciliation of a county's tax payment records (征缴入库对账): the figures per match status and the list."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from accounts.models import User
from accounts.scope import DivisionOutOfScope, user_can_see_division
from divisions.models import Division, DivisionLevel
from enrollment.models import Enrollment
from enrollment.rules import money

from .models import TaxPaymentMatch, TaxPaymentRecord

ZERO = Decimal("0.00")
# Only these statuses link a record to an enrollment whose due is summed.
STATUSES_WITH_ENROLLMENT = (TaxPaymentMatch.MATCHED, TaxPaymentMatch.AMOUNT_DIFFERS)


class TaxPaymentCountyUnknown(ValueError):
    """The county code names no county; the message is shown to the user."""


def tax_payment_county_get(*, user: User, county_code: str) -> Division:
    """The county asked for, when the user's division contains it; DivisionOutOfScope when it does not."""
    county = Division.objects.filter(code=county_code, level=DivisionLevel.COUNTY).first()
    if county is None:
        raise TaxPaymentCountyUnknown(f"区划代码 {county_code} 不是已知的县（区）。")
    if not user_can_see_division(user=user, division_code=county.code):
        raise DivisionOutOfScope(county_code)
    return county


@dataclass(frozen=True)
class TaxPaymentSummaryRow:
    status: str
    name: str
    vouchers: int
    people: int
    deposited_total: Decimal
    due_total: Decimal | None  # None: the status compares no enrollment


@dataclass(frozen=True)
class TaxPaymentSummary:
    county: Division
    year: int
    rows: tuple[TaxPaymentSummaryRow, ...]
    total: TaxPaymentSummaryRow


def tax_payment_summary(*, county: Division, year: int) -> TaxPaymentSummary:
    """Per match status: vouchers, people, the amounts deposited and what the linked enrollments had to pay.

    A person's vouchers of the year share one status (they are compared together), so the people of the statuses
    add up. An enrollment paid by several vouchers is counted once in 参保应缴合计.
    """
    records = TaxPaymentRecord.objects.filter(county=county, insurance_year=year)
    figures = {
        row["match_status"]: row
        for row in records.values("match_status").annotate(
            vouchers=Count("id"), people=Count("id_number", distinct=True), deposited=Sum("amount")
        )
    }
    dues = {status: _due_total(records.filter(match_status=status)) for status in STATUSES_WITH_ENROLLMENT}
    rows = tuple(
        TaxPaymentSummaryRow(
            status=status.value,
            name=status.label,
            vouchers=figures.get(status, {}).get("vouchers", 0),
            people=figures.get(status, {}).get("people", 0),
            deposited_total=money(figures.get(status, {}).get("deposited") or ZERO),
            due_total=dues.get(status),
        )
        for status in TaxPaymentMatch
    )
    total = TaxPaymentSummaryRow(
        status="",
        name="合计",
        vouchers=sum(row.vouchers for row in rows),
        people=sum(row.people for row in rows),
        deposited_total=sum((row.deposited_total for row in rows), ZERO),
        due_total=sum((row.due_total or ZERO for row in rows), ZERO),
    )
    return TaxPaymentSummary(county=county, year=year, rows=rows, total=total)


def _due_total(records: QuerySet[TaxPaymentRecord]) -> Decimal:
    """What the enrollments the records are linked to had to pay (individual due + back-payment), each once."""
    enrollments = Enrollment.objects.filter(pk__in=records.values("enrollment_id"))
    total = enrollments.aggregate(due=Sum(F("individual_due") + F("back_payment_due")))["due"]
    return money(total or ZERO)


def tax_payment_records(
    *, county: Division, year: int, status: str = "", id_number: str = ""
) -> QuerySet[TaxPaymentRecord]:
    """The county's records of the year, by ID number and voucher; of one status, or whose ID number contains
    `id_number`, when given."""
    records = TaxPaymentRecord.objects.filter(county=county, insurance_year=year).select_related("enrollment")
    if status:
        records = records.filter(match_status=status)
    if id_number:
        records = records.filter(id_number__contains=id_number.strip().upper())
    return records.order_by("id_number", "voucher_number")
