"""Reads of the duplicate cases, scoped by the county that holds the enrollment to be resolved (R13.0a): a county
sees its own cases, a city or the province those of its counties; outside the scope a case does not exist."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.scope import scope_queryset

from .models import CaseStatus, DuplicateCase, DuplicateScanJob

CASE_DIVISION_FIELDS = ("county__code",)


def duplicate_case_list(
    *,
    user: User,
    kind: str = "",
    status: str = "",
    county_code: str = "",
    year: int | None = None,
    search: str = "",
) -> QuerySet[DuplicateCase]:
    """The cases of the user's scope, filtered; `search` is a name (part of it) or an ID number (its start), of
    either record of the person."""
    cases = scope_queryset(DuplicateCase.objects.all(), user=user, code_fields=CASE_DIVISION_FIELDS)
    if kind:
        cases = cases.filter(kind=kind)
    if status:
        cases = cases.filter(status=status)
    if county_code:
        cases = cases.filter(county__code=county_code)
    if year is not None:
        cases = cases.filter(year=year)
    search = search.strip()
    if search:
        if search[:6].isdigit():
            number = search.upper()
            cases = cases.filter(
                Q(resident__id_number__startswith=number) | Q(other_resident__id_number__startswith=number)
            )
        else:
            cases = cases.filter(Q(resident__name__contains=search) | Q(other_resident__name__contains=search))
    return cases.select_related(
        "resident", "other_resident", "enrollment", "other_enrollment", "employee_year", "county", "resolved_by"
    )


def duplicate_case_get(*, user: User, pk: int) -> DuplicateCase | None:
    return duplicate_case_list(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class CountySummary:
    """One county's cases: open and resolved, each counted with the money at stake."""

    county_code: str
    county_name: str
    open_count: int
    open_amount: Decimal
    resolved_count: int
    resolved_amount: Decimal

    @property
    def total_count(self) -> int:
        return self.open_count + self.resolved_count

    @property
    def total_amount(self) -> Decimal:
        return self.open_amount + self.resolved_amount


def _money(condition: Q) -> Coalesce:
    return Coalesce(
        Sum("amount", filter=condition),
        Value(Decimal("0.00")),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def duplicate_summary(*, user: User, kind: str = "", year: int | None = None) -> list[CountySummary]:
    """Per county of the user's scope with any case, by code: counts and money, open and resolved, in one query."""
    opened, resolved = Q(status=CaseStatus.OPEN), Q(status=CaseStatus.RESOLVED)
    rows = (
        duplicate_case_list(user=user, kind=kind, year=year)
        .values("county__code", "county__name")
        .annotate(
            open_count=Count("id", filter=opened),
            open_amount=_money(opened),
            resolved_count=Count("id", filter=resolved),
            resolved_amount=_money(resolved),
        )
        .order_by("county__code")
    )
    return [
        CountySummary(
            county_code=row["county__code"],
            county_name=row["county__name"],
            open_count=row["open_count"],
            open_amount=row["open_amount"],
            resolved_count=row["resolved_count"],
            resolved_amount=row["resolved_amount"],
        )
        for row in rows
    ]


def duplicate_open_count(*, user: User) -> int:
    return duplicate_case_list(user=user, status=CaseStatus.OPEN).count()


def duplicate_scan_job_latest() -> DuplicateScanJob | None:
    """The last scan asked for: it compares the whole province, so every user sees the same one."""
    return DuplicateScanJob.objects.order_by("-created_at", "-id").first()
