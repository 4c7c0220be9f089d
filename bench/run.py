"""`make bench`: the province-scale benchmark, on PostgreSQL, written to BENCHMARKS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/canbao_bench BENCH_SCALE=1.0 python bench/run.py

The Makefile creates the database, migrates it, runs this and drops it. BENCH_SCALE (default 1.0) scales every
count: 1,000,000 residents and 10,000,000 enrollments at 1.0; BENCH_SCALE=0.01 is a quick check of the suite.

1. Synthetic residents of 山阴县: valid GB 11643 ID numbers (address codes of the county and of other Shanxi
   counties, birth dates over an age pyramid), Chinese names, the county's real village codes; written once as a
   UTF-8 CSV in the layout of the registry template.
2. The same file imported three ways, each in its own process so that its peak memory (VmHWM) is its own:
   (a) django-import-export tuned (use_bulk, skip_diff, force_init_instance, batch_size=1000), on the whole file
   (about 3 minutes at 1.0 here), or on its first BENCH_IE_ROWS rows when that is set (the report then says so);
   (b) the project's path (bulk.services.bulk_import_run), then again on the unchanged file;
   (c) a bare COPY of the file into an unindexed table with the file's columns: the floor; and, for reference,
   the same COPY into a table with the registry's indexes and foreign keys, and with its indexes alone.
3. Enrollment histories generated set-based in SQL (INSERT … SELECT over generate_series): every resident from
   2016 or their birth year to 2026, with gaps and refunds, newborns of the programme in 2026; then the quarterly
   progress job (targets.services.progress.progress_job_run) over them.
4. gunicorn on 127.0.0.1 and 20 concurrent clients: p50/p95 of GET /api/v1/residents/?search=<ID number> and of
   POST /api/v1/policy/quote/, a bounded number of requests, with and without think time.
"""

import asyncio
import csv
import datetime
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COUNTY = "140621"  # 山阴县: its policy parameters are seeded, so the quote endpoint answers for it
FULL_RESIDENTS = 1_000_000
FULL_ENROLLMENTS = 10_000_000
CLIENTS = 20
# The own path is measured again on a file this many times as large (5,000,000 residents at BENCH_SCALE=1.0), the
# last measure of the run: its memory must stay flat as the file grows.
LARGE_FILE_TIMES = 5
MEMORY_MARGIN = 1.1  # "flat": the larger file's peak within 10 % of the smaller's
FIRST_YEAR, LAST_YEAR = 2016, 2026
AS_OF = datetime.date(2026, 9, 30)  # the end of the third quarter
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "秀英桂兰建国志强玉梅海燕永红德胜淑珍晓东俊杰丽娟红梅国庆文华明亮春花秋菊雪莲宏伟子涵浩然雨轩欣怡梓萱"
OTHER_ADDRESS_CODES = ["140602", "140603", "140681", "140622", "140623", "140105", "140106", "140202", "140702"]


def benchmarks_section_write(section: str, *, start: str, end: str) -> None:
    """Put a benchmark's own section of BENCHMARKS.md, between its markers `start` and `end`, in place of the one the
    last run wrote, or at the end of the file; the rest of the file is kept."""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def benchmarks_write(report: str) -> None:
    """Rewrite BENCHMARKS.md with this run, keeping in their order the sections the other benchmarks wrote there
    between their markers (`<!-- load test -->` … `<!-- /load test -->` of bench/load.py, the exchange feeds', the
    policy impact's)."""
    path = ROOT / "BENCHMARKS.md"
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    sections = [match.group(0) for match in re.finditer(r"<!-- ([^/][^>]*?) -->.*?<!-- /\1 -->", previous, re.S)]
    path.write_text("\n\n".join([report.rstrip("\n"), *sections]) + "\n", encoding="utf-8")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Unlike ru_maxrss it starts afresh at exec, so a child does not
    inherit the peak of the process that started it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The planner settings of the production stack's PostgreSQL (docker-compose.yml), given to the benchmark's scratch
# database so that its queries are planned as they are in production: on SSD storage, and a database mostly held in
# memory, a page read at random costs little more than one read in sequence (docs/scaling.md).
POSTGRESQL_SETTINGS = {"random_page_cost": "1.1"}


def setup_django() -> None:
    import django

    django.setup()
    database_settings_apply()


def database_settings_apply() -> None:
    """POSTGRESQL_SETTINGS on the database for every connection made from now on (the server's processes too), and on
    this one."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    for setting, value in POSTGRESQL_SETTINGS.items():
        sql(f"ALTER DATABASE {name} SET {setting} = {value}")
        sql(f"SET {setting} = {value}")


# --- 1. Synthetic residents -------------------------------------------------------------------------------------


def birth_year(rng: random.Random) -> int:
    """An age pyramid of a rural county: few very old, many of working age, a 2026 cohort of about 0.7%."""
    if rng.random() < 0.007:
        return 2026
    return int(rng.triangular(1930, 2025, 1970))


def residents_csv_write(path: Path, count: int, villages: list[str]) -> None:
    from enrollment.rules import id_number_compose

    rng = random.Random(20261126)
    seen: set[str] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(["身份证号", "姓名", "户籍地代码", "联系电话", "居住地代码"])
        written = 0
        while written < count:
            year = birth_year(rng)
            last_day = 268 if year == 2026 else 365  # no one born after the end of September 2026
            born = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(last_day))
            address = COUNTY if rng.random() < 0.85 else rng.choice(OTHER_ADDRESS_CODES)
            id_number = id_number_compose(address_code=address, birth_date=born, sequence=rng.randrange(1000))
            if id_number in seen:
                continue
            seen.add(id_number)
            given = rng.randrange(len(GIVEN) // 2)
            name = rng.choice(SURNAMES) + GIVEN[given * 2 : given * 2 + 2 - (rng.random() < 0.2)]
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else ""
            household = rng.choice(villages)
            residence = rng.choice(villages) if rng.random() < 0.1 else ""
            writer.writerow([id_number, name, household, phone, residence])
            written += 1


# --- 2. The three imports, each measured in its own process -----------------------------------------------------


def measure_in_subprocess(method: str, *arguments: str, script: str = __file__) -> dict:
    """Run `script measure <method> <arguments>` in a process of its own (its peak memory is its own); its last
    line of output is the measure's JSON."""
    command = [sys.executable, str(Path(script).resolve()), "measure", method, *arguments]
    completed = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"bench: {method} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(method: str, arguments: list[str], measures: dict[str, Callable[..., dict]] | None = None) -> None:
    """In the child process: one measure (of `measures`, by default this script's imports), timed, with this
    process's peak RSS."""
    setup_django()
    baseline = peak_rss_mb()
    result = (measures or MEASURES)[method](*arguments)
    result.update(
        peak_rss_mb=round(peak_rss_mb(), 1),
        baseline_rss_mb=round(baseline, 1),
        # the largest process this one started and waited for (the bulk import's reading process)
        children_peak_rss_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    )
    print(json.dumps(result))


