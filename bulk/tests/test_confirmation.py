"""Preview → confirm on the bulk path: the check stops at 待确认 with its counts and writes nothing; the clerk's
confirmation writes exactly the rows shown, once, and only for a job of the clerk's county that waits for it."""

import pytest
from django.core.exceptions import ValidationError

from bulk.models import BulkImportJob
from bulk.services import (
    ALREADY_CONFIRMED,
    CHECK_CHANGED,
    CONFIRM_OUT_OF_SCOPE,
    DISCARD_OUT_OF_SCOPE,
    NOT_AWAITING_CONFIRMATION,
    bulk_import_confirm,
    bulk_import_discard,
)
from conftest import make_user
from core.models import JobStatus, PendingSubmission
from enrollment.models import Enrollment, Payment, Resident

from .helpers import ENROLLMENT_HEADER, csv_file, resident_rows, run_import
from .test_resident_import import REGISTRY_FIELDS, expected_registry

pytestmark = pytest.mark.django_db
JOB_FIELDS = (
    "status",
    "rows_total",
    "rows_valid",
    "rows_skipped",
    "error_count",
    "rows_created",
    "rows_updated",
    "confirmed_by",
    "confirmed_at",
    "checked_at",
    "error_message",
    "finished_at",
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def registry() -> list[tuple]:
    return sorted(Resident.objects.values_list(*REGISTRY_FIELDS))


def written() -> tuple:
    """Everything an import could write, and the submissions it could queue."""
    return (
        registry(),
        Resident.history.count(),
        Enrollment.objects.count(),
        Payment.objects.count(),
        PendingSubmission.objects.count(),
    )


def job_values(job: BulkImportJob) -> tuple:
    return BulkImportJob.objects.values_list(*JOB_FIELDS).get(pk=job.pk)


def checked_job(capture, clerk, rows, **kwargs) -> BulkImportJob:
    return run_import(capture, actor=clerk, upload=csv_file(rows), confirm=False, **kwargs)


def confirm(capture, clerk, job: BulkImportJob) -> BulkImportJob:
    with capture(execute=True):
        bulk_import_confirm(actor=clerk, job_id=job.pk)
    job.refresh_from_db()
    return job


def test_the_check_shows_the_counts_and_writes_nothing_and_the_confirmation_writes_exactly_those_rows(
    client, clerk, django_capture_on_commit_callbacks
):
    # given
    rows = resident_rows(7)
    before = written()
    # when
    job = checked_job(django_capture_on_commit_callbacks, clerk, rows)
    # then
    assert (job.status, job.status_label, job.rows_total, job.rows_valid, job.rows_skipped, job.error_count) == (
        JobStatus.CHECKED,
        "待确认",
        7,
        7,
        0,
        0,
    )
    assert (job.rows_created, job.rows_updated, job.confirmed_at, job.finished_at) == (0, 0, None, None)
    assert job.checked_at is not None
    assert not job.interrupted
    assert written() == before
    client.force_login(clerk)
    page = client.get(f"/bulk/{job.pk}/").content.decode()
    assert "校验完成，尚未写入任何数据。共 7 行：校验通过 7 行，确认后将一次性写入；错误 0 行。" in page
    assert ">确认导入</button>" in page
    assert ">放弃</button>" in page
    # when the clerk confirms
    job = confirm(django_capture_on_commit_callbacks, clerk, job)
    # then exactly the rows shown are written, once
    assert (job.status, job.rows_total, job.rows_valid, job.rows_created, job.rows_updated) == (
        JobStatus.SUCCEEDED,
        7,
        7,
        7,
        0,
    )
    assert (job.confirmed_by, job.error_message) == (clerk, "")
    assert registry() == expected_registry(rows)
    assert Resident.history.count() == 7


def test_the_check_shows_the_rows_that_will_be_skipped(clerk, django_capture_on_commit_callbacks):
    # given three people of the registry, one of whom has a 2025 enrollment already
    people = [row[0] for row in resident_rows(3)[1:]]
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(resident_rows(3)))
    history = [[people[0], "2025", "2024-11-20", "400", "", "", "2025-01-01", "2025-12-31", "有效"]]
    run_import(
        django_capture_on_commit_callbacks,
        actor=clerk,
        upload=csv_file([ENROLLMENT_HEADER, *history]),
        kind="enrollment_history",
    )
    rows = [
        ENROLLMENT_HEADER,
        *history,
        [people[1], "2025", "2024-11-21", "400", "", "", "2025-01-01", "2025-12-31", "有效"],
        [people[2], "2025", "2024-11-22", "400", "", "", "2025-01-01", "2025-12-31", "有效"],
    ]
    before = written()
    # when
    job = checked_job(django_capture_on_commit_callbacks, clerk, rows, kind="enrollment_history")
    # then
    assert (job.status, job.rows_total, job.rows_valid, job.rows_skipped, job.error_count) == ("checked", 3, 2, 1, 0)
    assert written() == before
    assert job.error_file  # the report lists the skipped row before anything is written
    # when
    job = confirm(django_capture_on_commit_callbacks, clerk, job)
    # then
    assert (job.status, job.rows_created, job.rows_skipped) == ("succeeded", 2, 1)
    assert Enrollment.objects.count() == 3


