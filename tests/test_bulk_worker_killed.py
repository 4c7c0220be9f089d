"""A real prefork worker killed while a bulk import writes (写入中): the PostgreSQL backend of the dead pool child is
still inside its statement and keeps the job's advisory lock, yet the redelivered task takes the lock over and the
job ends 已完成 with exactly the rows of a clean run, ten times in a row.

Run with `make test-worker` against PostgreSQL and Redis: the worker is another process (tests/worker_slowed.py, whose
import sleeps once in the database inside its load's transaction, the rows written but not committed), so it reads
the test data from the committed test database.
"""

import os
import signal

import pytest
from django.db import connection

from bulk.models import BulkImportJob
from bulk.services import bulk_import_create
from bulk.tests.helpers import RESIDENT_HEADER, SHANYIN, csv_file, resident_row, shanyin_villages
from bulk.tests.test_resident_import import REGISTRY_FIELDS, expected_registry
from core.models import JobStatus
from divisions.models import Division
from enrollment.models import Resident
from tests import test_worker_killed
from tests.test_worker_killed import pool_children, wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

queue = test_worker_killed.queue  # fixtures: a queue of this test alone, its workers
workers = test_worker_killed.workers
TRIALS = 10
PEOPLE_PER_FILE = 5
LOAD_PAUSE_SECONDS = 60  # far longer than a trial: only a takeover can end the dead backend's statement in time
TRIAL_DEADLINE_SECONDS = 20
VISIBILITY_TIMEOUT_SECONDS = 10
HEARTBEAT_STALE_SECONDS = 3


def people_of_trial(trial: int, villages: list[str]) -> list[list[str]]:
    first = trial * PEOPLE_PER_FILE + 1
    return [RESIDENT_HEADER, *(resident_row(number, villages) for number in range(first, first + PEOPLE_PER_FILE))]


def registry() -> list[tuple]:
    return sorted(Resident.objects.values_list(*REGISTRY_FIELDS))


def history() -> list[tuple]:
    return sorted(Resident.history.values_list("id_number", "history_type", "history_change_reason"))


def finished(job_id: int) -> BulkImportJob | None:
    job = BulkImportJob.objects.get(pk=job_id)
    return job if job.finished else None


def test_a_pool_child_killed_while_writing_ten_times_in_a_row_each_time_ends_with_the_rows_of_a_clean_run(
    clerk, queue, workers, settings, tmp_path
):
    # given a prefork worker with one pool child, whose import sleeps once inside its load's transaction
    settings.MEDIA_ROOT = tmp_path / "media"
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    worker = workers(
        queue,
        visibility_timeout=VISIBILITY_TIMEOUT_SECONDS,
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        BULK_LOAD_PAUSE=str(LOAD_PAUSE_SECONDS),
        BULK_LOAD_PAUSE_DIRECTORY=str(pauses),
        JOB_HEARTBEAT_STALE_SECONDS=str(HEARTBEAT_STALE_SECONDS),
    )
    county = Division.objects.get(code=SHANYIN)
    villages = shanyin_villages()
    all_rows = [RESIDENT_HEADER]
    expected_history = []
    for trial in range(TRIALS):
        rows = people_of_trial(trial, villages)
        # when a file of five people is uploaded, and the pool child is killed while its rows are written
        job = bulk_import_create(
            actor=clerk, kind="resident_registry", county=county, uploaded_file=csv_file(rows), confirm=True
        )
        paused = pauses / f"bulk-{job.pk}"
        wait_for(paused.exists, what=f"第 {trial + 1} 次：写入中暂停", worker=worker)
        [child] = pool_children(worker.pid)
        assert int(paused.read_text()) == child
        assert BulkImportJob.objects.get(pk=job.pk).status == JobStatus.LOADING
        assert registry() == expected_registry(all_rows)  # nothing of this file committed
        os.kill(child, signal.SIGKILL)
        # then the job comes back to the worker, which takes its lock over and ends it with this file's rows, once
        done = wait_for(
            lambda job_id=job.pk: finished(job_id),
            what=f"第 {trial + 1} 次：任务结束",
            worker=worker,
            seconds=TRIAL_DEADLINE_SECONDS,
        )
        assert (done.status, done.rows_total, done.rows_valid, done.rows_created, done.rows_updated) == (
            JobStatus.SUCCEEDED,
            PEOPLE_PER_FILE,
            PEOPLE_PER_FILE,
            PEOPLE_PER_FILE,
            0,
        )
        assert (done.error_count, done.rows_skipped, done.error_message) == (0, 0, "")
        all_rows += rows[1:]
        expected_history += [(row[0], "+", f"批量导入 #{job.pk}") for row in rows[1:]]
        assert registry() == expected_registry(all_rows)
        assert history() == sorted(expected_history)
    assert worker.log().count("exited with 'signal 9 (SIGKILL)'") == TRIALS
    # the dead children's backends are all gone, none left asleep inside an import
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%%'"
        )
        assert cursor.fetchone() == (0,)