def measure_import_export(csv_path: str, rows: str) -> dict:
    import itertools

    import tablib
    from import_export import fields, resources, widgets

    from divisions.models import Division
    from enrollment.models import Resident
    from enrollment.rules import id_number_parse

    class GenderFromIdNumber(widgets.Widget):
        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            return id_number_parse(value).gender

    class BirthDateFromIdNumber(widgets.Widget):
        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            return id_number_parse(value).birth_date

    division = widgets.CachedForeignKeyWidget(Division, field="code")

    class ResidentResource(resources.ModelResource):
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        name = fields.Field(attribute="name", column_name="姓名")
        household_division = fields.Field(attribute="household_division", column_name="户籍地代码", widget=division)
        phone = fields.Field(attribute="phone", column_name="联系电话")
        residence_division = fields.Field(attribute="residence_division", column_name="居住地代码", widget=division)
        gender = fields.Field(attribute="gender", column_name="身份证号", widget=GenderFromIdNumber())
        birth_date = fields.Field(attribute="birth_date", column_name="身份证号", widget=BirthDateFromIdNumber())

        class Meta:
            model = Resident
            fields = ("id_number", "name", "household_division", "phone", "residence_division", "gender", "birth_date")
            import_id_fields = ("id_number",)
            use_bulk = True
            skip_diff = True
            force_init_instance = True
            batch_size = 1000

    started = time.monotonic()
    with open(csv_path, encoding="utf-8-sig") as source:
        text = "".join(itertools.islice(source, int(rows) + 1))
    dataset = tablib.Dataset().load(text, format="csv")
    del text
    result = ResidentResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    seconds = time.monotonic() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("import-export reported errors")
    return {"rows": len(dataset), "seconds": round(seconds, 2), "loaded": Resident.objects.count()}


def measure_own_path(csv_path: str, mode: str = "load") -> dict:
    """The project's path on the file: confirmed at once and loaded (`load`, as bulk_import_create(confirm=True)),
    or only checked (`check`: read, staged and checked, then waiting for a confirmation; nothing written)."""
    import logging

    from django.core.files import File
    from django.utils import timezone

    from accounts.models import User
    from bulk.models import BulkImportJob
    from bulk.services import bulk_import_run
    from divisions.models import Division
    from enrollment.models import Resident

    phases: list[str] = []

    class PhaseHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            phases.append(record.getMessage())

    logging.getLogger("bulk.services").addHandler(PhaseHandler())
    clerk = User.objects.get(username="bench-clerk")
    confirmed = mode == "load"
    job = BulkImportJob(
        kind="resident_registry",
        county=Division.objects.get(code=COUNTY),
        file_name=Path(csv_path).name,
        requested_by=clerk,
        confirmed_by=clerk if confirmed else None,
        confirmed_at=timezone.now() if confirmed else None,
    )
    with open(csv_path, "rb") as source:
        job.file.save(Path(csv_path).name, File(source), save=True)
    started = time.monotonic()
    job = bulk_import_run(job_id=job.pk)
    seconds = time.monotonic() - started
    if job.status != ("succeeded" if confirmed else "checked"):
        raise SystemExit(f"own path: job {job.pk} {job.status} {job.error_message} ({job.error_count} bad rows)")
    return {
        "rows": job.rows_total,
        "seconds": round(seconds, 2),
        "created": job.rows_created,
        "updated": job.rows_updated,
        "loaded": Resident.objects.count(),
        "phases": phases[-1] if phases else "",
        **phase_seconds(phases[-1] if phases else ""),
    }


def phase_seconds(message: str) -> dict[str, float]:
    """The seconds of each phase of a bulk import, from the line bulk.services logs when it has checked or loaded a
    file (a file loaded while it is read has one phase)."""
    phases = {
        "staged_seconds": r"read and staged ([\d.]+) s",
        "checked_seconds": r"checked ([\d.]+) s",
        "loaded_seconds": r"loaded ([\d.]+) s",
        "streamed_seconds": r"read, checked and loaded together ([\d.]+) s",
    }
    found = {name: re.search(pattern, message) for name, pattern in phases.items()}
    return {name: float(match.group(1)) for name, match in found.items() if match is not None}


