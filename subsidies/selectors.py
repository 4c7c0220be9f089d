"""Reads of the subsidies app: the subsidy ledger (R6.3) and the hardship coverage rate (R10.2).

Every figure is limited to the user's division scope (accounts.scope) and counted in SQL, a group per
category or township, never person by person in Python.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr

from accounts.models import User
from accounts.scope import (
    DivisionOutOfScope,
    scope_or_above_queryset,
    scope_queryset,
    user_can_see_report_row,
)
from core.batches import BatchStatus
from divisions.codes import child_level, code_length, code_prefix, county_code_of
from divisions.models import Division, DivisionLevel
from enrollment.coverage import CoverageTable, coverage_table, scope_narrower_than
from enrollment.models import Enrollment, EnrollmentStatus, Resident, ResidentStatus, TargetMetric
from enrollment.policy import PolicyNotFound, policy_resolve
from enrollment.rules import HardshipTier, money

from .models import HardshipCategory, HardshipIdentity, IdentityListBatch

HOUSEHOLD_DIVISION_FIELDS = ("household_division__code",)
ZERO = Decimal("0.00")


class ReportParameterInvalid(ValueError):
    """A report asked for a division or category that does not exist; the message is shown on the page."""


# --- Divisions a report may be asked for ----------------------------------------------------------------------


def report_division_get(*, user: User, division_code: str, levels: tuple[str, ...]) -> Division:
    """The county (or township) a report is asked for, if the user's scope reaches into it.

    A user whose scope lies inside the division (a township official asking for their county) may ask for it:
    the figures then count only the people of their own scope.
    """
    division = Division.objects.filter(code=division_code, level__in=levels).first()
    if division is None:
        names = "或".join(DivisionLevel(level).label for level in levels)
        raise ReportParameterInvalid(f"区划代码 {division_code} 不是已知的{names}。")
    if not user_can_see_report_row(user=user, division_code=division_code):
        raise DivisionOutOfScope(division_code)
    return division


def report_counties(*, user: User) -> QuerySet[Division]:
    """The counties a user may choose for a report: those inside their scope, or the one their scope lies in."""
    counties = Division.objects.filter(level=DivisionLevel.COUNTY)
    return scope_or_above_queryset(counties, user=user, code_fields=("code",))


def _county_tiers(*, county_code: str, year: int) -> tuple[HardshipTier, ...]:
    try:
        return policy_resolve(region_code=county_code, insurance_year=year).hardship_tiers
    except PolicyNotFound:
        return ()


# --- R6.3: the subsidy ledger -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubsidyLedgerRow:
    category: str
    name: str
    fund: str
    people: int
    individual_total: Decimal
    subsidy_total: Decimal


@dataclass(frozen=True)
class SubsidyLedger:
    county_code: str
    county_name: str
    year: int
    rows: tuple[SubsidyLedgerRow, ...]
    total: SubsidyLedgerRow
    within: str  # the user's division when they see only part of the county, else ""


def _ledger_categories(tiers: tuple[HardshipTier, ...]) -> list[str]:
    """The hardship categories the ledger counts: the certified ones and those of the county's table.

    Any other subsidy is not the ledger's: a programme newborn's birth year (R7.2) is paid by finance, not by the
    medical-assistance fund, and has its own pages.
    """
    return sorted(set(HardshipCategory.values) | {tier.category for tier in tiers})


def _subsidised_enrollments(
    *, user: User, county_code: str, year: int, tiers: tuple[HardshipTier, ...]
) -> QuerySet[Enrollment]:
    """Active enrollments of the year with a hardship subsidy held in the county (R13.0a: the county paying the
    subsidy, whose figures applied, whatever the person's household), in scope."""
    enrollments = Enrollment.objects.filter(
        insurance_year=year,
        status=EnrollmentStatus.ACTIVE,
        enrolling_county_id=county_code,
        subsidy_category__in=_ledger_categories(tiers),
    )
    return scope_queryset(
        enrollments, user=user, code_fields=("resident__household_division__code", "enrolling_county__code")
    )


def _ledger_category_enrollments(
    *, user: User, county_code: str, year: int, category: str
) -> tuple[HardshipTier | None, QuerySet[Enrollment]]:
    """The county table's tier of one ledger category (None for a category no longer in it) and its enrollments;
    a category the ledger does not count is refused."""
    report_division_get(user=user, division_code=county_code, levels=(DivisionLevel.COUNTY,))
    tiers = _county_tiers(county_code=county_code, year=year)
    if category not in _ledger_categories(tiers):
        raise ReportParameterInvalid(f"资助类别 {category} 不存在。")
    tier = next((tier for tier in tiers if tier.category == category), None)
    enrollments = _subsidised_enrollments(user=user, county_code=county_code, year=year, tiers=tiers)
    return tier, enrollments.filter(subsidy_category=category)


def subsidy_ledger(*, user: User, county_code: str, year: int) -> SubsidyLedger:
    """R6.3: per hardship category of the county and year, the people, their payments, the subsidy and its fund.

    Every subsidised tier of the county's table is a row, in the table's order, even with nobody in it; a
    category found in the enrollments but no longer in the table follows, named by its label.
    """
    county = report_division_get(user=user, division_code=county_code, levels=(DivisionLevel.COUNTY,))
    county_tiers = _county_tiers(county_code=county_code, year=year)
    sums = {
        row["subsidy_category"]: row
        for row in _subsidised_enrollments(user=user, county_code=county_code, year=year, tiers=county_tiers)
        .values("subsidy_category")
        .annotate(people=Count("id"), individual_total=Sum("individual_due"), subsidy_total=Sum("subsidy_amount"))
        .order_by()
    }
    tiers = {tier.category: tier for tier in county_tiers}
    category_order = [category for category, tier in tiers.items() if tier.subsidy_amount > 0]
    category_order += sorted(
        (category for category in sums if category not in category_order), key=_category_label_position
    )
    rows = []
    for category in category_order:
        tier = tiers.get(category)
        figures = sums.get(category, {})
        rows.append(
            SubsidyLedgerRow(
                category=category,
                name=tier.name if tier else _category_label(category),
                fund=tier.fund if tier else "",
                people=figures.get("people", 0),
                individual_total=money(figures.get("individual_total") or ZERO),
                subsidy_total=money(figures.get("subsidy_total") or ZERO),
            )
        )
    total = SubsidyLedgerRow(
        category="",
        name="合计",
        fund="",
        people=sum(row.people for row in rows),
        individual_total=sum((row.individual_total for row in rows), ZERO),
        subsidy_total=sum((row.subsidy_total for row in rows), ZERO),
    )
    return SubsidyLedger(
        county_code=county.code,
        county_name=county.name,
        year=year,
        rows=tuple(rows),
        total=total,
        within=scope_narrower_than(user=user, division_code=county.code),
    )


def _category_label(category: str) -> str:
    labels = dict(HardshipCategory.choices)
    return labels.get(category, category)


def _category_label_position(category: str) -> tuple[int, str]:
    codes = list(HardshipCategory.values)
    return (codes.index(category) if category in codes else len(codes), category)


def subsidy_ledger_row(*, user: User, county_code: str, year: int, category: str) -> SubsidyLedgerRow:
    """One row of the ledger, for the page and the file of its people."""
    tier, enrollments = _ledger_category_enrollments(user=user, county_code=county_code, year=year, category=category)
    figures = enrollments.aggregate(
        people=Count("id"), individual_total=Sum("individual_due"), subsidy_total=Sum("subsidy_amount")
    )
    return SubsidyLedgerRow(
        category=category,
        name=tier.name if tier else _category_label(category),
        fund=tier.fund if tier else "",
        people=figures["people"],
        individual_total=money(figures["individual_total"] or ZERO),
        subsidy_total=money(figures["subsidy_total"] or ZERO),
    )


def subsidy_ledger_people(*, user: User, county_code: str, year: int, category: str) -> QuerySet[Enrollment]:
    """The enrollments behind one row of the ledger, by village and name."""
    _, enrollments = _ledger_category_enrollments(user=user, county_code=county_code, year=year, category=category)
    return enrollments.select_related("resident__household_division__parent").order_by(
        "resident__household_division_id", "resident__name", "pk"
    )


# --- R10.2: the hardship coverage rate --------------------------------------------------------------------------


def _identities_valid_on(as_of: datetime.date) -> QuerySet[HardshipIdentity]:
    return HardshipIdentity.objects.filter(valid_from__lte=as_of).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=as_of)
    )


