"""The one run loop of every job (core.jobs.job_run), shown on a progress job: done, failed with a Chinese message,
not run while another worker holds the job's lock, and not run again once done. And what every job's page shows of
its status, 已中断 included."""

import datetime
import threading
import time

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from core.jobs import ProgressReporter, job_run, job_update
from core.models import JobStatus
from enrollment.models import ExportJob, ExportKind
from targets.models import ProgressJob
from tests.connections import on_another_connection

JUNE_30 = datetime.date(2026, 6, 30)
JOB_FIELDS = ("status", "levels_done", "levels_total", "error_message", "started_at", "finished_at", "heartbeat_at")


def progress_job(**values: object) -> ProgressJob:
    return ProgressJob.objects.create(year=2026, as_of=JUNE_30, levels_total=4, **values)


def job_values(job: ProgressJob) -> tuple[object, ...]:
    values: tuple[object, ...] = ProgressJob.objects.values_list(*JOB_FIELDS).get(pk=job.pk)
    return values


class Work:
    """A job's work that counts its levels, or raises `error` once it has counted two."""

    def __init__(self, *, error: Exception | None = None) -> None:
        self.error = error
        self.calls = 0
        self.status_seen: str | None = None

    def __call__(self, job: ProgressJob, progress: ProgressReporter) -> None:
        self.calls += 1
        self.status_seen = ProgressJob.objects.get(pk=job.pk).status
        for done in range(1, 5):
            progress.report(done=done)
            if done == 2 and self.error is not None:
                raise self.error


def run(job: ProgressJob, work: Work) -> ProgressJob:
    return job_run(job_model=ProgressJob, job_id=job.pk, work=work)


@pytest.mark.django_db
def test_a_job_whose_work_returns_is_recorded_succeeded_with_its_progress() -> None:
    # given a queued job
    job = progress_job()
    work = Work()
    # when it runs
    finished = run(job, work)
    # then its work ran once, with the job marked running, and the row says it succeeded after four levels
    assert (work.calls, work.status_seen) == (1, JobStatus.RUNNING)
    assert (finished.status, finished.levels_done, finished.error_message) == (JobStatus.SUCCEEDED, 4, "")
    assert finished.started_at is not None and finished.finished_at is not None and finished.heartbeat_at is not None
    assert finished.started_at <= finished.finished_at
    assert job_values(finished) == job_values(job)  # the job returned is the row as it is now
    assert (finished.percent_done, finished.status_label) == (100, "已完成")


@pytest.mark.django_db
def test_a_job_its_work_finished_itself_keeps_the_status_the_work_gave_it() -> None:
    job = progress_job()

    def refuse(job: ProgressJob, progress: ProgressReporter) -> None:
        job_update(job=job, status=JobStatus.REFUSED, error_message="文件中没有数据行。", finished_at=timezone.now())

    finished = job_run(job_model=ProgressJob, job_id=job.pk, work=refuse)
    assert (finished.status, finished.error_message) == (JobStatus.REFUSED, "文件中没有数据行。")
    assert finished.finished_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "message"),
    [
        (RuntimeError("disk full"), "后台任务出错：disk full"),
        (ZeroDivisionError(), "后台任务出错：ZeroDivisionError"),
        (ValidationError("该年度没有目标。"), "该年度没有目标。"),
    ],
)
def test_a_job_whose_work_raises_is_recorded_failed_with_a_chinese_message_and_the_error_raised(
    error: Exception, message: str
) -> None:
    # given a job whose work fails after two levels
    job = progress_job()
    # when it runs
    with pytest.raises(type(error)):
        run(job, Work(error=error))
    # then the row says it failed, where, and why, in Chinese
    job.refresh_from_db()
    assert (job.status, job.levels_done, job.error_message) == (JobStatus.FAILED, 2, message)
    assert job.finished_at is not None
    assert (job.finished, job.interrupted, job.status_label) == (True, False, "失败")


@pytest.mark.django_db
@pytest.mark.parametrize("status", [JobStatus.SUCCEEDED, JobStatus.REFUSED])
def test_a_job_done_is_not_run_again_and_its_row_is_left_as_it_was(status: str) -> None:
    # given a job already done
    job = progress_job()
    run(job, Work())
    ProgressJob.objects.filter(pk=job.pk).update(status=status)
    before = job_values(job)
    # when its task is delivered again
    work = Work()
    returned = run(job, work)
    # then nothing ran and nothing changed
    assert work.calls == 0
    assert job_values(job) == before
    assert returned.status == status


