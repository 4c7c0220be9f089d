"""The progress job over one insurance year of the province: `make bench` runs it after bench/policy_impact.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/canbao_bench BENCH_SCALE=1.0 python bench/province_progress.py

The goal: `targets.services.progress_job_run` for one year of 26,000,000 enrollments (Shanxi's insured residents)
in under 10 s, on the enrollments partitioned by insurance year.

Set-up (not timed), set-based in SQL on a scratch database whose registry it empties first: 26,000,000 × BENCH_SCALE
residents (PROVINCE_BENCH_ENROLLMENTS when set) spread over every village of the province, born 1930–2025 and 0.7%
in 2026; their ID numbers are the county's code and a running number (the job reads none). One enrollment each for
2026, in 2026's partition: 0.8% refunded on some day of the year (those refunded after the measured date still
count), the babies of 2026 in the newborn programme (R7.2), every other one counting as an enrolled year. Targets
and population baselines for the province, its cities, counties and townships, so that every level's snapshots are
written.

Timed: the job for 2026 as of 2026-09-30, first and second run (the second finds every snapshot unchanged); then the
plans of its reading queries (EXPLAIN ANALYZE) are logged. Writes its section of BENCHMARKS.md between its markers,
keeping the rest of the file.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.run import ENROLLMENT_INSERT, benchmarks_section_write, log, machine, setup_django, sql  # noqa: E402

FULL_ENROLLMENTS = 26_000_000
YEAR = 2026
AS_OF = datetime.date(2026, 9, 30)
GOAL_SECONDS = 10
ACTOR = "bench-province"
SLICE = 1_000_000
SECTION_START, SECTION_END = "<!-- province progress -->", "<!-- /province progress -->"

RESIDENTS_SQL = """
INSERT INTO enrollment_resident (
    id_number, id_number_is_placeholder, merged_into_id, name, gender, birth_date, phone, household_division_id,
    residence_division_id, status, created_at, updated_at)
SELECT substr(village, 1, 6) || lpad(n::text, 12, '0'), false, NULL, '居民', CASE WHEN n %% 2 = 1 THEN 'M' ELSE 'F' END,
       born, '', village, CASE WHEN d.a %% 100 < 3 THEN (%(villages)s::text[])[1 + d.a %% %(count)s] END,
       'normal', now(), now()
FROM generate_series(%(low)s, %(high)s) AS g(n)
CROSS JOIN LATERAL (SELECT abs(hashint8(g.n * 4 + 1)::bigint) AS a, abs(hashint8(g.n * 4 + 2)::bigint) AS b) d
CROSS JOIN LATERAL (SELECT (%(villages)s::text[])[1 + d.b %% %(count)s] AS village,
    CASE WHEN d.a %% 1000 < 7 THEN make_date(2026, 1, 1) + (d.b %% 270)::int
         ELSE make_date(1930, 1, 1) + (d.b %% 34700)::int END AS born) v
"""

ENROLLMENTS_SQL = (
    ENROLLMENT_INSERT
    + """\
SELECT r.id, %(year)s, CASE WHEN refunded THEN 'refunded' ELSE 'active' END, paid,
    CASE WHEN h.draw %% 10 < 8 THEN 'tax' ELSE 'window' END, '', '', NULL,
    CASE WHEN newborn THEN 'newborn' ELSE '' END, CASE WHEN newborn THEN r.birth_date END, 0, false,
    400, NOT newborn, true, 0,
    CASE WHEN newborn OR h.draw %% 100 < 6 THEN 0 ELSE 400 END,
    CASE WHEN newborn OR h.draw %% 100 < 6 THEN 400 ELSE 0 END,
    CASE WHEN newborn THEN 'newborn_programme' WHEN h.draw %% 100 < 6 THEN 'tekun' ELSE '' END,
    0, 0, 0, 0, 0,
    CASE WHEN newborn THEN r.birth_date ELSE make_date(%(year)s, 1, 1) END, make_date(%(year)s, 12, 31), true,
    0, 0, 0, 0, 0, '[]'::jsonb, '', %(user)s, now(), CASE WHEN refunded THEN 'death' ELSE '' END,
    CASE WHEN refunded THEN make_date(%(year)s, 1, 1) + (h.draw %% 365)::int END, '', '',
    substr(r.household_division_id, 1, 6), 'household', '', NULL, NULL
FROM enrollment_resident r
CROSS JOIN LATERAL (SELECT abs(hashint8(r.id * 100 + %(year)s)::bigint) AS draw) h
CROSS JOIN LATERAL (
    SELECT extract(year FROM r.birth_date) = %(year)s AS newborn, h.draw %% 1000 < 8 AS refunded) f
CROSS JOIN LATERAL (
    SELECT CASE WHEN newborn THEN r.birth_date + (h.draw %% 60)::int
                ELSE make_date(%(year)s - 1, 9, 1) + (h.draw %% 150)::int END AS paid) p