def measure_bare_copy(csv_path: str, indexed: str) -> dict:
    from django.db import connection

    table = {"no": "bench_copy_floor", "yes": "bench_copy_indexed", "indexes": "bench_copy_indexes_only"}[indexed]
    statements = [] if indexed == "no" else registry_index_definitions(table)
    if indexed == "indexes":
        statements = [statement for statement in statements if " FOREIGN KEY " not in statement]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE {table} (id_number varchar(20) NOT NULL, name varchar(64) NOT NULL, "
            "household_division_id varchar(12) NOT NULL, phone varchar(20) NOT NULL, residence_division_id varchar(12))"
        )
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("CHECKPOINT")
    started = time.monotonic()
    with connection.cursor() as cursor, open(csv_path, "rb") as source:
        with cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true, FORCE_NOT_NULL (phone))") as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        (rows,) = cursor.fetchone()
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "indexes": sum(" INDEX " in statement for statement in statements),
        "foreign_keys": sum(" FOREIGN KEY " in statement for statement in statements),
    }


FILE_COLUMNS = "('id_number', 'name', 'household_division_id', 'phone', 'residence_division_id')"


def registry_index_definitions(table: str) -> list[str]:
    """The registry table's indexes and foreign keys on the file's five columns (all but the primary key), as
    statements that rebuild them on `table`."""
    indexes = sql(
        f"""
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = 'enrollment_resident'::regclass AND NOT i.indisprimary
          AND NOT EXISTS (
            SELECT 1 FROM unnest(i.indkey) AS k(attnum) JOIN pg_attribute a
              ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE a.attname NOT IN {FILE_COLUMNS})
        ORDER BY 1
        """
    )
    from enrollment.models import Resident

    # The registry's foreign keys on those columns as the model declares them, whether the database enforces them
    # (a constraint) or the application does (db_constraint=False): the baseline is the table with its references
    # checked by the database, once per row and key.
    foreign_keys = sorted(
        f"FOREIGN KEY ({field.column}) REFERENCES {field.related_model._meta.db_table}({field.target_field.column})"
        for field in Resident._meta.concrete_fields
        if field.is_relation and f"'{field.column}'" in FILE_COLUMNS
    )
    return [
        *(
            re.sub(r"INDEX (\S+) ON \S+", lambda match: f"INDEX {table}_{match.group(1)} ON {table}", definition)
            for (definition,) in indexes
        ),
        *(f"ALTER TABLE {table} ADD {definition}" for definition in foreign_keys),
    ]


MEASURES = {
    "import_export": measure_import_export,
    "own_path": measure_own_path,
    "bare_copy": measure_bare_copy,
}


def sql(statement: str, params: object = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def registry_truncate() -> None:
    sql("TRUNCATE enrollment_resident, enrollment_historicalresident RESTART IDENTITY CASCADE")
    sql("CHECKPOINT")


# --- 3. Enrollment histories and the progress job ---------------------------------------------------------------

# Every NOT NULL column of the enrollments, for the benchmarks that write them set-based in SQL.
ENROLLMENT_INSERT = """
INSERT INTO enrollment_enrollment (
    resident_id, insurance_year, status, payment_date, channel, payer_id_number, payer_relation, accident_topup,
    special_status, special_date, back_paid_years, projected, contribution_standard, in_collection_period, continuous,
    break_years, individual_due, subsidy_amount, subsidy_category, back_payment_due, waiting_fixed_months,
    waiting_variable_months, waiting_repaired_months, waiting_total_months, benefit_start, benefit_end,
    counts_as_enrolled_year, cap_base, cap_continuity_bonus, cap_zero_claim_bonus, cap_break_penalty, cap_effective,
    explanation, policy_versions, recorded_by_id, created_at, refund_reason, refund_date, void_reason, exit_kind,
    enrolling_county_id, enrollment_basis, basis_document_no, basis_valid_from, basis_valid_to)
"""

ENROLLMENTS_SQL = (
    ENROLLMENT_INSERT
    + """\
SELECT r.id, y.year, CASE WHEN refunded THEN 'refunded' ELSE 'active' END, paid,
    CASE WHEN h.draw %% 10 < 8 THEN 'tax' ELSE 'window' END, '', '', NULL,
    CASE WHEN newborn THEN 'newborn' ELSE '' END, CASE WHEN newborn THEN r.birth_date END, 0, false,
    standard, NOT newborn, y.year > %(first)s, 0,
    CASE WHEN programme OR h.draw %% 100 < 6 THEN 0 WHEN h.draw %% 100 < 12 THEN standard - 320 ELSE standard END,
    CASE WHEN programme OR h.draw %% 100 < 6 THEN standard WHEN h.draw %% 100 < 12 THEN 320 ELSE 0 END,
    CASE WHEN programme THEN 'newborn_programme' WHEN h.draw %% 100 < 6 THEN 'tekun'
         WHEN h.draw %% 100 < 12 THEN 'dibao'
         ELSE '' END,
    0, 0, 0, 0, 0,
    CASE WHEN newborn THEN r.birth_date ELSE make_date(y.year, 1, 1) END, make_date(y.year, 12, 31), true,
    0, 0, 0, 0, 0, '[]'::jsonb, '', %(user)s, now(), CASE WHEN refunded THEN 'death' ELSE '' END,
    CASE WHEN refunded THEN paid + 90 END, '', '',
    substr(r.household_division_id, 1, 6), 'household', '', NULL, NULL
FROM enrollment_resident r
CROSS JOIN LATERAL generate_series(GREATEST(%(first)s, extract(year FROM r.birth_date)::int), %(last)s) AS y(year)
CROSS JOIN LATERAL (SELECT abs(hashint8(r.id * 100 + y.year)::bigint) AS draw) h
CROSS JOIN LATERAL (
    SELECT y.year = extract(year FROM r.birth_date) AS newborn,
           y.year = 2026 AND extract(year FROM r.birth_date) = 2026 AS programme,
           h.draw %% 1000 < 8 AS refunded,
           (280 + 20 * (y.year - 2016))::numeric(12, 2) AS standard) f
CROSS JOIN LATERAL (
    SELECT CASE WHEN newborn THEN r.birth_date + (h.draw %% 60)::int
                ELSE make_date(y.year - 1, 9, 1) + (h.draw %% 150)::int END AS paid) p
WHERE r.id BETWEEN %(low)s AND %(high)s AND h.draw %% 1000 < %(keep)s
ORDER BY r.id, y.year
"""
)


def enrollments_generate(target: int, user_id: int) -> dict:
    """Set-based, in slices of residents so that each statement stays bounded; `keep` per mille of the person-years
    are enrolled, chosen so the total comes near the target."""
    (person_years,) = sql(
        "SELECT SUM(%s - GREATEST(%s, extract(year FROM birth_date)::int) + 1) FROM enrollment_resident",
        [LAST_YEAR, FIRST_YEAR],
    )[0]
    keep = max(1, min(1000, round(1000 * target / max(1, person_years))))
    from enrollment.services import enrollment_partitions_ensure

    enrollment_partitions_ensure(years=range(FIRST_YEAR, LAST_YEAR + 1))  # as a migrated database holding them has
    (low, high) = sql("SELECT MIN(id), MAX(id) FROM enrollment_resident")[0]
    started = time.monotonic()
    slice_size = 100_000
    for start in range(low, high + 1, slice_size):
        sql(
            ENROLLMENTS_SQL,
            {"user": user_id, "first": FIRST_YEAR, "last": LAST_YEAR, "low": start, "high": start + slice_size - 1,
             "keep": keep},
        )  # fmt: skip
    generated = time.monotonic() - started
    started = time.monotonic()
    sql("VACUUM ANALYZE enrollment_enrollment")
    sql("ANALYZE enrollment_resident")
    vacuumed = time.monotonic() - started
    rows = sql(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE subsidy_category = 'newborn_programme' AND insurance_year = 2026), "
        "COUNT(*) FILTER (WHERE insurance_year = 2026) FROM enrollment_enrollment"
    )[0]
    return {
        "rows": rows[0],
        "programme_newborns_2026": rows[1],
        "enrollments_2026": rows[2],
        "person_years": person_years,
        "generate_seconds": round(generated, 1),
        "vacuum_analyze_seconds": round(vacuumed, 1),
    }


