"""What every background job needs from the machinery around it, as functions a job's app calls.

- `job_run` is the one run loop of every job (a `core.models.Job`): it skips a job already done, takes the job's
  lock, marks it started, beats while the job's work runs, and records the job done, or failed with a Chinese
  message. Each app's task only passes the job's id and its work.
- `job_submit` queues a job's task once the row that creates the job is committed. When the broker is unreachable
  the job is kept, listed as not yet submitted (`PendingSubmission`), and `job_submissions_sweep` (beat, every
  minute) publishes it later; the page that asked for it answers with `SUBMISSION_DEFERRED_MESSAGE`, never a 500.
- `job_lock` runs a job in one worker at a time: a PostgreSQL session advisory lock, taken over from a holder whose
  heartbeat stopped. A SIGKILLed worker's backend keeps the lock while its statement runs, since PostgreSQL notices
  a client is gone only when it next talks to it; without a takeover the redelivered task would find the lock taken
  and the job would never finish.
- `job_heartbeat` records, from a thread with its own connection, every few seconds, that the job's worker lives.
- `job_heartbeat_stopped` tells a job whose worker is gone (shown as 已中断).
"""

import contextlib
import datetime
import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import kombu.exceptions
from celery import Task, current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import (
    AWAITING_CONFIRMATION_STATUSES,
    DONE_STATUSES,
    FINISHED_STATUSES,
    Job,
    JobStatus,
    PendingSubmission,
    job_heartbeat_stopped,
)

# A job in one of these has nothing to run: done for good, or checked and waiting for a person's confirmation.
RESTING_STATUSES = DONE_STATUSES | AWAITING_CONFIRMATION_STATUSES

logger = logging.getLogger(__name__)

JobT = TypeVar("JobT", bound=Job)

SUBMISSION_DEFERRED_MESSAGE = "任务队列暂不可用，已保存，稍后自动提交。"
# A publish tries three times within about a second; with the transport's connect timeout (settings) a request that
# queues a job never waits long on a broker that is down.
SUBMIT_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# Celery raises the transport's connection errors as kombu's OperationalError.
BROKER_UNREACHABLE = (kombu.exceptions.OperationalError, ConnectionError)
# A submission younger than this whose publish was not tried yet belongs to the request that is publishing it.
SWEEP_GRACE = datetime.timedelta(minutes=2)
LOCK_POLL_SECONDS = 0.2
TAKEOVER_WAIT_SECONDS = 30
# PostgreSQL aborts the statement of a client that went away, checking every so often while it runs (PostgreSQL 14+).
CLIENT_CONNECTION_CHECK = "2s"


# --- submission ------------------------------------------------------------------------------------------------------


def job_submit(*, task: Task, job_id: int) -> None:
    """Queue `task(job_id)` once the current transaction commits (at once outside one). The job is listed as not yet
    submitted in the same transaction, and stays listed if the broker cannot be reached."""
    PendingSubmission.objects.get_or_create(task_name=task.name, job_id=job_id)
    transaction.on_commit(lambda: _submission_publish(task_name=task.name, job_id=job_id))


def job_submission_deferred(*, task: Task, job_id: int) -> bool:
    """True while the job waits for the broker: its publish was tried and failed, and the sweep has not yet
    published it."""
    return PendingSubmission.objects.filter(task_name=task.name, job_id=job_id, attempts__gt=0).exists()


def job_submissions_sweep() -> int:
    """Publish every job still waiting to be submitted, oldest first; stops at the first that fails, the broker being
    still unreachable. Returns how many were published. Publishing a job twice runs it once: each job's run takes a
    lock or returns when its job is done."""
    grace_ended = timezone.now() - SWEEP_GRACE
    waiting = PendingSubmission.objects.filter(Q(attempts__gt=0) | Q(created_at__lt=grace_ended))
    published = 0
    for task_name, job_id in waiting.values_list("task_name", "job_id"):
        if not _submission_publish(task_name=task_name, job_id=job_id):
            break
        published += 1
    return published


def _submission_publish(*, task_name: str, job_id: int) -> bool:
    if task_name not in current_app.tasks:
        # a task named "<app>.<name>" lives in <app>/tasks.py, which the web process imports only when it queues one
        importlib.import_module(f"{task_name.partition('.')[0]}.tasks")
    task = current_app.tasks[task_name]
    try:
        task.apply_async((job_id,), retry_policy=SUBMIT_RETRY_POLICY)
    except BROKER_UNREACHABLE as error:
        PendingSubmission.objects.filter(task_name=task_name, job_id=job_id).update(
            attempts=F("attempts") + 1, last_attempt_at=timezone.now(), last_error=str(error)[:1000]
        )
        logger.warning("broker unreachable, %s #%s kept for the sweep: %s", task_name, job_id, error)
        return False
    except BaseException:
        # run in-process (no broker configured) and failed there: it was submitted all the same
        PendingSubmission.objects.filter(task_name=task_name, job_id=job_id).delete()
        raise
    PendingSubmission.objects.filter(task_name=task_name, job_id=job_id).delete()
    return True


