"""Jobs asked for while the broker is unreachable: kept, the user told so in Chinese, never a 500; the sweep submits
them once the broker is back. The broker here is a real address nothing listens on; "back" is the suite's
in-process execution (tests/test_broker_down.py runs the same with a real Redis and a real worker)."""

import datetime

import pytest
from django.utils import timezone

from bulk.models import BulkImportJob
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submissions_sweep
from core.models import JobStatus, PendingSubmission
from enrollment.models import ExportJob, Resident
from enrollment.services import export_job_create
from targets.models import ProgressJob

from .brokers import broker_at, bulk_upload_kept_while_broker_down, free_loopback_port

# the request commits as in production, and the job is published then
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submissions() -> list[tuple]:
    return list(PendingSubmission.objects.values_list("task_name", "job_id", "attempts"))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@committed
def test_a_bulk_upload_while_the_broker_is_down_is_kept_said_so_and_submitted_by_the_sweep(client, clerk):
    client.force_login(clerk)
    with broker_at(f"redis://127.0.0.1:{free_loopback_port()}/0"):
        # when a clerk uploads a file while nothing answers at the broker's address
        # then the job is kept, not yet submitted, and its page says so; the rest of the site answers
        job = bulk_upload_kept_while_broker_down(client)
        # and a sweep while the broker is still down keeps it
        assert job_submissions_sweep() == 0
        assert submissions() == [("bulk.bulk_import_run", job.pk, 2)]
        assert (BulkImportJob.objects.get().status, Resident.objects.count()) == (JobStatus.QUEUED, 0)
    # when the broker is back and the sweep runs
    assert job_submissions_sweep() == 1
    # then the job's check ran, once, and waits for the clerk's confirmation
    job.refresh_from_db()
    assert (job.status, job.rows_total, Resident.objects.count()) == (JobStatus.CHECKED, 12, 0)
    # when the clerk confirms
    assert client.post(f"/bulk/{job.pk}/confirm/").status_code == 302
    # then the job ran, once
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_created) == (JobStatus.SUCCEEDED, 12, 12)
    assert Resident.objects.count() == 12
    assert submissions() == []
    assert SUBMISSION_DEFERRED_MESSAGE not in client.get(f"/bulk/{job.pk}/").content.decode()
    assert job_submissions_sweep() == 0


@committed
def test_an_export_and_a_progress_refresh_while_the_broker_is_down_are_kept_said_so_and_submitted_by_the_sweep(
    client, yujing_official, yujing_resident, city_staff
):
    refresh = {"year": 2026, "as_of": "2026-06-30", "division": "1406"}
    with broker_at(f"redis://127.0.0.1:{free_loopback_port()}/0"):
        # when a township official asks for the roster, and city staff click the progress refresh twice
        client.force_login(yujing_official)
        export = client.post("/reports/exports/resident-roster/", follow=True)
        client.force_login(city_staff)
        first = client.post("/targets/refresh/", refresh, follow=True)
        second = client.post("/targets/refresh/", refresh, follow=True)  # joins the kept job
        # then both jobs are kept, not yet submitted, and each page says so
        export_job, progress_job = ExportJob.objects.get(), ProgressJob.objects.get()
        assert export.redirect_chain == [(f"/reports/exports/{export_job.pk}/", 302)]
        assert [response.redirect_chain[-1][0] for response in (first, second)] == [
            f"/targets/jobs/{progress_job.pk}/?division=1406"
        ] * 2
        for response in (export, first, second):
            assert response.status_code == 200
            assert SUBMISSION_DEFERRED_MESSAGE in response.content.decode()
        assert (export_job.status, progress_job.status) == (JobStatus.PENDING, JobStatus.QUEUED)
        assert submissions() == [
            ("reports.export_job_run", export_job.pk, 1),
            ("targets.progress_job_run", progress_job.pk, 1),
        ]
    # when the broker is back and the sweep runs, then both ran
    assert job_submissions_sweep() == 2
    export_job.refresh_from_db()
    progress_job.refresh_from_db()
    assert (export_job.status, export_job.rows_total, export_job.rows_done) == (JobStatus.SUCCEEDED, 1, 1)
    assert (progress_job.status, progress_job.levels_done) == (JobStatus.SUCCEEDED, 4)
    assert submissions() == []


@pytest.mark.django_db
def test_the_sweep_leaves_a_fresh_submission_to_the_request_publishing_it(yujing_official, yujing_resident):
    # given a job whose row is written and whose publish has not been tried yet (the test's transaction never commits)
    job = export_job_create(actor=yujing_official, kind="resident_roster")
    assert submissions() == [("reports.export_job_run", job.pk, 0)]
    # when the sweep runs, then it leaves it
    assert job_submissions_sweep() == 0
    assert (ExportJob.objects.get().status, submissions()) == (
        JobStatus.PENDING,
        [("reports.export_job_run", job.pk, 0)],
    )
    # but one whose request died before publishing it, a while ago, it submits
    PendingSubmission.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=3))
    assert job_submissions_sweep() == 1
    assert (ExportJob.objects.get().status, submissions()) == (JobStatus.SUCCEEDED, [])