def database_settle() -> None:
    """Vacuum what was just written, checkpoint, and wait (at most 5 minutes) until no autovacuum worker runs, so
    that the database's background work does not fall into the next measurement."""
    for table in ("enrollment_resident", "enrollment_historicalresident", "enrollment_enrollment"):
        sql(f"VACUUM (ANALYZE) {table}")
    sql("CHECKPOINT")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        (workers,) = sql("SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")[0]
        if not workers:
            return
        time.sleep(2)


def targets_and_baselines_create(residents: int) -> None:
    from divisions.models import Division
    from targets.models import PopulationBaseline, Target, TargetMetric

    codes = ["14", "1406", COUNTY, *Division.objects.filter(parent_id=COUNTY).values_list("code", flat=True)]
    for code in codes:
        share = 1.0 if len(code) <= 6 else 1 / (len(codes) - 3)
        Target.objects.update_or_create(
            division_id=code,
            year=2026,
            metric=TargetMetric.SUBSIDISED_NEWBORNS,
            defaults={"value": max(1, round(residents * 0.007 * share)), "source_document": "bench"},
        )
        Target.objects.update_or_create(
            division_id=code,
            year=2026,
            metric=TargetMetric.OVERALL_ENROLLMENT_RATE,
            defaults={"value": "0.9500", "source_document": "bench"},
        )
        PopulationBaseline.objects.update_or_create(
            division_id=code,
            year=2026,
            defaults={"registered_population": max(1, round(residents * share * 1.05)), "source_document": "bench"},
        )


def progress_measure() -> dict:
    from targets.models import ProgressJob, ProgressSnapshot
    from targets.services.progress import progress_job_run

    timings = []
    for _ in range(2):
        job = ProgressJob.objects.create(year=2026, as_of=AS_OF, levels_total=4)
        started = time.monotonic()
        job = progress_job_run(job_id=job.pk)
        timings.append(round(time.monotonic() - started, 2))
        assert job.status == "succeeded", job.error_message
    snapshots = ProgressSnapshot.objects.filter(year=2026, as_of=AS_OF).count()
    return {"first_seconds": timings[0], "second_seconds": timings[1], "snapshots": snapshots}


# --- 4. Latency of the window endpoints -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_start(port: int, workers: int | None = None) -> subprocess.Popen:
    """gunicorn on 127.0.0.1 with the production settings of config/gunicorn.py (workers, threads); `workers`, or
    GUNICORN_WORKERS and GUNICORN_THREADS in the environment, change them."""
    environment = os.environ | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback: no TLS proxy in front
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    if workers is not None:
        environment["GUNICORN_WORKERS"] = str(workers)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.py"), "config.wsgi"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("bench: gunicorn did not start")


def load_run(port: int, token: str, requests: list[tuple[str, str, bytes | None]], think: tuple[float, float]) -> dict:
    """CLIENTS clients, each with its own connection (kept alive where the server keeps it, opened again where it
    closes it), share a fixed list of requests. The clients are one event loop in this process, writing HTTP/1.1 by
    hand: threads of http.client cost the shared cores more per request than the server's own work, and wait for
    one another to read their answers, which the latency would count."""
    return asyncio.run(_load_run(port, token, requests, think))