# --- heartbeat -------------------------------------------------------------------------------------------------------


def job_heartbeat_interval() -> float:
    return max(0.2, float(settings.JOB_HEARTBEAT_STALE_SECONDS) / 6)


@contextlib.contextmanager
def job_heartbeat(*, beat: Callable[[], None]) -> Iterator[None]:
    """Call `beat` (which records the time on the job's row) now, then every few seconds from a thread with its own
    database connection, as the caller's is busy for minutes inside one statement. On SQLite (one process, no
    worker to take over from) only the first beat is recorded."""
    beat()
    if connection.vendor != "postgresql":
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=_heartbeat_loop, args=(beat, stop), name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _heartbeat_loop(beat: Callable[[], None], stop: threading.Event) -> None:
    try:
        with connection.cursor() as cursor:
            # the job's own transaction may hold its row for a moment: skip a beat rather than queue behind it
            cursor.execute("SET lock_timeout = '1s'")
        while not stop.wait(job_heartbeat_interval()):
            try:
                beat()
            except DatabaseError as error:
                logger.warning("job heartbeat not recorded: %s", error)
    finally:
        connections.close_all()


# --- lock ------------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def job_lock(*, lock_class: int, job_id: int, heartbeat_read: Callable[[], datetime.datetime | None]) -> Iterator[bool]:
    """One worker per job, on PostgreSQL: a session advisory lock keyed (lock_class, job_id). Yields False when a
    live worker holds it. A holder whose heartbeat (`heartbeat_read`, read from the job's row) is stale, or does not
    move for JOB_HEARTBEAT_STALE_SECONDS while we wait, is gone: its backend is terminated and the lock taken."""
    if connection.vendor != "postgresql":
        yield True
        return
    _client_connection_check_set()
    acquired = _lock_take(lock_class=lock_class, job_id=job_id, heartbeat_read=heartbeat_read)
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [lock_class, job_id])


def _lock_try(*, lock_class: int, job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock_class, job_id])
        (acquired,) = cursor.fetchone()
    return bool(acquired)


def _lock_take(*, lock_class: int, job_id: int, heartbeat_read: Callable[[], datetime.datetime | None]) -> bool:
    first_seen = heartbeat_read()
    silent_until = time.monotonic() + settings.JOB_HEARTBEAT_STALE_SECONDS
    while True:
        if _lock_try(lock_class=lock_class, job_id=job_id):
            return True
        heartbeat_at = heartbeat_read()
        if heartbeat_at != first_seen:
            return False  # the holder's heartbeat moves: it is alive
        if job_heartbeat_stopped(heartbeat_at=heartbeat_at) or time.monotonic() > silent_until:
            break
        time.sleep(LOCK_POLL_SECONDS)
    holders = _lock_holders_terminate(lock_class=lock_class, job_id=job_id)
    logger.warning("job %s/%s: heartbeat stopped, lock taken over from backend(s) %s", lock_class, job_id, holders)
    deadline = time.monotonic() + TAKEOVER_WAIT_SECONDS
    while time.monotonic() < deadline:
        if _lock_try(lock_class=lock_class, job_id=job_id):
            return True
        time.sleep(LOCK_POLL_SECONDS)
    return False


def _lock_holders_terminate(*, lock_class: int, job_id: int) -> list[int]:
    """Terminate the backends holding the lock (a two-key advisory lock is classid, objid, objsubid 2 in pg_locks),
    waiting up to five seconds for each to end; their open transaction is rolled back."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pid, pg_terminate_backend(pid, 5000) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid = %s::oid AND objid = %s::oid AND objsubid = 2
            """,
            [lock_class, job_id],
        )
        return [pid for pid, _terminated in cursor.fetchall()]


def _client_connection_check_set() -> None:
    if connection.pg_version >= 140000:  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute(f"SET client_connection_check_interval = '{CLIENT_CONNECTION_CHECK}'")


# --- run loop --------------------------------------------------------------------------------------------------------

JOB_FAILED_MESSAGE = "后台任务出错：{error}"


