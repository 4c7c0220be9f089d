"""R10.3: progress computed as of a date, level by level, in SQL, and stored as snapshots that a rerun reproduces."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Case, Count, F, Max, Min, Q, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from accounts.models import User
from core.jobs import ProgressReporter, job_run, job_submit
from core.models import JobStatus
from divisions.codes import code_length, code_level, code_prefix
from divisions.models import Division, DivisionLevel
from enrollment.models import Resident

from ..models import PopulationBaseline, ProgressJob, ProgressSnapshot, Target, TargetMetric
from ..rules import completion_rate, count_gap, rate_gap, time_progress
from ..selectors.targets import enrolled_residents, programme_enrollments, targets_get

LEVEL_CODE_LENGTHS = {
    level.value: code_length(level)
    for level in (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP)
}
LEVEL_NAMES = {"province": "省", "city": "市", "county": "县（区）", "township": "乡镇（街道）"}


class LevelUnknown(ValueError):
    """A level other than province, city, county or township; the message is shown."""


def _programme_counts(*, year: int, as_of: datetime.date, code_length: int) -> dict[str, int]:
    """Programme newborns per division of residence (where they live, else their household) at one level. An
    enrollment held in a parent's county of residence (R13.0a) is counted there, once: in the division of residence
    when it lies in that county, else in the county itself (no township below it then)."""
    held_at_home = Q(
        enrolling_county_id=Substr("resident__household_division_id", 1, LEVEL_CODE_LENGTHS[DivisionLevel.COUNTY])
    )
    residence = Case(
        When(held_at_home, then=Coalesce("resident__residence_division_id", "resident__household_division_id")),
        When(
            resident__residence_division__code__startswith=F("enrolling_county_id"),
            then=F("resident__residence_division_id"),
        ),
        default=F("enrolling_county_id"),
    )
    rows = (
        programme_enrollments(year=year, as_of=as_of)
        .annotate(code=Substr(residence, 1, code_length))
        .values("code")
        .annotate(people=Count("id"))
        .order_by()
    )
    return {row["code"]: row["people"] for row in rows}


def _rolled_up(counts: dict[str, int], *, level: str) -> dict[str, int]:
    """Counts per division summed up to the divisions of a higher `level`. A person is counted in one division of
    each level, so a coarser division's count is the sum of its finer divisions' counts."""
    rolled: dict[str, int] = defaultdict(int)
    for code, people in counts.items():
        rolled[code_prefix(code, level)] += people
    return dict(rolled)


def _level_divisions(*, level: str, year: int, metric: str) -> list[Division]:
    """The divisions a level reports: every city of a province with a target, and at the other levels the
    divisions that have one (API.md: `level=county` gives counties where targets exist)."""
    with_target = Target.objects.filter(year=year, metric=metric).values_list("division_id", flat=True)
    if level == "city":
        provinces = {code_prefix(code, DivisionLevel.PROVINCE) for code in with_target}
        query = Q()
        for province in provinces:
            query |= Q(code__startswith=province)
        return list(Division.objects.filter(query, level="city").order_by("code")) if provinces else []
    codes = [code for code in with_target if code_level(code) == level]
    return list(Division.objects.filter(code__in=codes).order_by("code"))


# What a snapshot states; a rerun that computes the same figures leaves the snapshot untouched.
SNAPSHOT_FIGURES = ("target", "actual", "base", "completion_rate", "time_progress", "gap")


def _values_of(snapshot: ProgressSnapshot) -> tuple[object, ...]:
    return tuple(getattr(snapshot, figure) for figure in SNAPSHOT_FIGURES)


@transaction.atomic
def progress_compute(
    *, year: int, as_of: datetime.date, level: str, township_counts: dict[str, int] | None = None
) -> list[ProgressSnapshot]:
    """Subsidised newborns (R10.1) per division of the level as of the date, upserted as snapshots.

    Running it again for the same date leaves every snapshot as it was, its computation time included, unless an
    input of that date changed. `township_counts`, the same counts per township read once for all levels by the
    job, spare a level its own pass over the enrollments.
    """
    if level not in LEVEL_CODE_LENGTHS:
        raise LevelUnknown(f"层级应为：{'、'.join(LEVEL_CODE_LENGTHS)}。")
    metric = TargetMetric.SUBSIDISED_NEWBORNS
    divisions = _level_divisions(level=level, year=year, metric=metric)
    code_length = LEVEL_CODE_LENGTHS[level]
    if township_counts is None:
        counts = _programme_counts(year=year, as_of=as_of, code_length=code_length)
    else:
        counts = _rolled_up(township_counts, level=level)
    targets = dict(
        Target.objects.filter(year=year, metric=metric, division__in=divisions).values_list("division_id", "value")
    )
    progress = time_progress(as_of, year=year)
    existing = {
        snapshot.division_id: snapshot
        for snapshot in ProgressSnapshot.objects.select_for_update().filter(
            year=year, as_of=as_of, metric=metric, division__in=divisions
        )
    }
    now = timezone.now()
    computed = []
    for division in divisions:
        actual = counts.get(division.code, 0)
        target: Decimal | None = targets.get(division.code)
        computed.append(
            ProgressSnapshot(
                year=year,
                as_of=as_of,
                division=division,
                metric=metric,
                target=target,
                actual=actual,
                base=None,
                completion_rate=completion_rate(actual=actual, target=target) if target is not None else None,
                time_progress=progress,
                gap=count_gap(target=target, actual=actual, as_of=as_of, year=year) if target is not None else None,
                computed_at=now,
            )
        )
    return _snapshots_store(computed=computed, existing=existing)


PROGRESS_LEVELS = ("province", "city", "county", "township")


def progress_job_request(*, actor: User | None, year: int, as_of: datetime.date) -> tuple[ProgressJob, bool]:
    """The refresh button and the schedule: the job of the same year and date still queued or running, asked for
    less than PROGRESS_JOB_JOIN_MINUTES ago, if there is one, else a new job; True when the job is new. Clicking
    refresh again, or many staff clicking at once, never runs the province's aggregation twice side by side. A job
    whose worker is gone (已中断: its heartbeat stopped) is not joined."""
    now = timezone.now()
    asked_since = now - datetime.timedelta(minutes=settings.PROGRESS_JOB_JOIN_MINUTES)
    heard_of_since = now - datetime.timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)
    unfinished = (
        ProgressJob.objects.filter(
            year=year, as_of=as_of, status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__gte=asked_since
        )
        .exclude(heartbeat_at__lt=heard_of_since)
        .first()
    )
    if unfinished is not None:
        return unfinished, False
    return progress_job_create(actor=actor, year=year, as_of=as_of), True


@transaction.atomic
def progress_job_create(*, actor: User | None, year: int, as_of: datetime.date) -> ProgressJob:
    """Queue the computation of every level for a date. A job saved while the broker is unreachable stays queued, and
    joinable as above, until the sweep of core.jobs submits it."""
    from ..tasks import progress_job_run_task

    job = ProgressJob(year=year, as_of=as_of, requested_by=actor, levels_total=len(PROGRESS_LEVELS))
    job.full_clean()
    job.save()
    job_submit(task=progress_job_run_task, job_id=job.pk)
    return job


@dataclass(frozen=True)
class TownshipCounts:
    """What a job counts once, per township, for all its levels (they are sums of townships)."""

    programme_newborns: dict[str, int]
    enrolled: dict[str, int]


def township_counts_read(*, year: int, as_of: datetime.date) -> TownshipCounts:
    length = LEVEL_CODE_LENGTHS["township"]
    return TownshipCounts(
        programme_newborns=_programme_counts(year=year, as_of=as_of, code_length=length),
        enrolled=_enrolled_counts(year=year, as_of=as_of, code_length=length),
    )


@transaction.atomic
def progress_level_store(
    *, job: ProgressJob, level: str, levels_done: int, counts: TownshipCounts, progress: ProgressReporter
) -> None:
    """Both metrics of one level and the job's count of levels done, committed together: a worker that dies inside a
    level leaves none of its snapshots, and `levels_done` always counts whole levels stored."""
    progress_compute(year=job.year, as_of=job.as_of, level=level, township_counts=counts.programme_newborns)
    enrollment_rate_compute(year=job.year, as_of=job.as_of, level=level, township_counts=counts.enrolled)
    progress.report(done=levels_done)


def progress_job_run(*, job_id: int) -> ProgressJob:
    """Province, then cities, counties and townships; each level's snapshots written in its own transaction, so a
    rerun after a crash redoes only what is missing and changes nothing already right. Running it again for a
    finished job changes nothing."""
    return job_run(job_model=ProgressJob, job_id=job_id, work=_progress_work)


def _progress_work(job: ProgressJob, progress: ProgressReporter) -> None:
    """The enrollments are read once, per township, and every level is summed from that one reading."""
    counts = township_counts_read(year=job.year, as_of=job.as_of)
    for done, level in enumerate(PROGRESS_LEVELS, start=1):
        progress_level_store(job=job, level=level, levels_done=done, counts=counts, progress=progress)


# --- R10.2: the overall enrollment rate, per division of household registration -------------------------------------


def _enrolled_counts(*, year: int, as_of: datetime.date, code_length: int) -> dict[str, int]:
    """Enrolled residents per division of household registration at one level, counted in SQL, each person once.

    The count is one query whatever the registry's size, a UNION ALL of its parts, one part per range of residents'
    ids (`_resident_id_ranges`). PostgreSQL hands each part whole to one of its processes (a Parallel Append), and a
    part merges the registry's primary key with the enrollments' index of their person along its range, reading the
    enrollments from that index alone (`enrollment_resident_counted`). One hash join over the whole year instead
    spilled to disk: at 2,600,000 enrollments 1.3 s, against 0.9 s in parts (docs/scaling.md)."""
    parts = [
        enrolled_residents(year=year, as_of=as_of, ids_between=ids_between)
        .annotate(code=Substr("household_division_id", 1, code_length))
        .values_list("code")
        .annotate(people=Count("pk"))
        .order_by()
        for ids_between in _resident_id_ranges()
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    counts: dict[str, int] = defaultdict(int)
    for code, people in rows:
        counts[code] += people
    return dict(counts)


def _resident_id_ranges() -> list[tuple[int, int] | None]:
    """The ranges of residents' ids that `_enrolled_counts` counts in parts on PostgreSQL, as many as the processes
    PostgreSQL may run on one query (its parallel workers per query and the process that leads them), of equal width;
    one part, the whole registry (None), elsewhere."""
    connection = connections[router.db_for_read(Resident)]
    if connection.vendor != "postgresql":
        return [None]
    bounds = Resident.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return [None]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')::int + 1")
        (processes,) = cursor.fetchone()
    low, high = bounds["low"], bounds["high"]
    width = -(-(high - low + 1) // processes)  # rounded up: the last range ends at the highest id
    return [(start, min(start + width - 1, high)) for start in range(low, high + 1, width)]


def _snapshots_store(
    *, computed: list[ProgressSnapshot], existing: dict[str, ProgressSnapshot]
) -> list[ProgressSnapshot]:
    """Store a level's computed snapshots, `existing` being the stored ones of the same divisions (locked), in bulk:
    the new ones inserted together, the changed ones updated in place together. A stored snapshot that already has
    its figures is kept as it is, its computation time included. The province's townships are thousands of
    snapshots, which one save each took a second to write."""
    stored, new, changed = [], [], []
    for snapshot in computed:
        previous = existing.get(snapshot.division_id)
        if previous is None:
            new.append(snapshot)
        elif _values_of(previous) == _values_of(snapshot):
            snapshot = previous
        else:
            snapshot.pk = previous.pk
            changed.append(snapshot)
        stored.append(snapshot)
    ProgressSnapshot.objects.bulk_create(new)
    ProgressSnapshot.objects.bulk_update(changed, fields=[*SNAPSHOT_FIGURES, "computed_at"])
    return stored


@transaction.atomic
def enrollment_rate_compute(
    *, year: int, as_of: datetime.date, level: str, township_counts: dict[str, int] | None = None
) -> list[ProgressSnapshot]:
    """The overall enrollment rate (R10.2) of each division of the level that has a population baseline for the
    year, upserted as snapshots the way `progress_compute` does (`township_counts` likewise).

    actual: residents enrolled for the year (by household registration); base: the registered population less the
    employee-insured; target: the division's rate, else the nearest one above it; gap: people still to enroll.
    """
    if level not in LEVEL_CODE_LENGTHS:
        raise LevelUnknown(f"层级应为：{'、'.join(LEVEL_CODE_LENGTHS)}。")
    metric = TargetMetric.OVERALL_ENROLLMENT_RATE
    baselines = list(
        PopulationBaseline.objects.filter(year=year, division__level=level)
        .select_related("division")
        .order_by("division_id")
    )
    code_length = LEVEL_CODE_LENGTHS[level]
    if township_counts is None:
        counts = _enrolled_counts(year=year, as_of=as_of, code_length=code_length)
    else:
        counts = _rolled_up(township_counts, level=level)
    targets = targets_get(division_codes=[baseline.division_id for baseline in baselines], year=year, metric=metric)
    progress = time_progress(as_of, year=year)
    existing = {
        snapshot.division_id: snapshot
        for snapshot in ProgressSnapshot.objects.select_for_update().filter(
            year=year, as_of=as_of, metric=metric, division__in=[baseline.division_id for baseline in baselines]
        )
    }
    now = timezone.now()
    computed = []
    for baseline in baselines:
        actual = counts.get(baseline.division_id, 0)
        base = max(0, baseline.registered_population - baseline.employee_insured)
        target = targets[baseline.division_id]
        computed.append(
            ProgressSnapshot(
                year=year,
                as_of=as_of,
                division=baseline.division,
                metric=metric,
                target=target.value if target else None,
                actual=actual,
                base=base,
                completion_rate=completion_rate(actual=actual, target=Decimal(base)),
                time_progress=progress,
                gap=rate_gap(target_rate=target.value, actual=actual, base=base) if target else None,
                computed_at=now,
            )
        )
    return _snapshots_store(computed=computed, existing=existing)
