import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from divisions.codes import ancestor_codes, code_level
from divisions.models import DivisionLevel
from enrollment.coverage import CoverageTarget
from enrollment.models import Enrollment, EnrollmentStatus, Resident
from enrollment.rules import NEWBORN_PROGRAMME
from newborns.models import PreEnrollmentPlaceholder

from ..models import RATE_METRICS, Target

# The divisions above a division whose rate target it takes when it has none of its own: its county, city, province.
RATE_TARGET_LEVELS = (DivisionLevel.COUNTY, DivisionLevel.CITY, DivisionLevel.PROVINCE)


def _codes_searched(*, division_code: str, metric: str) -> list[str]:
    """The division itself, and for a rate the divisions above it, nearest first."""
    codes = [division_code]
    if metric in RATE_METRICS:
        codes += [code for code in reversed(ancestor_codes(division_code)) if code_level(code) in RATE_TARGET_LEVELS]
    return codes


def targets_get(*, division_codes: list[str], year: int, metric: str) -> dict[str, Target | None]:
    """`target_get` for several divisions at once, in one query."""
    searched = {code: _codes_searched(division_code=code, metric=metric) for code in division_codes}
    every_code = {code for codes in searched.values() for code in codes}
    rows = Target.objects.filter(division_id__in=every_code, year=year, metric=metric)
    targets = {target.division_id: target for target in rows}
    return {
        division_code: next((targets[code] for code in codes if code in targets), None)
        for division_code, codes in searched.items()
    }


def coverage_targets_get(*, division_codes: list[str], year: int, metric: str) -> dict[str, CoverageTarget | None]:
    """`targets_get` as the coverage tables read it (enrollment.coverage, registered in targets.apps)."""
    return {
        code: None if target is None else CoverageTarget(value=target.value, source_document=target.source_document)
        for code, target in targets_get(division_codes=division_codes, year=year, metric=metric).items()
    }


def target_get(*, division_code: str, year: int, metric: str) -> Target | None:
    """The division's own target; for a rate, else the nearest one set above it (county, city, province)."""
    return targets_get(division_codes=[division_code], year=year, metric=metric)[division_code]


def target_value(*, division_code: str, year: int, metric: str) -> Decimal | None:
    target = target_get(division_code=division_code, year=year, metric=metric)
    return target.value if target else None


def enrollments_as_of(*, year: int, as_of: datetime.date) -> QuerySet[Enrollment]:
    """A year's enrollments as they stood at the end of `as_of`: paid by then, not refunded by then (a refund after
    that day still counts), and not a pre-enrolled placeholder still unlinked to a birth then (R7.6). Every progress
    figure builds on this, so that recomputing an old date gives the same result."""
    unlinked_placeholder = PreEnrollmentPlaceholder.objects.filter(resident=OuterRef("resident")).filter(
        Q(birth_record__isnull=True) | Q(linked_on__gt=as_of)
    )
    return (
        Enrollment.objects.filter(insurance_year=year, payment_date__lte=as_of)
        .filter(Q(status=EnrollmentStatus.ACTIVE) | Q(status=EnrollmentStatus.REFUNDED, refund_date__gt=as_of))
        .exclude(Exists(unlinked_placeholder))
    )


def programme_enrollments(*, year: int, as_of: datetime.date) -> QuerySet[Enrollment]:
    """R7.2 enrollments of `year` at the end of `as_of`, of babies born by then."""
    return enrollments_as_of(year=year, as_of=as_of).filter(
        subsidy_category=NEWBORN_PROGRAMME, resident__birth_date__lte=as_of
    )


def enrolled_year_enrollments(*, year: int, as_of: datetime.date) -> QuerySet[Enrollment]:
    """Enrollments that make `year` an enrolled year (R4.1) at the end of `as_of`."""
    return enrollments_as_of(year=year, as_of=as_of).filter(counts_as_enrolled_year=True)


def enrolled_residents(
    *, year: int, as_of: datetime.date, ids_between: tuple[int, int] | None = None
) -> QuerySet[Resident]:
    """The residents for whom an enrollment makes `year` an enrolled year at the end of `as_of`, each once: a
    semi-join on the year's enrollments (one partition on PostgreSQL), which a count by division aggregates without
    sorting every enrollment for a distinct count. `ids_between` (both included) keeps the residents of a range of
    ids, and their enrollments by the same range, which lets the database read both sides of the join from their
    indexes along that range alone."""
    residents = Resident.objects.all()
    enrollments = enrolled_year_enrollments(year=year, as_of=as_of)
    if ids_between is not None:
        low, high = ids_between
        residents = residents.filter(pk__gte=low, pk__lte=high)
        enrollments = enrollments.filter(resident_id__gte=low, resident_id__lte=high)
    return residents.filter(Exists(enrollments.filter(resident_id=OuterRef("pk"))))