class ProgressReporter:
    """How a job's work tells how far it is: written on the job's row at once, so the page polling the row follows
    it. Called inside a transaction of the work, the count commits with what it counts.

    Work that holds one transaction open for long (a streamed bulk load) cannot write its row: the row would stay
    locked, and the heartbeat, which writes the same row, would stop. It calls `report_by_heartbeat` instead: the
    heartbeat's thread, on its own connection, writes the latest count while the job still has `status`."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._pending: tuple[str, dict[str, object]] | None = None
        self._pending_lock = threading.Lock()

    def report(self, *, done: int, total: int | None = None) -> None:
        job_update(job=self.job, **self._values(done=done, total=total))

    def report_by_heartbeat(self, *, status: str, done: int, total: int | None = None) -> None:
        with self._pending_lock:
            self._pending = (status, self._values(done=done, total=total))

    def pending_take(self) -> tuple[str, dict[str, object]] | None:
        """The count `report_by_heartbeat` left, once (the heartbeat's thread writes it)."""
        with self._pending_lock:
            pending, self._pending = self._pending, None
        return pending

    def _values(self, *, done: int, total: int | None) -> dict[str, object]:
        done_field, total_field = self.job.progress_fields
        values: dict[str, object] = {done_field: done}
        if total is not None:
            values[total_field] = total
        return values


def job_update(*, job: Job, **values: object) -> None:
    """Write `values` on the job's row in one UPDATE, leaving its other columns as they are (the heartbeat's thread
    writes one of them), and on the job in hand."""
    type(job)._default_manager.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def job_run(
    *,
    job_model: type[JobT],
    job_id: int,
    work: Callable[[JobT, ProgressReporter], None],
    select_related: tuple[str, ...] = (),
) -> JobT:
    """Run the job's `work` once, in the one worker holding the job's lock, and return the job as it ended.

    A job already done (succeeded, refused, discarded) or checked and waiting for a confirmation is returned as it
    is; so is a job whose lock a live worker holds. A job left half-way by a lost worker, or failed, runs again from
    the start. The work records its progress and may finish the job itself (with its last write, or as refused) or
    stop it to wait for a confirmation (checked); a job the work left unfinished is recorded as succeeded. An error
    of the work is recorded as failed, with a Chinese message, and raised again.
    """
    jobs = job_model._default_manager.all()
    if select_related:
        jobs = jobs.select_related(*select_related)
    job = jobs.get(pk=job_id)
    if job.status in RESTING_STATUSES:
        return job
    with job_lock(
        lock_class=job_model.lock_class, job_id=job_id, heartbeat_read=lambda: _heartbeat_read(job_model, job_id)
    ) as acquired:
        if not acquired:
            return job
        job.refresh_from_db()
        if job.status in RESTING_STATUSES:
            return job  # done (or checked) by the worker whose lock this was
        progress = ProgressReporter(job)
        with job_heartbeat(beat=lambda: _heartbeat_record(job_model, job_id, progress.pending_take())):
            _work_run(job, work, progress)
    job.refresh_from_db()
    return job


def job_failure_message(error: Exception) -> str:
    """What the job's page says of an error: a ValidationError's own (Chinese) words, else the error wrapped."""
    if isinstance(error, ValidationError):
        return "".join(error.messages)
    return JOB_FAILED_MESSAGE.format(error=str(error) or type(error).__name__)


def _work_run(job: JobT, work: Callable[[JobT, ProgressReporter], None], progress: ProgressReporter) -> None:
    job_update(
        job=job,
        status=job.started_status,
        started_at=timezone.now(),
        finished_at=None,
        error_message="",
        **job.run_start_values,
    )
    try:
        work(job, progress)
    except Exception as error:
        job_update(
            job=job, status=JobStatus.FAILED, error_message=job_failure_message(error), finished_at=timezone.now()
        )
        raise
    if job.status not in FINISHED_STATUSES | AWAITING_CONFIRMATION_STATUSES:
        job_update(job=job, status=JobStatus.SUCCEEDED, finished_at=timezone.now())


def _heartbeat_read(job_model: type[Job], job_id: int) -> datetime.datetime | None:
    heartbeat_at: datetime.datetime | None = (
        job_model._default_manager.filter(pk=job_id).values_list("heartbeat_at", flat=True).first()
    )
    return heartbeat_at


def _heartbeat_record(job_model: type[Job], job_id: int, progress: tuple[str, dict[str, object]] | None) -> None:
    jobs = job_model._default_manager.filter(pk=job_id)
    jobs.update(heartbeat_at=timezone.now())
    if progress is not None:
        # only while the job is still in the status of the count: never over the count of the job's last write
        status, values = progress
        jobs.filter(status=status).update(**values)
