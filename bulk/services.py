"""Bulk imports of county files: the registry (一人一档) and enrollment history, 300,000 rows and more.

django-import-export stays for small files in the admin; it loads row by row through the ORM at about 2,000 rows/s.
This path streams the file once, checks every row in Python (the kind's row check), and stages every row in a
TEMP table by COPY (PostgreSQL) or executemany (SQLite); the checks that need the whole file or the database run as
set-based SQL on the stage. A file with any bad row is refused: the registry is not touched, and the clerk gets the
report of the bad rows with their reasons. A clean file is then loaded from the stage in one transaction: on
PostgreSQL by set-based statements per kind, on SQLite by batched bulk_create. The file is read and its rows checked
in a second process (bulk.reading) while this one stages the blocks it sends, so both cores work. On PostgreSQL a
confirmed file of a kind whose rows load independently (BulkLoader.loads_in_blocks: the registry) is loaded while it
is read, each block checked and written as it comes, in one transaction that any refusal rolls back
(`_import_streamed`); the database then writes while the file is still being read. Memory stays flat:
rows go from the reader to the stage in blocks, and the report is read back from the stage through a server-side
cursor.

How each kind is checked and loaded, and how its history rows are written, is the owning app's loader, registered
with bulk.registry: enrollment.loaders (the registry and enrollment history), subsidies.loaders (a department's
identity list, whose columns and checks depend on the job's parameters, its department and list date:
BulkLoader.for_job) and
tax_payments.loaders (the tax bureau's payment records and their match to the enrollments).
"""

import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from accounts.models import User
from accounts.scope import user_can_see_division
from core.jobs import ProgressReporter, job_run, job_submit, job_update
from core.models import JobStatus
from core.tabular import FileUnreadable, header_find
from divisions.models import Division, DivisionLevel

from .models import BulkImportJob
from .reading import blocks_from_second_process
from .registry import LOADERS, BulkLoader
from .rules import (
    HEADER_SEARCH_ROWS,
    Column,
    HeaderMissing,
    header_missing_message,
    header_positions,
)
from .staging import OUTCOME_ERROR, OUTCOME_SKIP, Stage

logger = logging.getLogger(__name__)

ACCEPTED_EXTENSIONS = (".csv", ".xlsx")
# The kinds the apps registered (bulk.registry), by the value stored in BulkImportJob.kind.
KINDS = LOADERS


@transaction.atomic
def bulk_import_create(
    *,
    actor: User,
    kind: str,
    county: Division,
    uploaded_file: UploadedFile,
    confirm: bool = False,
    **parameters: Any,
) -> BulkImportJob:
    """Store the file under MEDIA_ROOT/bulk/ and queue its check once the job row is committed; the check stops at
    待确认 for the clerk to confirm (bulk_import_confirm). `confirm=True` is for a caller that is not a person at a
    page (the benchmark, a script): the job is confirmed by `actor` now, and checked and written in one run.

    `parameters` are the kind's own (an identity list's `department` and `list_date`), checked by its loader and
    kept on the job; a kind that has none ignores them."""
    from .tasks import bulk_import_run_task

    loader = KINDS.get(kind)
    if loader is None:
        raise ValidationError({"kind": "请选择导入内容。"})
    if county.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": "请选择区县。"})
    if not user_can_see_division(user=actor, division_code=county.code):
        raise ValidationError({"county": "只能导入本辖区区县的数据。"})
    file_name = os.path.basename(uploaded_file.name or "")
    if not file_name.lower().endswith(ACCEPTED_EXTENSIONS):
        raise ValidationError({"file": "只能导入 xlsx 或 csv 文件。"})
    kept: dict[str, Any] = {}
    if loader.parameters_check is not None:
        kept = loader.parameters_check(actor=actor, county=county, parameters=parameters)
    job = BulkImportJob(
        kind=kind,
        county=county,
        parameters=kept,
        file_name=file_name[:255],
        requested_by=actor,
        confirmed_by=actor if confirm else None,
        confirmed_at=timezone.now() if confirm else None,
    )
    job.file.save(file_name, uploaded_file, save=False)
    job.full_clean()
    job.save()
    job_submit(task=bulk_import_run_task, job_id=job.pk)
    return job