def _hardship_residents(
    *, user: User, division_codes: tuple[str, ...], tiers: tuple[HardshipTier, ...], as_of: datetime.date
) -> QuerySet[Resident]:
    """Residents of the divisions (household), in the user's scope, who on `as_of` hold an identity placing them in
    a tier of the table: its category, or a disability grade of the tier together with the categories it requires
    (R6 combination rules; the grade is the most severe one certified, as for the subsidy itself)."""
    if not tiers or not division_codes:
        return Resident.objects.none()
    identities = _identities_valid_on(as_of).filter(resident=OuterRef("pk"))
    holds_a_tier = Q(Exists(identities.filter(category__in=sorted({tier.category for tier in tiers}))))
    for tier in tiers:
        if not tier.disability_grades:
            continue
        by_grade = Q(disability_grade_held__in=sorted(tier.disability_grades))
        for required in sorted(tier.requires_categories):
            by_grade &= Q(Exists(identities.filter(category=required)))
        holds_a_tier |= by_grade
    most_severe_grade = Subquery(
        identities.filter(disability_grade__isnull=False).order_by("disability_grade").values("disability_grade")[:1]
    )
    in_divisions = Q()
    for division_code in division_codes:
        in_divisions |= Q(household_division__code__startswith=division_code)
    residents = Resident.objects.filter(in_divisions, status=ResidentStatus.NORMAL).alias(
        disability_grade_held=most_severe_grade
    )
    return scope_queryset(residents, user=user, code_fields=HOUSEHOLD_DIVISION_FIELDS).filter(holds_a_tier)


