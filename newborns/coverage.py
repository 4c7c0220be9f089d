"""R10.2: newborns enrolled in their birth year, per county of a city (per township of a county, per city of the
province), against the target rate (80%, targets data).

Counted in SQL, one grouped query per report, never birth by birth in Python; limited to the user's scope.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from accounts.models import User
from accounts.selectors import scope_queryset, user_scope_code
from divisions.models import Division, DivisionLevel
from enrollment.models import Enrollment, EnrollmentStatus
from subsidies.rules import coverage_gap, coverage_rate
from subsidies.selectors import report_division_get
from targets.models import Target, TargetMetric
from targets.selectors import targets_get

from .models import BirthRecord

COVERAGE_LEVELS = (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY)
CHILD_CODE_LENGTH = {2: 4, 4: 6, 6: 9}  # a report's division → the code length of its rows


@dataclass(frozen=True)
class NewbornCoverageRow:
    code: str
    name: str
    births: int
    enrolled: int  # of those births, enrolled for their birth year
    rate: Decimal | None  # None when there was no birth
    target: Decimal | None
    gap_to_target: int | None  # newborns still to enroll to reach the target; None without a target

    @property
    def not_enrolled(self) -> int:
        return self.births - self.enrolled

    @property
    def below_target(self) -> bool:
        return bool(self.gap_to_target)

    @property
    def rate_percent(self) -> Decimal | None:
        return None if self.rate is None else self.rate * 100

    @property
    def target_percent(self) -> Decimal | None:
        return None if self.target is None else self.target * 100


@dataclass(frozen=True)
class NewbornCoverage:
    division_code: str
    division_name: str
    year: int
    as_of: datetime.date
    rows: tuple[NewbornCoverageRow, ...]
    total: NewbornCoverageRow
    target_source: str
    within: str  # the user's division when they see only part of the report's division, else ""


def _coverage_row(*, division: Division, target: Target | None, births: int, enrolled: int) -> NewbornCoverageRow:
    value = target.value if target else None
    return NewbornCoverageRow(
        code=division.code,
        name=division.name,
        births=births,
        enrolled=enrolled,
        rate=coverage_rate(enrolled=enrolled, people=births),
        target=value,
        gap_to_target=None if value is None else coverage_gap(enrolled=enrolled, people=births, target=value),
    )


def newborn_coverage(*, user: User, division_code: str, year: int, as_of: datetime.date) -> NewbornCoverage:
    """R10.2 as of a date: the births of the year up to `as_of` (birth records by birth date, by the division the
    baby is registered in), how many of them have an active enrollment for their birth year recorded by `as_of`
    (created that day or before, so that a later registration does not change an earlier day's figure), the rate,
    the target and the newborns still needed to reach it; per division one level below, and the total.

    A user whose scope lies inside the division (a township official asking for their county) sees their own row,
    and a total of their scope only.
    """
    division = report_division_get(user=user, division_code=division_code, levels=COVERAGE_LEVELS)
    length = CHILD_CODE_LENGTH[len(division.code)]
    births = BirthRecord.objects.filter(
        division__code__startswith=division.code,
        birth_date__gte=datetime.date(year, 1, 1),
        birth_date__lte=min(as_of, datetime.date(year, 12, 31)),
    )
    births = scope_queryset(births, user=user, division_fields=("division",))
    enrolled_in_birth_year = Exists(
        Enrollment.objects.filter(
            resident=OuterRef("resident"),
            insurance_year=year,
            status=EnrollmentStatus.ACTIVE,
            created_at__date__lte=as_of,
        )
    )
    counts = {
        row["child"]: (row["births"], row["enrolled"])
        for row in births.annotate(child=Substr("division_id", 1, length))
        .values("child")
        .annotate(births=Count("id"), enrolled=Count("id", filter=Q(enrolled_in_birth_year)))
        .order_by()
    }
    children = Division.objects.filter(parent=division).order_by("code")
    scope_code = user_scope_code(user=user)
    if scope_code is not None and len(scope_code) > len(division.code):
        children = children.filter(code=scope_code[:length])
    children_list = list(children)
    targets = targets_get(
        division_codes=[division.code, *(child.code for child in children_list)],
        year=year,
        metric=TargetMetric.NEWBORN_BIRTH_YEAR_RATE,
    )
    rows = []
    for child in children_list:
        births_count, enrolled = counts.get(child.code, (0, 0))
        rows.append(_coverage_row(division=child, target=targets[child.code], births=births_count, enrolled=enrolled))
    total = _coverage_row(
        division=division,
        target=targets[division.code],
        births=sum(births_count for births_count, _ in counts.values()),
        enrolled=sum(enrolled for _, enrolled in counts.values()),
    )
    division_target = targets[division.code]
    within = ""
    if scope_code is not None and len(scope_code) > len(division.code) and user.division is not None:
        within = user.division.name
    return NewbornCoverage(
        division_code=division.code,
        division_name=division.name,
        year=year,
        as_of=as_of,
        rows=tuple(rows),
        total=total,
        target_source=division_target.source_document if division_target else "",
        within=within,
    )