CONFIRM_OUT_OF_SCOPE = "只能确认本辖区区县的导入任务。"
DISCARD_OUT_OF_SCOPE = "只能放弃本辖区区县的导入任务。"
ALREADY_CONFIRMED = "该导入任务已确认，不能重复确认。"
NOT_AWAITING_CONFIRMATION = "该导入任务不在待确认状态。"
CHECK_CHANGED = (
    "确认后重新校验的结果与确认前显示的不同（其间数据库中的记录有变化），未写入任何数据；请核对新的校验结果后重新确认。"
)


def _job_awaiting_confirmation(*, actor: User, job_id: int, out_of_scope: str) -> BulkImportJob:
    """The job, locked, when `actor` may decide on it and it waits for that decision; else a Chinese refusal."""
    job = BulkImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or not user_can_see_division(user=actor, division_code=job.county_id):
        raise ValidationError(out_of_scope)
    if job.confirmed_at is not None:
        raise ValidationError(ALREADY_CONFIRMED)
    if not job.awaiting_confirmation:
        raise ValidationError(NOT_AWAITING_CONFIRMATION)
    return job


@transaction.atomic
def bulk_import_confirm(*, actor: User, job_id: int) -> BulkImportJob:
    """Queue the write of a checked job (待确认), once: the worker reads the file again, checks it against the
    database as it is then, and writes its good rows in one transaction only if the check finds what the clerk was
    shown; otherwise the job waits again with the new result. The kind's own checks of the upload (the right to
    import it, an identity list's order) are made again, as at the upload."""
    from .tasks import bulk_import_run_task

    job = _job_awaiting_confirmation(actor=actor, job_id=job_id, out_of_scope=CONFIRM_OUT_OF_SCOPE)
    loader = KINDS[job.kind]
    if loader.parameters_check is not None:
        loader.parameters_check(actor=actor, county=job.county, parameters=job.parameters)
    job_update(job=job, status=JobStatus.QUEUED, confirmed_by=actor, confirmed_at=timezone.now(), error_message="")
    job_submit(task=bulk_import_run_task, job_id=job.pk)
    return job


@transaction.atomic
def bulk_import_discard(*, actor: User, job_id: int) -> BulkImportJob:
    """Give up a checked job (待确认): nothing of its file is written, and it can no longer be confirmed."""
    job = _job_awaiting_confirmation(actor=actor, job_id=job_id, out_of_scope=DISCARD_OUT_OF_SCOPE)
    job_update(job=job, status=JobStatus.DISCARDED, finished_at=timezone.now())
    return job


@transaction.atomic
def bulk_import_retry(*, actor: User, job_id: int) -> BulkImportJob:
    """Queue again a job whose worker is gone (已中断). It starts again from the file: the load is one transaction,
    so the lost worker left nothing behind, and the next run takes over its lock."""
    from .tasks import bulk_import_run_task

    job = BulkImportJob.objects.select_for_update().get(pk=job_id)
    if not user_can_see_division(user=actor, division_code=job.county_id):
        raise ValidationError("只能重试本辖区区县的导入任务。")
    if not job.interrupted:
        raise ValidationError("该导入任务没有中断，无需重试。")
    job_update(job=job, status=JobStatus.QUEUED, error_message="")
    job_submit(task=bulk_import_run_task, job_id=job.pk)
    return job


def bulk_import_run(*, job_id: int) -> BulkImportJob:
    """Check the job's file; a file with a bad row is refused. A job not yet confirmed then waits (待确认) with its
    counts and report; a confirmed one is loaded when every row is good and, if it was checked before its
    confirmation, the check finds what the clerk confirmed. Running it again for a finished or checked job changes
    nothing; a job left half-way by a lost worker starts again from the file (the load is one transaction, so it
    left nothing behind)."""
    return job_run(job_model=BulkImportJob, job_id=job_id, work=_import_work, select_related=("county", "requested_by"))


