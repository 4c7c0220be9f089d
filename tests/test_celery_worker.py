"""A real Celery worker, consuming from the broker in CELERY_BROKER_URL (Redis in CI), completes an export and the
county runs of a policy simulation.

Run with `make test-worker`; `.ci/run` runs it against PostgreSQL and Redis.
"""

import datetime
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from accounts.models import Role
from config.celery import app
from conftest import make_user
from core.models import JobStatus
from enrollment.models import ExportJob, ExportKind
from enrollment.services import export_job_create
from policy_changes.selectors import impact_division_totals, impact_simulation_progress
from policy_changes.services import impact_simulation_request, policy_draft_create, policy_draft_region_update

# the worker serves every queue, as the workers of docker-compose.yml do together
WORK_QUEUES = list(settings.CELERY_WORK_QUEUES)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_completes_export_job_through_the_broker(yujing_official, yujing_resident, settings, tmp_path):
    # given: tasks are not run in-process, so only a worker can finish the job
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")
    settings.MEDIA_ROOT = tmp_path
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=WORK_QUEUES):
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


def test_worker_runs_every_county_of_a_city_simulation_through_the_broker(yujing_resident):
    # given a city draft raising the 2027 standard, and one person of Shanyin
    preparer = make_user("preparer", Role.CITY_STAFF, "1406")
    draft = policy_draft_create(actor=preparer, region_code="1406", insurance_year=2027, title="朔州市2027年度标准")
    policy_draft_region_update(
        actor=preparer, draft=draft, region_code="1406", figures={"contribution_standard": Decimal("420.00")}
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=WORK_QUEUES):
        # when each county run is queued on the broker
        simulation = impact_simulation_request(
            actor=preparer,
            draft=draft,
            division_code="1406",
            as_of=datetime.date(2026, 12, 1),
            payment_date=datetime.date(2026, 12, 1),
            elasticity=Decimal("-0.30"),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not impact_simulation_progress(simulation).finished:
            time.sleep(0.2)
    # then the worker ran all seven and the city's totals add them up
    progress = impact_simulation_progress(simulation)
    assert (progress.counties_done, progress.counties_total, progress.failed) == (7, 7, [])
    city, _ = impact_division_totals(user=preparer, simulation=simulation, division_code="1406")
    assert (city.people, city.due_before, city.due_after) == (1, Decimal("400.00"), Decimal("420.00"))
