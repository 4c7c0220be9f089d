"""A real Celery worker, consuming from the broker in CELERY_BROKER_URL (Redis in CI), completes an export.

Run with `make test-worker`; `.ci/run` runs it against PostgreSQL and Redis.
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from core.models import JobStatus
from enrollment.models import ExportJob, ExportKind
from enrollment.services import export_job_create

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_completes_export_job_through_the_broker(yujing_official, yujing_resident, settings, tmp_path):
    # given: tasks are not run in-process, so only a worker can finish the job
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")
    settings.MEDIA_ROOT = tmp_path
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # when
        job = export_job_create(actor=yujing_official, kind=ExportKind.RESIDENT_ROSTER)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                break
            time.sleep(0.2)
    # then
    assert (job.status, job.rows_total, job.rows_done) == (JobStatus.SUCCEEDED, 1, 1)
    assert ExportJob.objects.get(pk=job.pk).file.name.endswith(".xlsx")