# What a run sets again when it starts reading the file, so that it does not show the counts of the run before.
RUN_START_VALUES: dict[str, object] = {
    "rows_total": 0,
    "rows_done": 0,
    "rows_valid": 0,
    "rows_created": 0,
    "rows_updated": 0,
    "rows_skipped": 0,
    "error_count": 0,
    "error_file": "",
}


def _checked_counts(job: BulkImportJob) -> tuple[int, int, int, int]:
    """What a check showed: rows read, rows to write, rows skipped, rows refused."""
    return job.rows_total, job.rows_valid, job.rows_skipped, job.error_count


def _import_work(job: BulkImportJob, progress: ProgressReporter) -> None:
    spec = KINDS[job.kind]
    # the counts the clerk confirmed, read before this run sets them again
    confirmed_counts = _checked_counts(job) if job.checked_at is not None else None
    job_update(job=job, **RUN_START_VALUES)
    stage = Stage(job_id=job.pk, columns=spec.stage_columns)
    try:
        stage.create()
        try:
            _import(job, spec, stage, progress, confirmed_counts)
        finally:
            stage.drop()
    except (FileUnreadable, HeaderMissing) as error:
        _refuse(job, message=str(error))
    except ValidationError as error:
        _refuse(job, message="".join(error.messages))


def _refuse(job: BulkImportJob, *, message: str = "") -> None:
    job_update(job=job, status=JobStatus.REFUSED, error_message=message, finished_at=timezone.now())


def _import(
    job: BulkImportJob,
    spec: BulkLoader,
    stage: Stage,
    progress: ProgressReporter,
    confirmed_counts: tuple[int, int, int, int] | None,
) -> None:
    started = time.monotonic()
    if spec.for_job is not None:
        spec = spec.for_job(spec, job)
    if _streamed_load_applies(job, spec) and _import_streamed(job, spec, stage, progress, confirmed_counts):
        return
    with job.file.open("rb") as stored:
        stream = getattr(stored, "file", stored)
        rows_read = _stage_file(job, spec, stage, stream, progress)
    staged = time.monotonic()
    stage.analyze()
    with transaction.atomic():
        _work_memory()
        spec.checks(stage, county_code=job.county_id)
    counts = stage.outcome_counts()
    errors, skipped, valid = counts.get(OUTCOME_ERROR, 0), counts.get(OUTCOME_SKIP, 0), counts.get(None, 0)
    checked = time.monotonic()
    job_update(
        job=job, rows_total=rows_read, rows_done=rows_read, rows_valid=valid, error_count=errors, rows_skipped=skipped
    )
    if errors or skipped:
        _report_save(job, spec, stage)
    if rows_read == 0:
        _refuse(job, message="文件中没有数据行。")
        return
    if errors:
        _refuse(job)
        logger.info("bulk import #%s refused: %s of %s rows bad", job.pk, errors, rows_read)
        return
    if job.confirmed_at is None:
        job_update(job=job, status=JobStatus.CHECKED, checked_at=timezone.now())
        logger.info(
            "bulk import #%s (%s, %s rows): read and staged %.2f s, checked %.2f s, waiting for confirmation",
            job.pk,
            job.kind,
            rows_read,
            staged - started,
            checked - staged,
        )
        return
    if confirmed_counts is not None and confirmed_counts != _checked_counts(job):
        job_update(
            job=job,
            status=JobStatus.CHECKED,
            checked_at=timezone.now(),
            confirmed_by=None,
            confirmed_at=None,
            error_message=CHECK_CHANGED,
        )
        return
    job_update(job=job, status=JobStatus.LOADING)
    now = timezone.now()
    with transaction.atomic():
        _county_lock(job)
        _work_memory()
        created, updated = spec.load(stage, job, now)
        job_update(
            job=job,
            status=JobStatus.SUCCEEDED,
            rows_created=created,
            rows_updated=updated,
            finished_at=timezone.now(),
        )
    _statistics_refresh(spec, rows_written=created + updated)
    logger.info(
        "bulk import #%s (%s, %s rows): read and staged %.2f s, checked %.2f s, loaded %.2f s",
        job.pk,
        job.kind,
        rows_read,
        staged - started,
        checked - staged,
        time.monotonic() - checked,
    )