@pytest.mark.django_db
def test_a_failed_job_runs_again_from_the_start_and_forgets_its_error() -> None:
    # given a job that failed after two levels
    job = progress_job()
    with pytest.raises(RuntimeError):
        run(job, Work(error=RuntimeError("disk full")))
    # when it runs again
    work = Work()
    finished = run(job, work)
    # then it ran from the start and its row no longer speaks of the error
    assert (work.calls, work.status_seen) == (1, JobStatus.RUNNING)
    assert (finished.status, finished.levels_done, finished.error_message) == (JobStatus.SUCCEEDED, 4, "")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the holder reads the committed job row
def test_a_job_whose_lock_a_live_worker_holds_is_not_run_and_left_untouched() -> None:
    # given a running job whose worker lives: its backend holds the job's lock and beats every tenth of a second
    job = progress_job(status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    parameters = connection.get_connection_params()
    holder = psycopg.connect(
        **{key: value for key, value in parameters.items() if key in ("dbname", "user", "host", "port", "password")},
        autocommit=True,
    )
    assert holder.execute("SELECT pg_try_advisory_lock(%s, %s)", [ProgressJob.lock_class, job.pk]).fetchone() == (True,)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(0.1):
            holder.execute("UPDATE targets_progressjob SET heartbeat_at = now() WHERE id = %s", [job.pk])

    beating = threading.Thread(target=beat)
    beating.start()
    try:
        before = job_values(job)[:-1]
        # when a second delivery of its task runs
        started = time.monotonic()
        work = Work()
        returned = run(job, work)
        # then it returned within a beat or two without running the work or writing anything
        assert time.monotonic() - started < 1
        assert work.calls == 0
        assert returned.status == JobStatus.RUNNING
        assert job_values(job)[:-1] == before
    finally:
        stop.set()
        beating.join()
        holder.close()


@pytest.mark.django_db
@override_settings(JOB_HEARTBEAT_STALE_SECONDS=30)
def test_every_job_shows_its_own_word_for_running_and_interrupted_once_its_worker_is_silent(clerk: User) -> None:
    # given a progress job and an export running, one heard of just now, the other a minute ago
    now = timezone.now()
    a_minute_ago = now - datetime.timedelta(minutes=1)
    heard_of = {"started_at": now, "heartbeat_at": now}
    silent = {"started_at": a_minute_ago, "heartbeat_at": a_minute_ago}
    export = {"kind": ExportKind.RESIDENT_ROSTER, "requested_by": clerk, "status": JobStatus.RUNNING}
    # then each says what it does while its worker lives, and 已中断 once it is silent
    assert progress_job(status=JobStatus.RUNNING, **heard_of).status_label == "计算中"
    assert ExportJob.objects.create(**export, **heard_of).status_label == "生成中"
    assert progress_job(status=JobStatus.RUNNING, **silent).interrupted
    assert ExportJob.objects.create(**export, **silent).status_label == "已中断"
    # and a job still waiting for a worker is not interrupted, however old
    waiting = ExportJob.objects.create(kind=ExportKind.RESIDENT_ROSTER, requested_by=clerk, **silent)
    assert (waiting.status, waiting.status_label, waiting.interrupted) == (JobStatus.PENDING, "排队中", False)


def _levels_done_seen_by_another_connection(job_id: int) -> int:
    return on_another_connection(lambda: ProgressJob.objects.values_list("levels_done", flat=True).get(pk=job_id))


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the page reads what is committed
@override_settings(JOB_HEARTBEAT_STALE_SECONDS=1.2)  # a beat every 0.2 s
def test_a_count_reported_inside_a_long_transaction_is_written_by_the_heartbeat_never_over_the_last_write():
    # given a job whose work holds one transaction open while it counts
    job = progress_job()
    seen_while_working: list[int] = []

    def work(job: ProgressJob, progress: ProgressReporter) -> None:
        with transaction.atomic():
            ProgressJob.objects.select_for_update().filter(year=1990).exists()  # the transaction has begun
            progress.report_by_heartbeat(status=JobStatus.RUNNING, done=2, total=4)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not seen_while_working:
                if _levels_done_seen_by_another_connection(job.pk) == 2:
                    seen_while_working.append(2)
                time.sleep(0.05)
            # a count left for the heartbeat just before the job's last write, which holds the row till the commit
            progress.report_by_heartbeat(status=JobStatus.RUNNING, done=3, total=4)
            job_update(job=job, status=JobStatus.SUCCEEDED, levels_done=4, finished_at=timezone.now())
            time.sleep(0.5)  # beats come while the row is held

    # when
    job_run(job_model=ProgressJob, job_id=job.pk, work=work)
    # then the page saw the count while the work ran, and the last write stands
    job.refresh_from_db()
    assert seen_while_working == [2]
    assert (job.status, job.levels_done, job.levels_total) == (JobStatus.SUCCEEDED, 4, 4)