def _enrolled_in(year: int) -> Exists:
    return Exists(
        Enrollment.objects.filter(resident=OuterRef("pk"), insurance_year=year, status=EnrollmentStatus.ACTIVE)
    )


def hardship_coverage(*, user: User, county_code: str, year: int, as_of: datetime.date) -> CoverageTable:
    """R10.2: per township of the county, the residents holding a hardship tier on `as_of`, how many of them have an
    active enrollment for the year, the rate and the people still needed to reach the target; and the county.

    A township official sees their township's row, and a county total of their township only.
    """
    county = report_division_get(user=user, division_code=county_code, levels=(DivisionLevel.COUNTY,))
    residents = _hardship_residents(
        user=user, division_codes=(county_code,), tiers=_county_tiers(county_code=county_code, year=year), as_of=as_of
    )
    counts = {
        row["township"]: (row["people"], row["enrolled"])
        for row in residents.annotate(township=Substr("household_division_id", 1, code_length(DivisionLevel.TOWNSHIP)))
        .values("township")
        .annotate(people=Count("id"), enrolled=Count("id", filter=Q(_enrolled_in(year))))
        .order_by()
    }
    return coverage_table(
        user=user,
        division=county,
        counts=counts,
        year=year,
        as_of=as_of,
        metric=TargetMetric.HARDSHIP_ENROLLMENT_RATE,
    )