WHERE r.id BETWEEN %(low)s AND %(high)s
"""
)


def scratch_database_check() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench: DATABASE_URL must name a PostgreSQL database (make bench creates canbao_bench)")
    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("bench: the set-up empties the registry; DATABASE_URL must name a scratch *bench* database")


def enrollments_wanted() -> int:
    scale = float(os.environ.get("BENCH_SCALE") or 1.0)
    return int(os.environ.get("PROVINCE_BENCH_ENROLLMENTS") or max(1000, round(FULL_ENROLLMENTS * scale)))


def world_build(count: int) -> dict:
    """Empty the registry and its enrollments, then build the province's residents and their year, set-based."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from divisions.models import Division, DivisionLevel
    from enrollment.services import enrollment_partitions_ensure

    sql(
        "TRUNCATE enrollment_resident, enrollment_historicalresident, enrollment_enrollment, "
        "enrollment_historicalenrollment, enrollment_payment, enrollment_receipt RESTART IDENTITY CASCADE"
    )
    province = Division.objects.get(code="14")
    actor = User.objects.filter(username=ACTOR).first() or user_create(
        username=ACTOR, password="bench-province-2026", role=Role.PROVINCE_STAFF, division=province
    )
    villages = list(
        Division.objects.filter(code__startswith="14", level=DivisionLevel.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    enrollment_partitions_ensure(years=[YEAR])
    started = time.monotonic()
    for low in range(1, count + 1, SLICE):
        high = min(count, low + SLICE - 1)
        sql(RESIDENTS_SQL, {"low": low, "high": high, "villages": villages, "count": len(villages)})
    sql("VACUUM (ANALYZE) enrollment_resident")
    residents_seconds = time.monotonic() - started
    started = time.monotonic()
    (low, high) = sql("SELECT MIN(id), MAX(id) FROM enrollment_resident")[0]
    for start in range(low, high + 1, SLICE):
        sql(ENROLLMENTS_SQL, {"user": actor.pk, "year": YEAR, "low": start, "high": start + SLICE - 1})
    enrollments_seconds = time.monotonic() - started
    started = time.monotonic()
    sql("VACUUM (ANALYZE) enrollment_enrollment")
    sql("CHECKPOINT")
    vacuum_seconds = time.monotonic() - started
    rows = sql(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE e.subsidy_category = 'newborn_programme'), "
        "COUNT(*) FILTER (WHERE e.status = 'refunded'), COUNT(DISTINCT substr(r.household_division_id, 1, 9)) "
        "FROM enrollment_enrollment e JOIN enrollment_resident r ON r.id = e.resident_id WHERE e.insurance_year = %s",
        [YEAR],
    )[0]
    (partition,) = sql(
        "SELECT tableoid::regclass::text FROM enrollment_enrollment WHERE insurance_year = %s LIMIT 1", [YEAR]
    )[0]
    targets_and_baselines_create()
    return {
        "villages": len(villages),
        "residents": sql("SELECT COUNT(*) FROM enrollment_resident")[0][0],
        "enrollments": rows[0],
        "programme_newborns": rows[1],
        "refunded": rows[2],
        "townships_with_people": rows[3],
        "partition": partition,
        "residents_seconds": round(residents_seconds, 1),
        "enrollments_seconds": round(enrollments_seconds, 1),
        "vacuum_seconds": round(vacuum_seconds, 1),
        "table_size": sql("SELECT pg_size_pretty(pg_total_relation_size(%s))", [partition])[0][0],
    }


def targets_and_baselines_create() -> None:
    """Every division of the province down to the townships gets a population baseline from its residents and both
    targets of the year: its newborns (0.7% of its people) and a 95% enrollment rate."""
    sql("DELETE FROM targets_target WHERE year = %s", [YEAR])
    sql("DELETE FROM targets_populationbaseline WHERE year = %s", [YEAR])
    prefix_counts = """
        WITH people AS (SELECT substr(household_division_id, 1, 9) AS township, COUNT(*) AS n
                        FROM enrollment_resident GROUP BY 1),
             divisions AS (SELECT code FROM divisions_division
                           WHERE code LIKE '14%%' AND level IN ('province', 'city', 'county', 'township'))
        SELECT d.code, COALESCE(SUM(p.n), 0) AS people
        FROM divisions d LEFT JOIN people p ON p.township LIKE d.code || '%%' GROUP BY d.code
    """
    sql(
        f"INSERT INTO targets_populationbaseline (division_id, year, registered_population, employee_insured, "
        f"source_document) SELECT code, %s, GREATEST(1, round(people * 1.05)), 0, 'bench' FROM ({prefix_counts}) c",
        [YEAR],
    )
    sql(
        f"INSERT INTO targets_target (division_id, year, metric, value, source_document) "
        f"SELECT code, %s, 'subsidised_newborns', GREATEST(1, round(people * 0.007)), 'bench' FROM ({prefix_counts}) c "
        f"UNION ALL SELECT code, %s, 'overall_enrollment_rate', 0.95, 'bench' FROM ({prefix_counts}) c",
        [YEAR, YEAR],
    )


def plans_log() -> None:
    """The plans of the job's reading queries (`township_counts_read`, the one reading of the enrollments), as
    PostgreSQL ran them (EXPLAIN ANALYZE), into the log."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from targets.services.progress import township_counts_read

    with CaptureQueriesContext(connection) as captured:
        township_counts_read(year=YEAR, as_of=AS_OF)
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            log("plan:\n" + "\n".join(line for (line,) in cursor.fetchall()))


def progress_measure() -> dict:
    from targets.models import ProgressJob, ProgressSnapshot
    from targets.services.progress import progress_job_run

    timings = []
    for _ in range(2):
        job = ProgressJob.objects.create(year=YEAR, as_of=AS_OF, levels_total=4)
        started = time.monotonic()
        job = progress_job_run(job_id=job.pk)
        timings.append(round(time.monotonic() - started, 2))
        assert job.status == "succeeded", job.error_message
    snapshots = ProgressSnapshot.objects.filter(year=YEAR, as_of=AS_OF).count()
    return {"first_seconds": timings[0], "second_seconds": timings[1], "snapshots": snapshots}


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def section_write(results: dict) -> str:
    m, w, progress = results["machine"], results["world"], results["progress"]
    pg = m["pg_settings"]
    settings = ", ".join(f"{name}={pg[name]}" for name in sorted(pg))
    full = w["enrollments"] >= FULL_ENROLLMENTS
    scale_note = (
        "the province's full 26,000,000"
        if full
        else f"{w['enrollments']:,} of the province's 26,000,000 (BENCH_SCALE or PROVINCE_BENCH_ENROLLMENTS); "
        "the goal is judged at full size only, so this run does not decide it"
    )
    rows = "\n".join(
        f"| {name} | {progress[key]:.2f} s | {verdict(progress[key] < GOAL_SECONDS) if full else 'not judged'} |"
        for name, key in (("first", "first_seconds"), ("second (same date, nothing changed)", "second_seconds"))
    )
    load = results.get("load_average")
    load_note = "" if load is None else f"\n\nThe machine's load average (1 minute) when the job started: {load:.1f}."
    extrapolated = ""
    if not full:
        factor = FULL_ENROLLMENTS / w["enrollments"]
        slowest = max(progress["first_seconds"], progress["second_seconds"])
        fastest = min(progress["first_seconds"], progress["second_seconds"])
        extrapolated = (
            f"\n\nThe province's 26,000,000, **extrapolated, not measured**, in proportion to the enrollments read: "
            f"{fastest * factor:.0f}–{slowest * factor:.0f} s, "
            f"{'under' if slowest * factor < GOAL_SECONDS else 'over'} the goal of {GOAL_SECONDS} s."
        )
    return f"""{SECTION_START}
## The progress job over one year of the province

Written by `bench/province_progress.py` on {results["date"]}: {m["cpu"]}, {m["cores"]} cores, {m["memory_gb"]} GB;
PostgreSQL {m["postgresql"]} over TCP on 127.0.0.1 ({settings}); Python {m["python"]}. Enrollments are partitioned
by insurance year; {scale_note}. Goal: the job for one year of 26,000,000 enrollments under {GOAL_SECONDS} s.

Set-up, not timed, set-based in SQL: {w["residents"]:,} residents in {w["villages"]:,} villages of the province
({w["residents_seconds"]} s), one enrollment each for {YEAR} in `{w["partition"]}` ({w["enrollments"]:,} rows,
{w["table_size"]} with its indexes; {w["enrollments_seconds"]} s, then VACUUM ANALYZE {w["vacuum_seconds"]} s):
{w["programme_newborns"]:,} programme newborns, {w["refunded"]:,} refunded, people in {w["townships_with_people"]:,}
townships. Every division down to the townships has its baseline and both targets. `targets.services.progress_job_run`
for {YEAR} as of {AS_OF.isoformat()}: {progress["snapshots"]:,} snapshots.

| run | time | goal: under {GOAL_SECONDS} s |
| --- | ---: | --- |
{rows}{extrapolated}{load_note}
{SECTION_END}"""


def main() -> None:
    setup_django()
    scratch_database_check()
    count = enrollments_wanted()
    results: dict = {
        "scale": float(os.environ.get("BENCH_SCALE") or 1.0),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }
    log(f"province progress: setting up {count:,} residents and their enrollments of {YEAR}")
    results["world"] = world_build(count)
    log(f"    {results['world']}")
    log("progress job, twice")
    results["load_average"] = os.getloadavg()[0]  # the machine is shared: what else ran when the job started
    results["progress"] = progress_measure()
    log(f"    {results['progress']}")
    plans_log()
    results["machine"] = machine()
    benchmarks_section_write(section_write(results), start=SECTION_START, end=SECTION_END)
    log("BENCHMARKS.md: province progress section written")


if __name__ == "__main__":
    main()