async def _load_run(
    port: int, token: str, requests: list[tuple[str, str, bytes | None]], think: tuple[float, float]
) -> dict:
    latencies: list[float] = []
    failures: list[int] = []
    queue = list(reversed(requests))
    headers = (
        f"Host: 127.0.0.1\r\nAuthorization: Token {token}\r\nContent-Type: application/json\r\n"
        "Accept: application/json\r\n"
    )

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while queue:
            method, path, body = queue.pop()
            message = f"{method} {path} HTTP/1.1\r\n{headers}Content-Length: {len(body or b'')}\r\n\r\n".encode()
            started = time.perf_counter()
            for attempt in range(2):  # a kept connection the server closed meanwhile is opened again, once
                if connection is None:
                    connection = await asyncio.open_connection("127.0.0.1", port)
                reader, writer = connection
                try:
                    writer.write(message + (body or b""))
                    status, keep_alive, _ = await response_read(reader)
                    break
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    connection = None
                    if attempt:
                        raise
            elapsed = time.perf_counter() - started
            latencies.append(elapsed)
            if status != 200:
                failures.append(status)
            if not keep_alive:
                writer.close()
                connection = None
            if think[1]:
                await asyncio.sleep(rng.uniform(*think))
        if connection is not None:
            connection[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(client(seed) for seed in range(CLIENTS)))
    wall = time.perf_counter() - started
    if len(failures) == len(latencies):
        raise SystemExit(f"bench: every request failed, statuses {sorted(set(failures))}")
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "failures": len(failures),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(1000 * ordered[-1], 1),
        "throughput": round(len(ordered) / wall, 1),
    }


