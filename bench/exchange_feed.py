"""The inbound feeds' nightly files through the bulk path: 100,000 records of every feed kind.

    DATABASE_URL=sqlite:////tmp/exchange_bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/exchange_bench.sqlite3 python bench/exchange_feed.py

EXCHANGE_BENCH_RECORDS (default 100,000) records of each kind, one CSV file per kind in the layout of the feeds'
templates. Set-up (not timed): the county's residents loaded through the registry import (one per record),
and EXCHANGE_BENCH_BIRTHS newborns registered without an ID number (default 200), whose registrations the file
carries; its other registrations name no birth of the county and wait for a clerk. Timed: each file run by the
bulk import (bulk_import_run: read, staged, checked, then every record through exchange.services.feed_receive),
then the death file again (every record already applied: unchanged). The school rolls, maternity reimbursements,
employee lists and moves name the same residents; the deaths come last. Prints records/s and writes the section of
BENCHMARKS.md between its markers.
"""

import csv
import datetime
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COUNTY = "140621"
RECORDS = int(os.environ.get("EXCHANGE_BENCH_RECORDS", "100000"))
BIRTHS = int(os.environ.get("EXCHANGE_BENCH_BIRTHS", "200"))
GOAL_SECONDS = 90  # per file of 100,000 records: "well under 2 minutes"
SECTION_START, SECTION_END = "<!-- exchange feeds -->", "<!-- /exchange feeds -->"
REGISTRATION_HEADER = [
    "身份证号",
    "姓名",
    "性别",
    "出生日期",
    "出生医学证明编号",
    "母亲身份证号",
    "落户日期",
    "户籍地代码",
]


def setup() -> None:
    from bench.run import setup_django

    setup_django()


