"""A job whose worker is gone (its heartbeat stopped): shown as 已中断 on its page, in the poll and in the list, with a
重试 button that queues it again, for the clerks of its county only."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from bulk.models import BulkImportJob
from conftest import make_user
from core.models import JobStatus, PendingSubmission
from enrollment.models import Resident

from .helpers import job_loading

pytestmark = pytest.mark.django_db
JOB_FIELDS = ("status", "started_at", "heartbeat_at", "rows_total", "rows_done", "rows_valid", "error_message")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_HEARTBEAT_STALE_SECONDS = 30


def job_loading_heard_of(clerk, *, heard_of_ago: datetime.timedelta) -> BulkImportJob:
    """A job of 12 people whose worker was writing them when it was last heard of."""
    return job_loading(clerk, heartbeat_at=timezone.now() - heard_of_ago, people=12)


def job_values(job: BulkImportJob) -> tuple:
    return BulkImportJob.objects.values_list(*JOB_FIELDS).get(pk=job.pk)


def test_a_job_whose_heartbeat_stopped_is_shown_interrupted_with_a_retry_button(client, clerk):
    # given a job last heard of a minute ago, with a heartbeat due every 5 seconds
    job = job_loading_heard_of(clerk, heard_of_ago=datetime.timedelta(minutes=1))
    client.force_login(clerk)
    # when its page, its poll and the list are shown
    page = client.get(f"/bulk/{job.pk}/").content.decode()
    poll = client.get(f"/bulk/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    listing = client.get("/bulk/").content.decode()
    # then each says 已中断, and the page and the poll offer to retry
    for html in (page, poll):
        assert "状态：<strong>已中断</strong>" in html
        assert "（后台进程已停止响应）" in html
        assert f'<form method="post" action="/bulk/{job.pk}/retry/"' in html
        assert ">重试</button>" in html
        assert "正在一次性写入数据库" not in html
    assert "<td>已中断</td>" in listing


def test_a_job_heard_of_recently_is_shown_writing_without_a_retry_button(client, clerk):
    job = job_loading_heard_of(clerk, heard_of_ago=datetime.timedelta(seconds=3))
    client.force_login(clerk)
    poll = client.get(f"/bulk/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "状态：<strong>写入中</strong>" in poll
    assert "（12 行校验通过，正在一次性写入数据库）" in poll
    assert "重试" not in poll
    assert "<td>写入中</td>" in client.get("/bulk/").content.decode()


def test_retry_queues_the_interrupted_job_again_and_it_runs_from_the_file(
    client, clerk, django_capture_on_commit_callbacks
):
    # given an interrupted job
    job = job_loading_heard_of(clerk, heard_of_ago=datetime.timedelta(minutes=1))
    client.force_login(clerk)
    # when the clerk retries it (the task runs in-process once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bulk/{job.pk}/retry/")
    # then it ran again from the file, to the end
    assert (response.status_code, response["Location"]) == (302, f"/bulk/{job.pk}/")
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_created, job.error_message) == (
        JobStatus.SUCCEEDED,
        12,
        12,
        "",
    )
    assert Resident.objects.count() == 12
    assert PendingSubmission.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "已重新排队，导入将从文件开头重新进行。" in page
    assert "导入完成：共 12 行，新增 12，更新 0，未变化 0。" in page


def test_retry_of_a_job_whose_worker_lives_is_refused_and_changes_nothing(client, clerk):
    job = job_loading_heard_of(clerk, heard_of_ago=datetime.timedelta(seconds=3))
    before = job_values(job)
    client.force_login(clerk)
    response = client.post(f"/bulk/{job.pk}/retry/", follow=True)
    assert response.status_code == 200
    assert "该导入任务没有中断，无需重试。" in response.content.decode()
    assert job_values(job) == before
    assert (PendingSubmission.objects.count(), Resident.objects.count()) == (0, 0)


def test_retry_by_a_clerk_of_another_county_answers_404_and_changes_nothing(client, clerk):
    job = job_loading_heard_of(clerk, heard_of_ago=datetime.timedelta(minutes=1))
    before = job_values(job)
    client.force_login(make_user("shuocheng", "window_clerk", "140602"))
    assert client.post(f"/bulk/{job.pk}/retry/").status_code == 404
    client.force_login(make_user("township", "township_official", "140621100"))
    assert client.post(f"/bulk/{job.pk}/retry/").status_code == 403
    assert job_values(job) == before
    assert (PendingSubmission.objects.count(), Resident.objects.count()) == (0, 0)


def test_retry_needs_a_post_with_the_csrf_token(clerk):
    job = job_loading_heard_of(clerk, heard_of_ago=datetime.timedelta(minutes=1))
    before = job_values(job)
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.get(f"/bulk/{job.pk}/retry/").status_code == 405
    assert client.post(f"/bulk/{job.pk}/retry/").status_code == 403
    assert job_values(job) == before
    assert PendingSubmission.objects.count() == 0