def _statistics_refresh(spec: BulkLoader, *, rows_written: int) -> None:
    """ANALYZE the kind's tables after a load of many rows (BulkLoader.analyzed_tables), once it is committed."""
    if connection.vendor != "postgresql" or rows_written < settings.BULK_ANALYZE_AFTER_ROWS:
        return
    with connection.cursor() as cursor:
        for table in spec.analyzed_tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _stage_file(
    job: BulkImportJob, spec: BulkLoader, stage: Stage, stream: BinaryIO, progress: ProgressReporter
) -> int:
    """Pass over the file: every data row checked (in a second process, bulk.reading) and written to the stage, a
    block at a time. Returns the number of data rows."""
    done = 0
    for encoded, count, fraction in _file_blocks(job, spec, stage, stream):
        stage.write_encoded(encoded)
        done += count
        progress.report(done=done, total=_total_estimate(done, fraction))
    return done


def _file_blocks(
    job: BulkImportJob, spec: BulkLoader, stage: Stage, stream: BinaryIO
) -> Iterator[tuple[Any, int, float]]:
    """The file's data rows checked by the kind's row check, in blocks encoded for `stage` (bulk.reading)."""
    return blocks_from_second_process(
        stream,
        file_name=job.file_name,
        stage=stage,
        columns=spec.columns,
        row_check=spec.row_check,
        context=spec.row_context(job.county),
        header_find=_header,
        block_order=spec.block_order,
    )


def _total_estimate(done: int, fraction_read: float) -> int:
    return int(done / fraction_read) if fraction_read else done


class _StreamedLoadAbandoned(Exception):
    """The file does not load as it is: the streamed load's transaction is rolled back and the file checked in full."""


def _streamed_load_applies(job: BulkImportJob, spec: BulkLoader) -> bool:
    return spec.loads_in_blocks and job.confirmed_at is not None and connection.vendor == "postgresql"