def job_run(*, actor, kind: str, path: Path):
    """The file as a job confirmed at once, checked and loaded in one run; returns (seconds, job)."""
    from django.core.files import File
    from django.utils import timezone

    from bulk.models import BulkImportJob
    from bulk.services import bulk_import_run
    from divisions.models import Division

    job = BulkImportJob(
        kind=kind,
        county=Division.objects.get(code=COUNTY),
        file_name=path.name,
        requested_by=actor,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    with path.open("rb") as source:
        job.file.save(path.name, File(source), save=True)
    started = time.monotonic()
    job = bulk_import_run(job_id=job.pk)
    seconds = time.monotonic() - started
    if job.status != "succeeded":
        raise SystemExit(f"{kind}: job {job.pk} {job.status} {job.error_message}")
    return seconds, job


def run_file(*, actor, kind: str, path: Path):
    """A feed file through the bulk path; returns (seconds, the feed batch it made)."""
    from exchange.models import FeedBatch

    seconds, job = job_run(actor=actor, kind=kind, path=path)
    return seconds, FeedBatch.objects.get(bulk_import_job=job)


def world_build(work: Path, count: int):
    """The clerk, the residents the deaths name, and the newborns awaiting their ID number."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from bench.run import residents_csv_write
    from divisions.models import Division
    from enrollment.models import Resident
    from newborns.services import newborn_register

    clerk = User.objects.filter(username="bench-exchange").first() or user_create(
        username="bench-exchange",
        password="bench-exchange-2026",
        role=Role.WINDOW_CLERK,
        division=Division.objects.get(code=COUNTY),
    )
    villages = list(
        Division.objects.filter(code__startswith=COUNTY, level="village")
        .order_by("code")
        .values_list("code", flat=True)
    )
    if Resident.objects.count() < count:
        residents = work / "户籍人口.csv"
        residents_csv_write(residents, count, villages)
        seconds, _ = job_run(actor=clerk, kind="resident_registry", path=residents)
        print(f"set-up: {count:,} residents loaded in {seconds:.1f} s", flush=True)
    mothers = list(Resident.objects.filter(birth_date__year__range=(1985, 2000)).order_by("id")[:BIRTHS])
    births = []
    for number, mother in enumerate(mothers):
        record, _ = newborn_register(
            actor=clerk,
            birth_certificate_no=f"B{number:09d}",
            name=f"{mother.name[0]}小{number % 10}",
            gender="F",
            birth_date=datetime.date(2026, 3, 1) + datetime.timedelta(days=number % 200),
            mother_id_number=mother.id_number,
            division=Division.objects.get(code=villages[number % len(villages)]),
            registration_date=datetime.date(2026, 11, 1),
        )
        births.append(record)
    print(f"set-up: {len(births):,} newborns awaiting their ID number", flush=True)
    return clerk, villages, births


def csv_write(path: Path, header: list[str], rows) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def files_write(work: Path, count: int, villages: list[str], births) -> dict[str, Path]:
    from enrollment.models import Resident
    from enrollment.rules import id_number_compose

    rng = random.Random(20261204)
    registrations = work / "公安户籍落户.csv"
    used = set(Resident.objects.values_list("id_number", flat=True))
    with registrations.open("w", encoding="utf-8-sig", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(REGISTRATION_HEADER)
        for number in range(count):
            if number < len(births):
                birth = births[number]
                born, certificate, mother = birth.birth_date, birth.birth_certificate_no, birth.mother_id_number
            else:  # a registration of someone the county registered no birth for: waits for a clerk
                born = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))
                certificate, mother = f"X{number:09d}", ""
            while True:
                id_number = id_number_compose(address_code=COUNTY, birth_date=born, sequence=rng.randrange(500) * 2)
                if id_number not in used:
                    used.add(id_number)
                    break
            writer.writerow(
                [id_number, "新生儿", "女", born.isoformat(), certificate, mother, "2026-11-20", rng.choice(villages)]
            )
    people = list(
        Resident.objects.filter(id_number_is_placeholder=False).order_by("id").values_list("id_number", "name")[:count]
    )
    school_types = ("高等院校", "技工院校", "中小学")
    return {
        "household-registrations": registrations,
        "school-rolls": csv_write(
            work / "学籍.csv",
            ["身份证号", "姓名", "学校名称", "学校所在地代码", "入学日期", "是否新生", "学校类别"],
            (
                [id_number, name, "山阴县职业技术学校", COUNTY, "2026-09-01", "是", school_types[number % 3]]
                for number, (id_number, name) in enumerate(people)
            ),
        ),
        "maternity": csv_write(
            work / "生育保险报销.csv",
            ["母亲身份证号", "母亲姓名", "联系电话", "婴儿出生日期", "出生医学证明编号", "报销日期"],
            (
                [id_number, name, f"138{number:08d}", "2026-10-08", f"M{number:09d}", "2026-11-15"]
                for number, (id_number, name) in enumerate(people)
            ),
        ),
        "employee-insured": csv_write(
            work / "职工医保参保名单.csv",
            ["身份证号", "姓名", "职工医保参保年度"],
            ([id_number, name, "2025"] for id_number, name in people),
        ),
        "employee-stopped": csv_write(
            work / "职工医保停保名单.csv",
            ["身份证号", "姓名", "职工医保参保年度", "停保日期"],
            ([id_number, name, "2025", "2025-12-31"] for id_number, name in people),
        ),
        "moves": csv_write(
            work / "迁出.csv",
            ["身份证号", "姓名", "迁出日期", "迁往地"],
            ([id_number, name, "2026-11-20", "北京市朝阳区"] for id_number, name in people),
        ),
        "deaths": csv_write(
            work / "死亡注销.csv",
            ["身份证号", "姓名", "日期", "类型"],
            ([id_number, name, "2026-11-30", "死亡" if rng.random() < 0.9 else "注销"] for id_number, name in people),
        ),
    }


def machine() -> str:
    from django.db import connection

    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    database = connection.vendor
    if database == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (file)"
    return f"{cpu}, {os.cpu_count()} cores; {database}; Python {platform.python_version()}"


def main() -> None:
    setup()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        from django.conf import settings

        settings.MEDIA_ROOT = work / "media"
        clerk, villages, births = world_build(work, RECORDS)
        files = files_write(work, RECORDS, villages, births)
        runs = []
        for label, kind in [(kind, kind) for kind in files] + [("deaths, the same file again", "deaths")]:
            seconds, batch = run_file(actor=clerk, kind=kind, path=files[kind])
            runs.append((label, seconds, batch))
            print(
                f"{label}: {batch.records_total:,} records in {seconds:.1f} s "
                f"({batch.records_total / seconds:,.0f} records/s): applied {batch.applied_count:,}, "
                f"unchanged {batch.unchanged_count:,}, queued {batch.queued_count:,}, "
                f"rejected {batch.rejected_count:,}",
                flush=True,
            )
    report_write(runs)


def report_write(runs) -> None:
    from django.utils import timezone

    rows = "\n".join(
        f"| {label} | {batch.records_total:,} | {seconds:.1f} s | {batch.records_total / seconds:,.0f} | "
        f"{batch.applied_count:,} | {batch.unchanged_count:,} | {batch.queued_count:,} | {batch.rejected_count:,} | "
        f"{'met' if seconds < GOAL_SECONDS else '**not met**'} |"
        for label, seconds, batch in runs
    )
    slowest_label, slowest_seconds, _ = max(runs, key=lambda run: run[1])
    section = f"""{SECTION_START}
## Inbound feeds: 100,000 records of each kind through the bulk path

Written by `bench/exchange_feed.py` on {timezone.localtime():%Y-%m-%d %H:%M} CST ({machine()}). One CSV file per feed
kind in its template layout, run by the bulk import (read, staged, checked, then every record checked by its feed's
serializer and applied in chunks of 2,000 through `exchange.services.feed_receive`). The household registrations
name {BIRTHS} newborns awaiting their ID number (completed through `newborn_identity_complete`, R7.5); the others name
no birth of the county and wait for a clerk. The school rolls, maternity reimbursements, employee lists, moves and
deaths (90 % deaths, 10 % cancellations) name the county's residents, in that order (the employee lists with the year
2025: residents born later are refused, 职工医保参保年度早于出生年份); the death file again changes nothing.
Goal: each file of 100,000 records well under 2 minutes ({GOAL_SECONDS} s).

| file | records | time | records/s | applied | unchanged | queued | rejected | goal |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
{rows}

Slowest: {slowest_label}, {slowest_seconds:.1f} s. Load average of the machine at the end of the run:
{os.getloadavg()[0]:.1f}. No query is made per record (each feed's tests bound the queries of a chunk); the records
are written by one `executemany` of plain values per chunk.
{SECTION_END}"""
    from bench.run import benchmarks_section_write

    benchmarks_section_write(section, start=SECTION_START, end=SECTION_END)


if __name__ == "__main__":
    main()
