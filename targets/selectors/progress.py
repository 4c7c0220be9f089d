"""Reads of the progress dashboards (R10.3).

The dashboards read the stored snapshots only: a page view never computes progress. A page costs the same few
queries whatever the number of divisions: the division and its ancestors, the snapshot dates, and the snapshots of
the division and its children at the dates shown (the chosen one and the quarter ends before it).
"""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length

from accounts.models import User
from accounts.scope import (
    DivisionOutOfScope,
    scope_queryset,
    user_can_see_division,
    user_scope_code,
)
from divisions.codes import PROVINCE_CODE, ancestor_codes, child_code_length, child_level, code_level, county_code_of
from divisions.models import Division, DivisionLevel

from ..models import RATE_METRICS, ProgressSnapshot, TargetMetric
from ..rules import completion_rate

# Display choices, not policy (RULES.md R10 sets no colours): a row is green when it keeps pace with its benchmark
# (the time progress for a count, the target rate for a rate), amber when it reaches 90% of it, red below that.
GREEN_SHARE_OF_BENCHMARK = Decimal("1")
AMBER_SHARE_OF_BENCHMARK = Decimal("0.90")

GREEN, AMBER, RED = "green", "amber", "red"
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))
DASHBOARD_METRICS = (TargetMetric.SUBSIDISED_NEWBORNS, TargetMetric.OVERALL_ENROLLMENT_RATE)
# The levels a dashboard is drawn for; its rows are the divisions one level down.
DASHBOARD_LEVELS = (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY)


def percent_text(rate: Decimal | None) -> str:
    """0.4959 → "49.59%"; "—" when there is no rate."""
    return "—" if rate is None else f"{rate * 100:.2f}%"


# --- Colours --------------------------------------------------------------------------------------------------


def pace_status(*, completion_rate: Decimal | None, benchmark: Decimal | None) -> str:
    """green, amber or red for a completion rate against its benchmark; "" when either is unknown."""
    if completion_rate is None or benchmark is None:
        return ""
    if completion_rate >= benchmark * GREEN_SHARE_OF_BENCHMARK:
        return GREEN
    if completion_rate >= benchmark * AMBER_SHARE_OF_BENCHMARK:
        return AMBER
    return RED


# --- The dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressRow:
    code: str
    name: str
    target: Decimal | None
    actual: int
    base: int | None
    completion_rate: Decimal | None
    time_progress: Decimal
    gap: int | None
    status: str
    drillable: bool

    @property
    def completion_percent(self) -> str:
        return percent_text(self.completion_rate)

    @property
    def time_progress_percent(self) -> str:
        return percent_text(self.time_progress)

    @property
    def target_percent(self) -> str:
        return percent_text(self.target)

    @property
    def target_people(self) -> int | None:
        return None if self.target is None else int(self.target)


@dataclass(frozen=True)
class ProgressTotals:
    """The 合计 row: the columns of the rows added up, the rate worked out from those sums."""

    target: Decimal | None
    actual: int
    base: int | None
    completion_rate: Decimal | None
    gap: int | None

    @property
    def completion_percent(self) -> str:
        return percent_text(self.completion_rate)

    @property
    def target_people(self) -> int | None:
        return None if self.target is None else int(self.target)


@dataclass(frozen=True)
class TrendSeries:
    code: str
    name: str
    completion_rates: list[Decimal | None]


@dataclass(frozen=True)
class ProgressDashboard:
    year: int
    metric: str
    division: Division
    ancestors: list[Division]
    child_level: str
    dates: list[datetime.date]
    as_of: datetime.date | None
    own: ProgressRow | None
    rows: list[ProgressRow]
    totals: ProgressTotals | None
    time_progress: Decimal | None
    trend_dates: list[datetime.date]
    trend_time_progress: list[Decimal]
    trend: list[TrendSeries]

    @property
    def is_rate(self) -> bool:
        return self.metric in RATE_METRICS

    @property
    def metric_label(self) -> str:
        return TargetMetric(self.metric).label

    @property
    def time_progress_percent(self) -> str:
        return percent_text(self.time_progress)

    @property
    def child_level_label(self) -> str:
        return DivisionLevel(self.child_level).label


def dashboard_default_division_code(*, user: User) -> str:
    """Where a user lands: the province for province staff, their city for city staff, their county for clerks."""
    scope_code = user_scope_code(user=user)
    if scope_code is None:
        return PROVINCE_CODE
    return scope_code if code_level(scope_code) in DASHBOARD_LEVELS else county_code_of(scope_code)


def _division_in_scope(*, user: User, division_code: str) -> tuple[Division, list[Division]]:
    """The division and its ancestors, province first (one query)."""
    if not user_can_see_division(user=user, division_code=division_code):
        raise DivisionOutOfScope(division_code)
    codes = [*ancestor_codes(division_code), division_code]
    lineage = list(Division.objects.filter(code__in=codes).order_by("code"))
    if not lineage or lineage[-1].code != division_code:
        raise DivisionOutOfScope(division_code)
    return lineage[-1], lineage[:-1]


def _quarter_ends_before(as_of: datetime.date) -> list[datetime.date]:
    return [
        quarter_end for month, day in QUARTER_ENDS if (quarter_end := datetime.date(as_of.year, month, day)) < as_of
    ]


def _row(snapshot: ProgressSnapshot, *, drillable: bool) -> ProgressRow:
    benchmark = snapshot.target if snapshot.metric in RATE_METRICS else snapshot.time_progress
    return ProgressRow(
        code=snapshot.division_id,
        name=snapshot.division.name,
        target=snapshot.target,
        actual=snapshot.actual,
        base=snapshot.base,
        completion_rate=snapshot.completion_rate,
        time_progress=snapshot.time_progress,
        gap=snapshot.gap,
        status=pace_status(completion_rate=snapshot.completion_rate, benchmark=benchmark),
        drillable=drillable,
    )