def test_a_check_that_finds_other_rows_at_the_confirmation_writes_nothing_and_waits_again(
    clerk, django_capture_on_commit_callbacks
):
    # given a history of two people checked, then one of them enrolled for the year by another import
    people = [row[0] for row in resident_rows(2)[1:]]
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(resident_rows(2)))
    rows = [
        [people[0], "2025", "2024-11-20", "400", "", "", "2025-01-01", "2025-12-31", "有效"],
        [people[1], "2025", "2024-11-21", "400", "", "", "2025-01-01", "2025-12-31", "有效"],
    ]
    job = checked_job(django_capture_on_commit_callbacks, clerk, [ENROLLMENT_HEADER, *rows], kind="enrollment_history")
    assert (job.rows_valid, job.rows_skipped) == (2, 0)
    run_import(
        django_capture_on_commit_callbacks,
        actor=clerk,
        upload=csv_file([ENROLLMENT_HEADER, rows[0]]),
        kind="enrollment_history",
    )
    before = written()
    # when
    job = confirm(django_capture_on_commit_callbacks, clerk, job)
    # then nothing is written, and the job shows its new check, to be confirmed again
    assert written() == before
    assert (job.status, job.rows_valid, job.rows_skipped, job.confirmed_at, job.error_message) == (
        "checked",
        1,
        1,
        None,
        CHECK_CHANGED,
    )
    # when confirmed again
    job = confirm(django_capture_on_commit_callbacks, clerk, job)
    # then
    assert (job.status, job.rows_created, job.rows_skipped, job.error_message) == ("succeeded", 1, 1, "")
    assert Enrollment.objects.count() == 2


def test_confirming_twice_is_refused_and_changes_nothing(clerk, django_capture_on_commit_callbacks):
    # given a job confirmed once, its write not yet run
    job = checked_job(django_capture_on_commit_callbacks, clerk, resident_rows(3))
    bulk_import_confirm(actor=clerk, job_id=job.pk)
    before, values = written(), job_values(job)
    # when
    with pytest.raises(ValidationError) as refusal:
        bulk_import_confirm(actor=clerk, job_id=job.pk)
    # then
    assert refusal.value.messages == [ALREADY_CONFIRMED]
    assert (written(), job_values(job)) == (before, values)
    assert values[0] == JobStatus.QUEUED


def test_confirming_or_discarding_a_job_of_another_county_is_refused_and_changes_nothing(
    client, clerk, django_capture_on_commit_callbacks
):
    # given a checked job of 山阴, and a clerk of 朔城区 with the bulk import right
    job = checked_job(django_capture_on_commit_callbacks, clerk, resident_rows(3))
    other = make_user("shuocheng-bulk", "window_clerk", "140602")
    before, values = written(), job_values(job)
    # when / then through the services
    for service, message in ((bulk_import_confirm, CONFIRM_OUT_OF_SCOPE), (bulk_import_discard, DISCARD_OUT_OF_SCOPE)):
        with pytest.raises(ValidationError) as refusal:
            service(actor=other, job_id=job.pk)
        assert refusal.value.messages == [message]
    # and through the pages, which answer as for a job that does not exist
    client.force_login(other)
    assert client.post(f"/bulk/{job.pk}/confirm/").status_code == 404
    assert client.post(f"/bulk/{job.pk}/discard/").status_code == 404
    assert (written(), job_values(job)) == (before, values)


def test_confirming_a_job_not_waiting_for_confirmation_is_refused_and_changes_nothing(
    client, clerk, django_capture_on_commit_callbacks
):
    # given a refused file, and a checked one the clerk discarded
    bad = resident_rows(3)
    bad[2][1] = ""
    refused = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(bad), confirm=False)
    discarded = checked_job(django_capture_on_commit_callbacks, clerk, resident_rows(2))
    bulk_import_discard(actor=clerk, job_id=discarded.pk)
    assert (refused.status, job_values(discarded)[0]) == (JobStatus.REFUSED, JobStatus.DISCARDED)
    before, values = written(), [job_values(refused), job_values(discarded)]
    # when / then
    for job in (refused, discarded):
        with pytest.raises(ValidationError) as refusal:
            bulk_import_confirm(actor=clerk, job_id=job.pk)
        assert refusal.value.messages == [NOT_AWAITING_CONFIRMATION]
    client.force_login(clerk)
    response = client.post(f"/bulk/{refused.pk}/confirm/", follow=True)
    assert NOT_AWAITING_CONFIRMATION in response.content.decode()
    assert (written(), [job_values(refused), job_values(discarded)]) == (before, values)


def test_a_discarded_job_writes_nothing_and_says_so(client, clerk, django_capture_on_commit_callbacks):
    # given
    job = checked_job(django_capture_on_commit_callbacks, clerk, resident_rows(3))
    before = written()
    client.force_login(clerk)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bulk/{job.pk}/discard/", follow=True)
    # then
    page = response.content.decode()
    assert "状态：<strong>已放弃</strong>" in page
    assert "已放弃该文件，未写入任何数据。" in page
    assert ">确认导入</button>" not in page
    assert written() == before
    assert BulkImportJob.objects.get(pk=job.pk).finished_at is not None


def test_a_user_without_the_bulk_import_right_cannot_confirm(client, clerk, django_capture_on_commit_callbacks):
    # given
    job = checked_job(django_capture_on_commit_callbacks, clerk, resident_rows(2))
    values = job_values(job)
    client.force_login(make_user("township", "township_official", "140621100"))
    # when / then
    assert client.post(f"/bulk/{job.pk}/confirm/").status_code == 403
    assert client.get(f"/bulk/{job.pk}/confirm/").status_code in (403, 405)
    assert job_values(job) == values