def _hardship_counts_per_county(
    *, user: User, division_code: str, year: int, as_of: datetime.date
) -> dict[str, tuple[int, int]]:
    """{county code: (hardship residents, of them enrolled)} for the counties under the division, each county
    counted against its own subsidy table, in the user's scope: the figures of each county's coverage page.

    Counted in a few grouped queries whatever the number of counties: one finds the counties where anybody holds an
    identity on `as_of` (only their tables are read, from the policy kept in memory), then one counts per distinct
    table, grouped by county.
    """
    county_length = code_length(DivisionLevel.COUNTY)
    identities = scope_queryset(
        _identities_valid_on(as_of).filter(
            resident__household_division__code__startswith=division_code, resident__status=ResidentStatus.NORMAL
        ),
        user=user,
        code_fields=("resident__household_division__code",),
    )
    counties_with_identities = sorted(
        set(
            identities.annotate(county=Substr("resident__household_division_id", 1, county_length))
            .values_list("county", flat=True)
            .distinct()
            .order_by()
        )
    )
    counties_by_table: dict[tuple[HardshipTier, ...], list[str]] = {}
    for county_code in counties_with_identities:
        tiers = _county_tiers(county_code=county_code, year=year)
        if tiers:
            counties_by_table.setdefault(tiers, []).append(county_code)
    counts: dict[str, tuple[int, int]] = {}
    for tiers, county_codes in counties_by_table.items():
        residents = _hardship_residents(user=user, division_codes=tuple(county_codes), tiers=tiers, as_of=as_of)
        for row in (
            residents.annotate(county=Substr("household_division_id", 1, county_length))
            .values("county")
            .annotate(people=Count("id"), enrolled=Count("id", filter=Q(_enrolled_in(year))))
            .order_by()
        ):
            counts[row["county"]] = (row["people"], row["enrolled"])
    return counts


def hardship_coverage_overview(*, user: User, division_code: str, year: int, as_of: datetime.date) -> CoverageTable:
    """R10.2 for a city (a row per county) or the province (a row per city): each row has the figures of the
    county's own coverage page (for a city, their sum), against the row's own target; and the division's total."""
    division = report_division_get(
        user=user, division_code=division_code, levels=(DivisionLevel.PROVINCE, DivisionLevel.CITY)
    )
    children = child_level(division.code)
    counts: dict[str, tuple[int, int]] = {}
    for county_code, (people, enrolled) in _hardship_counts_per_county(
        user=user, division_code=division.code, year=year, as_of=as_of
    ).items():
        child_code = code_prefix(county_code, children)
        child_people, child_enrolled = counts.get(child_code, (0, 0))
        counts[child_code] = (child_people + people, child_enrolled + enrolled)
    return coverage_table(
        user=user,
        division=division,
        counts=counts,
        year=year,
        as_of=as_of,
        metric=TargetMetric.HARDSHIP_ENROLLMENT_RATE,
    )


def hardship_unenrolled(*, user: User, year: int, as_of: datetime.date, division_code: str) -> QuerySet[Resident]:
    """R10.2: the hardship residents of a township or county with no active enrollment for the year, by village and
    name, each with the identities valid on `as_of` in `identities_held`."""
    report_division_get(user=user, division_code=division_code, levels=(DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP))
    tiers = _county_tiers(county_code=county_code_of(division_code), year=year)
    return (
        _hardship_residents(user=user, division_codes=(division_code,), tiers=tiers, as_of=as_of)
        .exclude(_enrolled_in(year))
        .select_related("household_division__parent")
        .prefetch_related(
            Prefetch(
                "hardship_identities",
                queryset=_identities_valid_on(as_of).order_by("category", "valid_from"),
                to_attr="identities_held",
            )
        )
        .order_by("household_division_id", "name", "pk")
    )


# --- R6.1: the departments' identity lists ----------------------------------------------------------------------


def identity_list_batches(*, user: User) -> QuerySet[IdentityListBatch]:
    """The lists uploaded for the counties of the user's scope (or for the county their scope lies in)."""
    batches = IdentityListBatch.objects.order_by("-uploaded_at", "-id")
    return scope_or_above_queryset(batches, user=user, code_fields=("county__code",))


def identity_lists_to_confirm(*, user: User) -> QuerySet[IdentityListBatch]:
    """R6.1: the lists of the user's scope uploaded and checked but not yet confirmed (待确认): nothing of them is
    written until a clerk confirms them."""
    return identity_list_batches(user=user).filter(status=BatchStatus.PREVIEWED)