def _ranked(rows: list[ProgressRow]) -> list[ProgressRow]:
    """Highest completion rate first; rows without one (no target) last; ties by division code."""
    rows = sorted(rows, key=lambda row: row.code)
    return sorted(rows, key=lambda row: (row.completion_rate is None, -(row.completion_rate or 0)))


def progress_totals(*, rows: list[ProgressRow], metric: str) -> ProgressTotals | None:
    if not rows:
        return None
    actual = sum(row.actual for row in rows)
    gaps = [row.gap for row in rows if row.gap is not None]
    gap = sum(gaps) if gaps else None
    if metric in RATE_METRICS:
        base = sum(row.base or 0 for row in rows)
        rate = completion_rate(actual=actual, target=Decimal(base))
        return ProgressTotals(target=None, actual=actual, base=base, completion_rate=rate, gap=gap)
    targets = [row.target for row in rows if row.target is not None]
    target = sum(targets, Decimal(0)) if targets else None
    rate = completion_rate(actual=actual, target=target) if target is not None else None
    return ProgressTotals(target=target, actual=actual, base=None, completion_rate=rate, gap=gap)


def progress_dashboard_get(
    *, user: User, year: int, metric: str, division_code: str, as_of: datetime.date | None
) -> ProgressDashboard:
    """The division's own progress and that of its children (cities of the province, counties of a city, townships
    of a county) as of the chosen date, by default the latest one with snapshots; and the trend over the quarter
    ends of the year up to that date. Raises DivisionOutOfScope for a division the user may not see."""
    division, ancestors = _division_in_scope(user=user, division_code=division_code)
    child_length = child_code_length(division.code)
    shown = ProgressSnapshot.objects.annotate(code_length=Length("division_id")).filter(
        Q(division_id=division.code) | Q(division__code__startswith=division.code, code_length=child_length),
        year=year,
        metric=metric,
    )
    dates = list(shown.values_list("as_of", flat=True).distinct().order_by("-as_of"))
    if as_of is None and dates:
        as_of = dates[0]
    empty = ProgressDashboard(
        year=year,
        metric=metric,
        division=division,
        ancestors=ancestors,
        child_level=child_level(division.code),
        dates=dates,
        as_of=as_of,
        own=None,
        rows=[],
        totals=None,
        time_progress=None,
        trend_dates=[],
        trend_time_progress=[],
        trend=[],
    )
    if as_of is None:
        return empty
    trend_dates = [*_quarter_ends_before(as_of), as_of]
    snapshots = list(shown.filter(as_of__in=trend_dates).select_related("division").order_by("as_of", "division_id"))
    current = [snapshot for snapshot in snapshots if snapshot.as_of == as_of]
    if not current:
        return empty
    drillable = child_level(division.code) in DASHBOARD_LEVELS
    own = next((_row(s, drillable=False) for s in current if s.division_id == division.code), None)
    rows = _ranked([_row(s, drillable=drillable) for s in current if s.division_id != division.code])
    trend_dates = [date for date in trend_dates if any(s.as_of == date for s in snapshots)]
    time_progress_on = {s.as_of: s.time_progress for s in snapshots}
    rate_on = {(s.division_id, s.as_of): s.completion_rate for s in snapshots}
    return dataclasses.replace(
        empty,
        own=own,
        rows=rows,
        totals=progress_totals(rows=rows, metric=metric),
        time_progress=time_progress_on[as_of],
        trend_dates=trend_dates,
        trend_time_progress=[time_progress_on[date] for date in trend_dates],
        trend=[
            TrendSeries(
                code=row.code, name=row.name, completion_rates=[rate_on.get((row.code, date)) for date in trend_dates]
            )
            for row in ([own, *rows] if own else rows)
        ],
    )


# --- City and province staff's to-dos on the home page -------------------------------------------------------------

# A snapshot behind its benchmark, short of green as `pace_status` judges it: a rate below its target rate, a count's
# completion rate below the time progress.
BEHIND_BENCHMARK = Q(metric__in=RATE_METRICS, completion_rate__lt=F("target") * GREEN_SHARE_OF_BENCHMARK) | (
    ~Q(metric__in=RATE_METRICS) & Q(completion_rate__lt=F("time_progress") * GREEN_SHARE_OF_BENCHMARK)
)


def _snapshots_in_scope(*, user: User) -> QuerySet[ProgressSnapshot]:
    return scope_queryset(ProgressSnapshot.objects.all(), user=user, code_fields=("division__code",))


def progress_divisions_behind(*, user: User) -> QuerySet[Division]:
    """R10.3: the divisions below the user's own whose latest snapshot of some metric is behind its benchmark."""
    latest = ProgressSnapshot.objects.filter(division_id=OuterRef("division_id"), metric=OuterRef("metric")).order_by(
        "-as_of", "-year"
    )
    behind = (
        _snapshots_in_scope(user=user)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .exclude(division_id=user_scope_code(user=user))
        .filter(BEHIND_BENCHMARK)
    )
    return Division.objects.filter(code__in=behind.values("division_id"))


def progress_divisions_stale(*, user: User, today: datetime.date, days: int) -> QuerySet[Division]:
    """The divisions of the user's scope whose latest progress snapshot counts up to a date more than `days` days
    before today: their progress wants refreshing."""
    stale = (
        _snapshots_in_scope(user=user)
        .values("division_id")
        .annotate(latest=Max("as_of"))
        .filter(latest__lt=today - datetime.timedelta(days=days))
        .values("division_id")
    )
    return Division.objects.filter(code__in=stale)
