"""R10.2: newborns enrolled in their birth year, per county of a city (per township of a county, per city of the
province), against the target rate (80%, targets data).

Counted in SQL, one grouped query per report, never birth by birth in Python; limited to the user's scope.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from accounts.models import User
from accounts.scope import scope_queryset
from divisions.codes import child_code_length
from divisions.models import DivisionLevel
from enrollment.coverage import CoverageTable, coverage_table
from enrollment.models import Enrollment, EnrollmentStatus, TargetMetric
from subsidies.selectors import report_division_get

from ..models import BirthRecord

COVERAGE_LEVELS = (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY)


def newborn_coverage(*, user: User, division_code: str, year: int, as_of: datetime.date) -> CoverageTable:
    """R10.2 as of a date: the births of the year up to `as_of` (birth records by birth date, by the division the
    baby is registered in), how many of them have an active enrollment for their birth year paid by `as_of` (its
    business date, the registration date for a newborn: R7.1a counts a baby registered in the next year within the
    window from its registration on, never before, however late it was typed in or added), the rate, the target and
    the newborns still needed to reach it; per division one level below, and the total.

    A user whose scope lies inside the division (a township official asking for their county) sees their own row,
    and a total of their scope only.
    """
    division = report_division_get(user=user, division_code=division_code, levels=COVERAGE_LEVELS)
    length = child_code_length(division.code)
    births = BirthRecord.objects.filter(
        division__code__startswith=division.code,
        birth_date__gte=datetime.date(year, 1, 1),
        birth_date__lte=min(as_of, datetime.date(year, 12, 31)),
    )
    births = scope_queryset(births, user=user, code_fields=("division__code",))
    enrolled_in_birth_year = Exists(
        Enrollment.objects.filter(
            resident=OuterRef("resident"),
            insurance_year=year,
            status=EnrollmentStatus.ACTIVE,
            payment_date__lte=as_of,
        )
    )
    counts = {
        row["child"]: (row["births"], row["enrolled"])
        for row in births.annotate(child=Substr("division_id", 1, length))
        .values("child")
        .annotate(births=Count("id"), enrolled=Count("id", filter=Q(enrolled_in_birth_year)))
        .order_by()
    }
    return coverage_table(
        user=user,
        division=division,
        counts=counts,
        year=year,
        as_of=as_of,
        metric=TargetMetric.NEWBORN_BIRTH_YEAR_RATE,
    )