def _import_streamed(
    job: BulkImportJob,
    spec: BulkLoader,
    stage: Stage,
    progress: ProgressReporter,
    confirmed_counts: tuple[int, int, int, int] | None,
) -> bool:
    """Load a confirmed file while it is read: each block the reading process sends, its rows checked there, is
    staged and loaded at once, in one transaction under the county lock, so the database writes one block while the
    next is read and checked. The kind's set-based checks then run once on the whole stage: a row they refuse was
    left untouched by the load or made it fail (BulkLoader.loads_in_blocks). A bad row, a refused or skipped one, or
    counts other than those the clerk confirmed roll the whole transaction back: nothing is written, and False tells
    the caller to check the file in full, which refuses it with its report or asks for a new confirmation as before.
    True when the file is loaded.

    The job's row is not written inside the transaction (the heartbeat writes the same row): the count of rows read
    goes by the heartbeat (`report_by_heartbeat`)."""
    block = Stage(job_id=job.pk, columns=spec.stage_columns, role="block")
    block.create()
    job_update(job=job, status=JobStatus.LOADING)
    started = time.monotonic()
    now = timezone.now()
    rows_read = created = updated = 0
    try:
        with transaction.atomic(), job.file.open("rb") as stored:
            _county_lock(job)
            _work_memory()
            for encoded, count, fraction in _file_blocks(job, spec, stage, getattr(stored, "file", stored)):
                block.clear()
                block.write_encoded(encoded)
                stage.append_from(block)
                if not block.all_rows_good():  # a row the row check refused
                    raise _StreamedLoadAbandoned
                block_created, block_updated = spec.load(block, job, now)
                created, updated, rows_read = created + block_created, updated + block_updated, rows_read + count
                progress.report_by_heartbeat(
                    status=JobStatus.LOADING, done=rows_read, total=_total_estimate(rows_read, fraction)
                )
            stage.analyze()
            spec.checks(stage, county_code=job.county_id)
            if rows_read == 0 or not stage.all_rows_good():
                raise _StreamedLoadAbandoned
            if confirmed_counts is not None and confirmed_counts != (rows_read, rows_read, 0, 0):
                raise _StreamedLoadAbandoned
            job_update(
                job=job,
                status=JobStatus.SUCCEEDED,
                rows_total=rows_read,
                rows_done=rows_read,
                rows_valid=rows_read,
                rows_created=created,
                rows_updated=updated,
                finished_at=timezone.now(),
            )
    except (_StreamedLoadAbandoned, IntegrityError, ProgrammingError) as error:
        # IntegrityError: a new person twice in the file; a row written twice by one statement: twice in one block
        if isinstance(error, ProgrammingError) and not _one_row_written_twice(error):
            raise
        job_update(job=job, status=job.started_status, **RUN_START_VALUES)
        return False
    finally:
        block.drop()
    _statistics_refresh(spec, rows_written=created + updated)
    logger.info(
        "bulk import #%s (%s, %s rows): read, checked and loaded together %.2f s",
        job.pk,
        job.kind,
        rows_read,
        time.monotonic() - started,
    )
    return True


# PostgreSQL's "ON CONFLICT DO UPDATE command cannot affect row a second time" (cardinality_violation)
CARDINALITY_VIOLATION = "21000"


def _one_row_written_twice(error: ProgrammingError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == CARDINALITY_VIOLATION


def _header(rows: Iterator[tuple[int, Sequence[object]]], columns: Sequence[Column]) -> dict[str, int]:
    """The positions of our columns, from the first of the first rows that names them all."""
    positions = header_find(rows, match=lambda cells: header_positions(cells, columns), search_rows=HEADER_SEARCH_ROWS)
    if positions is None:
        raise HeaderMissing(header_missing_message(columns))
    return positions


REPORT_WIDTHS = {"身份证号": 22, "原因": 60}


def _text_cell(sheet: object, value: object) -> object:
    """What the file said, as text: a value typed as "=HYPERLINK(…)" must not become a formula in the report."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _report_save(job: BulkImportJob, spec: BulkLoader, stage: Stage) -> None:
    """The refused and skipped rows, in file order, as an xlsx written row by row (openpyxl write-only)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("问题行")
    headers = ["行号", *(column.name for column in spec.columns), "类型", "原因"]
    for number, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = REPORT_WIDTHS.get(header, 12)
    sheet.freeze_panes = "A2"
    sheet.append(headers)
    for line, outcome, problem, raw, *values in stage.problem_rows():
        texts = json.loads(raw) if raw else spec.report_texts(tuple(values))
        sheet.append(
            [
                line,
                *(_text_cell(sheet, text) for text in texts),
                "已跳过" if outcome == OUTCOME_SKIP else "错误",
                problem,
            ]
        )
    with tempfile.TemporaryFile(suffix=".xlsx") as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        job.error_file.save(f"问题行-{job.pk}.xlsx", File(buffer), save=False)
    BulkImportJob.objects.filter(pk=job.pk).update(error_file=job.error_file.name)


# The memory PostgreSQL may give each sort or hash of the checks and the load, for their transaction only: a file's
# million ID numbers grouped or joined to the registry in memory rather than in batches written to disk.
WORK_MEMORY = "128MB"


def _work_memory() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEMORY])


def _county_lock(job: BulkImportJob) -> None:
    """Loads of the same county and kind run one after the other (a transaction advisory lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"bulk:{job.kind}:{job.county_id}"])
