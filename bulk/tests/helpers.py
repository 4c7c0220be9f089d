"""Files for the bulk import tests: registry and enrollment-history rows as CSV (UTF-8 or GBK) or xlsx."""

import csv
import datetime
import io
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from bulk.models import BulkImportJob
from bulk.services import bulk_import_create
from core.models import JobStatus
from divisions.models import Division
from enrollment.rules import id_number_compose
from tests.factories import xlsx_bytes

SHANYIN = "140621"
RESIDENT_HEADER = ["身份证号", "姓名", "户籍地代码", "联系电话", "居住地代码"]
ENROLLMENT_HEADER = [
    "身份证号",
    "保险年度",
    "缴费日期",
    "个人缴费",
    "资助金额",
    "资助类别",
    "待遇开始",
    "待遇截止",
    "状态",
]
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN_NAMES = ["秀英", "建国", "桂兰", "志强", "玉梅", "海燕", "永红", "德胜", "淑珍", "晓东"]


def shanyin_villages() -> list[str]:
    return list(
        Division.objects.filter(code__startswith=SHANYIN, level="village")
        .order_by("code")
        .values_list("code", flat=True)
    )


def resident_row(number: int, villages: list[str]) -> list[str]:
    """The number-th synthetic person of 山阴县: a valid ID, a Chinese name, a village of the county."""
    birth_date = datetime.date(1950, 1, 1) + datetime.timedelta(days=number * 397)
    id_number = id_number_compose(address_code=SHANYIN, birth_date=birth_date, sequence=100 + number)
    name = SURNAMES[number % 10] + GIVEN_NAMES[(number // 10) % 10]
    phone = f"1390350{number:04d}" if number % 3 else ""
    return [id_number, name, villages[number % len(villages)], phone, ""]


def resident_rows(count: int) -> list[list[str]]:
    villages = shanyin_villages()
    return [RESIDENT_HEADER, *(resident_row(number, villages) for number in range(1, count + 1))]


def csv_file(
    rows: Sequence[Sequence[object]], *, name: str = "户籍人口.csv", encoding: str = "utf-8-sig"
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows: Sequence[Sequence[object]], *, name: str = "户籍人口.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def run_import(
    capture, *, actor, upload, kind: str = "resident_registry", county: str = SHANYIN, confirm: bool = True
) -> BulkImportJob:
    """Upload through the service and run the queued task eagerly, as the worker would once the row is committed:
    confirmed at the upload, checked and written in one run; with `confirm=False`, checked only (待确认)."""
    with capture(execute=True):
        job = bulk_import_create(
            actor=actor, kind=kind, county=Division.objects.get(code=county), uploaded_file=upload, confirm=confirm
        )
    job.refresh_from_db()
    return job


def report_rows(job: BulkImportJob) -> list[list[object]]:
    with job.error_file.open("rb") as stored:
        sheet = load_workbook(io.BytesIO(stored.read())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def job_loading(clerk, *, heartbeat_at: datetime.datetime, people: int, county: str = SHANYIN) -> BulkImportJob:
    """A registry import of `people` people, confirmed at its upload, that a worker was writing when it was last heard
    of, at `heartbeat_at` (not queued again here)."""
    job = BulkImportJob(
        kind="resident_registry",
        county=Division.objects.get(code=county),
        file_name="户籍人口.csv",
        requested_by=clerk,
        confirmed_by=clerk,
        confirmed_at=heartbeat_at,
        status=JobStatus.LOADING,
        started_at=heartbeat_at,
        heartbeat_at=heartbeat_at,
        rows_total=people,
        rows_done=people,
        rows_valid=people,
    )
    job.file.save("户籍人口.csv", csv_file(resident_rows(people)), save=False)
    job.save()
    return job