async def response_read(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """An HTTP/1.1 answer read to its end: its status, whether the server keeps the connection open, its body."""
    status_line = await reader.readuntil(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    length, keep_alive = None, True
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep_alive = False
    if length is None:
        return status, False, await reader.read()  # no length: the answer ends with the connection
    return status, keep_alive, await reader.readexactly(length)


def quote_payment_dates(token: str) -> list[str]:
    """The days of the 2026 collection calendar of the county on which a payment is accepted (asked in-process)."""
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    accepted = []
    for offset in range(0, 365, 3):
        day = (datetime.date(2025, 10, 1) + datetime.timedelta(days=offset)).isoformat()
        body = {"region": COUNTY, "insurance_year": 2026, "payment_date": day, "birth_date": "1980-05-01"}
        if client.post("/api/v1/policy/quote/", body, format="json").status_code == 200:
            accepted.append(day)
    if not accepted:
        raise SystemExit("bench: the quote endpoint accepts no payment date of 2026")
    return accepted


def window_requests(ids: list[str], token: str, count: int) -> dict[str, list[tuple[str, str, bytes | None]]]:
    """The requests of the latency measure: `count` searches by a full ID number of `ids` and `count` quotes varying
    birth date, payment date and enrolled years."""
    rng = random.Random(7)
    searches = [
        ("GET", "/api/v1/residents/?" + urllib.parse.urlencode({"search": rng.choice(ids)}), None) for _ in range(count)
    ]
    payment_dates = quote_payment_dates(token)
    quotes = []
    for _ in range(count):
        born = datetime.date(rng.randrange(1935, 2025), rng.randrange(1, 13), rng.randrange(1, 29))
        body = {
            "region": COUNTY,
            "insurance_year": 2026,
            "payment_date": rng.choice(payment_dates),
            "birth_date": born.isoformat(),
            "enrolled_years": sorted(rng.sample(range(2016, 2026), rng.randrange(0, 10))),
        }
        quotes.append(("POST", "/api/v1/policy/quote/", json.dumps(body).encode()))
    return {"search": searches, "quote": quotes}


def window_profile(requests: dict[str, list[tuple[str, str, bytes | None]]], token: str, work: Path) -> dict:
    """bench/window_profile.py in a process of its own: the phases of one request at a time."""
    path = work / "window-requests.json"
    path.write_text(
        json.dumps(
            {name: [[method, url, body.decode() if body else None] for method, url, body in rows[:1000]]
             for name, rows in requests.items()}
        ),
        encoding="utf-8",
    )  # fmt: skip
    return measure_in_subprocess("window_profile", str(path), token, script=str(ROOT / "bench" / "window_profile.py"))


def latency_measure(csv_path: Path, scale: float) -> dict:
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    token = Token.objects.get_or_create(user=User.objects.get(username="bench-clerk"))[0].key
    rng = random.Random(7)
    ids = []
    with csv_path.open(encoding="utf-8-sig") as source:
        for number, row in enumerate(csv.reader(source)):
            if number and rng.random() < 0.01:
                ids.append(row[0])
            if len(ids) >= 5000:
                break
    count = max(400, round(4000 * min(1.0, scale * 10)))
    return window_latency(window_requests(ids, token, count), token, csv_path.parent)


def window_latency(requests: dict[str, list[tuple[str, str, bytes | None]]], token: str, work: Path) -> dict:
    searches, quotes = requests["search"], requests["quote"]
    profile = window_profile(requests, token, work)
    from config import gunicorn as served

    port = free_port()
    server = server_start(port)
    try:
        load_run(port, token, searches[:200] + quotes[:200], (0, 0))  # warm-up: connections, caches, imports
        results = {
            "workers": served.workers,
            "threads": served.threads,
            "requests_each": len(searches),
            "profile": profile,
        }
        for name, endpoint_requests in requests.items():
            results[f"{name}_closed"] = load_run(port, token, endpoint_requests, (0, 0))
            paced = endpoint_requests[: max(200, len(endpoint_requests) // 4)]
            results[f"{name}_paced"] = load_run(port, token, paced, (0.5, 1.5))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


# --- The report ---------------------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    settings = dict(
        sql(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit', 'fsync', "
            "'max_parallel_workers_per_gather', 'random_page_cost')"
        )
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "postgresql": sql("SHOW server_version")[0][0],
        "pg_settings": settings,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def rate(result: dict) -> float:
    return result["rows"] / result["seconds"] if result["seconds"] else 0.0


def server_description(latency: dict) -> str:
    if latency.get("threads", 1) > 1:
        return f"{latency['workers']} processes of {latency['threads']} threads"
    return f"{latency['workers']} sync workers"


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def import_goals(results: dict) -> list[tuple[str, str, bool]]:
    """The import's goals, each (goal, what this run measured, met), as ratios to baselines measured in the run."""
    ie, own, again, indexed, large = (
        results["import_export"], results["own_path"], results["own_path_again"], results["copy_indexed"],
        results["own_path_large"],
    )  # fmt: skip
    ie_seconds = own["rows"] / rate(ie)  # django-import-export's time for the whole file, at its measured rate
    vs_copy = own["seconds"] / indexed["seconds"]
    vs_ie = ie_seconds / own["seconds"]
    staged = results["own_path_checked"]["staged_seconds"]
    vs_staged = again["seconds"] / staged
    goals = [
        (
            "first import at most 2× the bare COPY into a table with the registry's indexes and foreign keys",
            f"{vs_copy:.2f}× ({seconds(own['seconds'])} vs {seconds(indexed['seconds'])})",
            vs_copy <= 2,
        ),
        (
            "first import at least 10× as fast as django-import-export",
            f"{vs_ie:.1f}× ({seconds(own['seconds'])} vs {seconds(ie_seconds)})",
            vs_ie >= 10,
        ),
        (
            "the same file again at most 1.5× its own read-and-stage phase",
            f"{vs_staged:.2f}× ({seconds(again['seconds'])} vs {seconds(staged)} read and staged when checked only)",
            vs_staged <= 1.5,
        ),
    ]
    for name, key in (("importing process", "peak_rss_mb"), ("reading process", "children_peak_rss_mb")):
        grown = large[key] / own[key]
        goals.append(
            (
                f"memory flat as the file grows: the {name}'s peak at {large['rows']:,} rows within "
                f"{MEMORY_MARGIN - 1:.0%} of its peak at {own['rows']:,}",
                f"{own[key]:.0f} MB → {large[key]:.0f} MB ({grown:.2f}×)",
                grown <= MEMORY_MARGIN,
            )
        )
    return goals


def report_write(results: dict) -> str:
    m, scale = results["machine"], results["scale"]
    ie, own, again, floor, indexed, indexes_only = (
        results["import_export"], results["own_path"], results["own_path_again"], results["bare_copy"],
        results["copy_indexed"], results["copy_indexes_only"],
    )  # fmt: skip
    enrollments, progress, latency = results["enrollments"], results["progress"], results["latency"]
    newborn_share = enrollments["programme_newborns_2026"] / max(1, enrollments["enrollments_2026"])
    large, checked = results["own_path_large"], results["own_path_checked"]
    ie_note = (
        f"measured on the first {ie['rows']:,} rows of the same file and **not** run on all {own['rows']:,}: "
        f"at the measured rate the full file would take about {own['rows'] / rate(ie) / 60:.0f} min, "
        f"so its time for {own['rows']:,} rows is an extrapolation ({own['rows'] / rate(ie):.0f} s)"
        if ie["rows"] < own["rows"]
        else "measured on the whole file"
    )
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (bench/run.py) on {results['date']}, **BENCH_SCALE={scale}** "
        f"({own['rows']:,} residents, {enrollments['rows']:,} enrollments). Every number below was measured in that "
        "run; what is extrapolated says so.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU | {m['cpu']}, {m['cores']} cores (nproc) |",
        f"| memory | {m['memory_gb']} GB |",
        f"| PostgreSQL | {m['postgresql']}, over TCP on 127.0.0.1; "
        + ", ".join(f"{key}={value}" for key, value in sorted(m["pg_settings"].items()))
        + " |",
        f"| Python | {m['python']}, Linux {m['kernel']} |",
        f"| total run time | {results['total_minutes']:.1f} min |",
        "",
        f"## Importing {own['rows']:,} residents",
        "",
        "A UTF-8 CSV in the registry template's layout (身份证号, 姓名, 户籍地代码, 联系电话, 居住地代码) of synthetic "
        "residents of 山阴县: valid GB 11643 ID numbers, real village codes of the county. Each method runs in its own "
        "process; peak memory is that process's peak resident set (VmHWM of /proc/self/status), the process "
        "after `django.setup()` being the baseline. The database server's own memory is not included. The "
        "registry table is emptied before (a) and (b).",
        "",
        "| method | rows | time | rows/s | peak RSS | RSS after setup |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| (a) django-import-export 4.4 tuned: use_bulk, skip_diff, force_init_instance, batch_size=1000 "
        f"| {ie['rows']:,} | {seconds(ie['seconds'])} | {rate(ie):,.0f} | {ie['peak_rss_mb']:.0f} MB | "
        f"{ie['baseline_rss_mb']:.0f} MB |",
        f"| (b) the project's path, first load (bulk_import_run) | {own['rows']:,} | {seconds(own['seconds'])} | "
        f"{rate(own):,.0f} | {own['peak_rss_mb']:.0f} MB (reading process {own['children_peak_rss_mb']:.0f} MB) | "
        f"{own['baseline_rss_mb']:.0f} MB |",
        f"| (b) the project's path, the same file again (nothing changes) | {again['rows']:,} | "
        f"{seconds(again['seconds'])} | {rate(again):,.0f} | {again['peak_rss_mb']:.0f} MB (reading process "
        f"{again['children_peak_rss_mb']:.0f} MB) | {again['baseline_rss_mb']:.0f} MB |",
        f"| (b) the project's path, the same file checked only (待确认: read, staged and checked; nothing written) | "
        f"{checked['rows']:,} | {seconds(checked['seconds'])} | {rate(checked):,.0f} | "
        f"{checked['peak_rss_mb']:.0f} MB (reading process {checked['children_peak_rss_mb']:.0f} MB) | "
        f"{checked['baseline_rss_mb']:.0f} MB |",
        f"| (b) the project's path, first load of a file {LARGE_FILE_TIMES} times as large (for its memory) | "
        f"{large['rows']:,} | {seconds(large['seconds'])} | {rate(large):,.0f} | {large['peak_rss_mb']:.0f} MB "
        f"(reading process {large['children_peak_rss_mb']:.0f} MB) | {large['baseline_rss_mb']:.0f} MB |",
        f"| (c) bare COPY of the file into an unindexed table (the floor) | {floor['rows']:,} | "
        f"{seconds(floor['seconds'])} | {rate(floor):,.0f} | {floor['peak_rss_mb']:.0f} MB | "
        f"{floor['baseline_rss_mb']:.0f} MB |",
        f"| for reference: the same COPY into a table with the registry's {indexed['indexes']} secondary indexes and "
        f"{indexed['foreign_keys']} foreign keys on those columns | {indexed['rows']:,} | "
        f"{seconds(indexed['seconds'])} | {rate(indexed):,.0f} | "
        f"{indexed['peak_rss_mb']:.0f} MB | "
        f"{indexed['baseline_rss_mb']:.0f} MB |",
        f"| for reference: the same COPY with the {indexes_only['indexes']} indexes but no foreign keys | "
        f"{indexes_only['rows']:,} | {seconds(indexes_only['seconds'])} | {rate(indexes_only):,.0f} | "
        f"{indexes_only['peak_rss_mb']:.0f} MB | {indexes_only['baseline_rss_mb']:.0f} MB |",
        "",
        f"(a) was {ie_note}. It checks nothing (no GB 11643 check digit, no division scope, no duplicate check) and "
        "writes no history rows; (b) does all of that, writes one HistoricalResident row per person created or "
        "changed, and refuses the whole file on any bad row. (b) reads and checks the file in a second process "
        "(its peak memory is shown beside the importing process's). A file only checked is staged by the first "
        "process as the second sends it; a confirmed file is loaded as it is read, block by block in one "
        "transaction, and checked as a whole at the end (any refusal rolls it all back and the file is checked in "
        "full).",
        "",
        f"Phases of (b), first load: {own['phases'] or 'n/a'}.  ",
        f"Phases of (b), again: {again['phases'] or 'n/a'}.  ",
        f"Phases of (b), checked only: {checked['phases'] or 'n/a'}.  ",
        f"Phases of (b), the larger file: {large['phases'] or 'n/a'}.",
        "",
        "| goal | measured | |",
        "| --- | --- | --- |",
        *(f"| {goal} | {measured} | {verdict(met)} |" for goal, measured, met in import_goals(results)),
        "",
        "Every bulk path's memory measured here is the resident registry's (the importing process and its reading "
        "process); the other kinds of file share its reading and staging, and the inbound feeds are measured at "
        "100,000 records by bench/exchange_feed.py.",
        "",
        f"## The quarterly progress job over {enrollments['rows']:,} enrollments",
        "",
        f"Enrollments generated in SQL (INSERT … SELECT over generate_series, {enrollments['generate_seconds']:.0f} s, "
        f"then VACUUM ANALYZE {enrollments['vacuum_analyze_seconds']:.0f} s): each resident from 2016 (or the birth "
        f"year) to 2026, {enrollments['rows'] / max(1, enrollments['person_years']):.0%} of person-years enrolled, "
        "0.8% refunded, 6% 特困 and 6% 低保 subsidised; "
        f"{enrollments['programme_newborns_2026']:,} programme newborns of {enrollments['enrollments_2026']:,} "
        f"enrollments in 2026 ({newborn_share:.2%}). "
        f"`targets.services.progress.progress_job_run` for 2026 as of {AS_OF} (province, city, county, townships; "
        f"subsidised newborns and the overall enrollment rate): {progress['snapshots']} snapshots.",
        "",
        "| run | time | goal: under 10 s |",
        "| --- | ---: | --- |",
        f"| first | {seconds(progress['first_seconds'])} | {verdict(progress['first_seconds'] < 10)} |",
        f"| second (same date, nothing changed) | {seconds(progress['second_seconds'])} | "
        f"{verdict(progress['second_seconds'] < 10)} |",
        "",
        "## Window endpoints under 20 concurrent clients",
        "",
        f"gunicorn as production runs it (config/gunicorn.py: {server_description(latency)}) on 127.0.0.1, "
        "DJANGO_DEBUG=0, token auth as a window clerk of 山阴县. The 20 clients are one event loop in the "
        "benchmark's process on the same 2-core machine, each with its own connection, kept alive between its "
        "requests where the server keeps it (a sync worker closes it after each answer, and the client opens it "
        f"again). Closed loop: {latency['requests_each']:,} requests per endpoint, each client sending its next "
        "request as soon as the last is answered (the worst case: 20 requests always in flight). Paced: 20 clients "
        "each waiting 0.5–1.5 s between requests (clerks at work). Search is by a full ID number picked at random "
        "from the file; quotes vary birth date, payment date and enrolled years.",
        "",
        "| endpoint | load | requests | p50 | p95 | max | req/s | goal: p95 under 60 ms (closed loop: at 400 req/s "
        "or more) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, path in (("search", "GET /api/v1/residents/?search=<ID>"), ("quote", "POST /api/v1/policy/quote/")):
        for load in ("closed", "paced"):
            run = latency[f"{name}_{load}"]
            met = run["p95_ms"] < 60 and not run["failures"] and (load == "paced" or run["throughput"] >= 400)
            lines.append(
                f"| {path} | {'closed loop' if load == 'closed' else 'paced'} | {run['requests']:,} "
                f"({run['failures']} failed) | {run['p50_ms']:.0f} ms | {run['p95_ms']:.0f} ms "
                f"| {run['max_ms']:.0f} ms "
                f"| {run['throughput']:.0f} | {verdict(met)} |"
            )
    profile = latency["profile"]
    lines += [
        "",
        "### Where a request's milliseconds go",
        "",
        "Measured by bench/window_profile.py in a process of its own, before the load: "
        f"{profile['search']['requests']:,} searches and {profile['quote']['requests']:,} quotes of the lists above, "
        "one at a time, each through the whole Django stack (the WSGI handler as gunicorn calls it, every "
        "middleware, DRF) with the server's settings. A phase's time is its own (without the phases it calls) and "
        "includes the SQL it sends, whose share and count are shown beside it; the mean per request. A commit "
        "sent with a statement (autocommit) is in that statement's time.",
        "",
        "| endpoint | phase | ms per request | of which SQL | queries |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, path in (("search", "search"), ("quote", "quote")):
        for phase in profile[name]["phases"]:
            lines.append(
                f"| {path} | {phase['phase']} | {phase['ms']:.2f} | {phase['sql_ms']:.2f} | {phase['queries']:g} |"
            )
        total_queries = sum(phase["queries"] for phase in profile[name]["phases"])
        total_sql = sum(phase["sql_ms"] for phase in profile[name]["phases"])
        lines.append(
            f"| {path} | **the whole request** | **{profile[name]['total_ms']:.2f}** | {total_sql:.2f} | "
            f"{total_queries:g} |"
        )
    lines += ["", "Run again with `make bench` (BENCH_SCALE=0.01 for a quick check of the suite).", ""]
    return "\n".join(lines)


# --- The run ------------------------------------------------------------------------------------------------------


def main() -> None:
    started = time.monotonic()
    scale = float(os.environ.get("BENCH_SCALE") or 1.0)
    ie_limit = int(os.environ.get("BENCH_IE_ROWS") or 10**9)  # the whole file unless told
    work = Path(tempfile.mkdtemp(prefix="canbao-bench-"))
    os.environ["DJANGO_MEDIA_ROOT"] = str(work / "media")
    setup_django()
    from django.db import connection

    from accounts.models import Role
    from accounts.services import user_create
    from divisions.models import Division

    if connection.vendor != "postgresql":
        raise SystemExit("bench: DATABASE_URL must name a PostgreSQL database (make bench creates canbao_bench)")
    residents = max(100, round(FULL_RESIDENTS * scale))
    clerk = user_create(
        username="bench-clerk", password="bench-password-2026", role=Role.WINDOW_CLERK,
        division=Division.objects.get(code=COUNTY),
    )  # fmt: skip
    villages = list(Division.objects.filter(code__startswith=COUNTY, level="village").values_list("code", flat=True))
    csv_path = work / "山阴县户籍人口.csv"
    results: dict = {"scale": scale, "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}
    try:
        log(f"writing {residents:,} residents to {csv_path}")
        residents_csv_write(csv_path, residents, villages)
        ie_rows = min(residents, ie_limit)
        log(f"(a) django-import-export on {ie_rows:,} rows")
        registry_truncate()
        results["import_export"] = measure_in_subprocess("import_export", str(csv_path), str(ie_rows))
        log(f"    {results['import_export']}")
        registry_truncate()
        log("(b) the project's path, first load")
        results["own_path"] = measure_in_subprocess("own_path", str(csv_path))
        log(f"    {results['own_path']}")
        sql("CHECKPOINT")
        log("(b) the project's path, the same file again")
        results["own_path_again"] = measure_in_subprocess("own_path", str(csv_path))
        log(f"    {results['own_path_again']}")
        log("(b) the project's path, the same file checked only (its read-and-stage phase)")
        results["own_path_checked"] = measure_in_subprocess("own_path", str(csv_path), "check")
        log(f"    {results['own_path_checked']}")
        log("(c) bare COPY, unindexed and indexed")
        results["bare_copy"] = measure_in_subprocess("bare_copy", str(csv_path), "no")
        log(f"    {results['bare_copy']}")
        results["copy_indexed"] = measure_in_subprocess("bare_copy", str(csv_path), "yes")
        log(f"    {results['copy_indexed']}")
        results["copy_indexes_only"] = measure_in_subprocess("bare_copy", str(csv_path), "indexes")
        log(f"    {results['copy_indexes_only']}")
        log(f"generating about {round(FULL_ENROLLMENTS * scale):,} enrollments")
        results["enrollments"] = enrollments_generate(round(FULL_ENROLLMENTS * scale), clerk.pk)
        log(f"    {results['enrollments']}")
        targets_and_baselines_create(residents)
        database_settle()
        log("progress job")
        results["progress"] = progress_measure()
        log(f"    {results['progress']}")
        database_settle()
        log("latency of the window endpoints")
        results["latency"] = latency_measure(csv_path, scale)
        log(f"    {results['latency']}")
        large = residents * LARGE_FILE_TIMES
        large_path = work / "山阴县户籍人口-大.csv"
        log(f"(b) the project's path on a file {LARGE_FILE_TIMES} times as large ({large:,} residents), for its memory")
        residents_csv_write(large_path, large, villages)
        registry_truncate()
        results["own_path_large"] = measure_in_subprocess("own_path", str(large_path))
        large_path.unlink()
        log(f"    {results['own_path_large']}")
        results["machine"] = machine()
        results["total_minutes"] = (time.monotonic() - started) / 60
        benchmarks_write(report_write(results))
        (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        log(f"BENCHMARKS.md written ({results['total_minutes']:.1f} min)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "measure":
        measure(sys.argv[2], sys.argv[3:])
    else:
        main()
