"""The job's lock taken over from a worker that is gone, and left alone while its worker lives (PostgreSQL: the lock
is a session advisory lock, held here by a second connection standing for another worker's backend)."""

import datetime
import threading
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from bulk.models import BulkImportJob
from bulk.services import bulk_import_run
from core.models import JobStatus
from enrollment.models import Resident

from .helpers import job_loading, resident_rows

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]
STALE_SECONDS = 1.2
JOB_FIELDS = ("status", "started_at", "rows_total", "rows_done", "rows_created", "heartbeat_at", "error_message")


@pytest.fixture(autouse=True)
def short_heartbeat(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_HEARTBEAT_STALE_SECONDS = STALE_SECONDS


def other_backend() -> psycopg.Connection:
    """A connection of its own to the test database, as another worker's would be."""
    parameters = connection.get_connection_params()
    return psycopg.connect(
        **{key: value for key, value in parameters.items() if key in ("dbname", "user", "host", "port", "password")},
        autocommit=True,
    )


def lock_taken_by(backend: psycopg.Connection, job: BulkImportJob) -> None:
    assert backend.execute("SELECT pg_try_advisory_lock(%s, %s)", [BulkImportJob.lock_class, job.pk]).fetchone() == (
        True,
    )


def job_values(job: BulkImportJob) -> tuple:
    return BulkImportJob.objects.values_list(*JOB_FIELDS).get(pk=job.pk)


def test_a_lock_whose_holder_stopped_beating_is_taken_over_and_the_job_completes(clerk, settings):
    # given a job whose worker was last heard of a minute ago, and whose backend still holds the job's lock
    job = job_loading(clerk, heartbeat_at=timezone.now() - datetime.timedelta(minutes=1), people=5)
    holder = other_backend()
    lock_taken_by(holder, job)
    # when the redelivered task runs
    finished = bulk_import_run(job_id=job.pk)
    # then the holder's backend was terminated and the job ran to the end, once
    with pytest.raises(psycopg.OperationalError):
        holder.execute("SELECT 1")
    assert (finished.status, finished.rows_total, finished.rows_created, finished.error_message) == (
        JobStatus.SUCCEEDED,
        5,
        5,
        "",
    )
    assert sorted(Resident.objects.values_list("id_number", flat=True)) == sorted(
        row[0] for row in resident_rows(5)[1:]
    )
    assert timezone.now() - finished.heartbeat_at < datetime.timedelta(seconds=5)  # its own heartbeat now


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the holder reads the committed job row
def test_a_lock_whose_holder_beats_is_left_alone_and_the_job_untouched(clerk):
    # given a job whose worker lives: its backend holds the lock and records a heartbeat every tenth of a second
    job = job_loading(clerk, heartbeat_at=timezone.now(), people=5)
    holder = other_backend()
    lock_taken_by(holder, job)
    stop = threading.Event()

    def beat():
        while not stop.wait(0.1):
            holder.execute("UPDATE bulk_bulkimportjob SET heartbeat_at = now() WHERE id = %s", [job.pk])

    beating = threading.Thread(target=beat)
    beating.start()
    try:
        before = job_values(job)[:-2]
        # when a second delivery of its task runs
        started = time.monotonic()
        returned = bulk_import_run(job_id=job.pk)
        waited = time.monotonic() - started
        # then it returned within a beat or two, without writing anything, and the holder keeps its lock
        assert waited < 1
        assert returned.status == JobStatus.LOADING
        assert job_values(job)[:-2] == before == (JobStatus.LOADING, job.started_at, 5, 5, 0)
        assert Resident.objects.count() == 0
        assert holder.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND pid = %s",
            [BulkImportJob.lock_class, job.pk, holder.info.backend_pid],
        ).fetchone() == (1,)
    finally:
        stop.set()
        beating.join()
        holder.close()


def test_a_holder_heard_of_recently_but_silent_is_taken_over_only_once_its_heartbeat_is_stale(clerk):
    # given a job heard of just now, whose lock is held by a backend that records no further heartbeat
    job = job_loading(clerk, heartbeat_at=timezone.now(), people=5)
    holder = other_backend()
    lock_taken_by(holder, job)
    # when the task runs
    started = time.monotonic()
    finished = bulk_import_run(job_id=job.pk)
    # then it waited for the heartbeat to go stale, then took over and completed the job
    assert time.monotonic() - started >= STALE_SECONDS - 0.1
    assert (finished.status, finished.rows_created) == (JobStatus.SUCCEEDED, 5)
    assert Resident.objects.count() == 5
    with pytest.raises(psycopg.OperationalError):
        holder.execute("SELECT 1")
