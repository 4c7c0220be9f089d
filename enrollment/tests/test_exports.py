import io

import pytest
from openpyxl import load_workbook

from core.models import JobStatus
from enrollment.models import ExportJob, ExportKind
from enrollment.services.exports import export_job_create, export_job_run

pytestmark = pytest.mark.django_db


def create_and_commit(user) -> ExportJob:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return export_job_create(actor=user, kind=ExportKind.RESIDENT_ROSTER)


def roster_rows(job: ExportJob) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(job.file.read())).active
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]


def test_roster_export_holds_only_the_users_scope_with_masked_numbers(
    city_staff, yujing_official, yujing_resident, beizhouzhuang_resident, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    # when: run eagerly on commit (no broker configured)
    job = create_and_commit(yujing_official)
    job.refresh_from_db()
    # then
    assert (job.status, job.rows_done, job.rows_total, job.percent_done) == (JobStatus.SUCCEEDED, 1, 1, 100)
    rows = roster_rows(job)
    assert [(row[1], row[2]) for row in rows] == [("王玉井", yujing_resident.id_number)]

    masked_job = create_and_commit(city_staff)
    masked_job.refresh_from_db()
    numbers = sorted(row[2] for row in roster_rows(masked_job))
    expected = sorted(
        r.id_number[:6] + "********" + r.id_number[-4:] for r in (yujing_resident, beizhouzhuang_resident)
    )
    assert numbers == expected


def test_running_a_finished_job_again_changes_nothing(yujing_official, yujing_resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = create_and_commit(yujing_official)
    job.refresh_from_db()
    again = export_job_run(job_id=job.pk)
    assert (again.file.name, again.finished_at) == (job.file.name, job.finished_at)


def test_other_users_cannot_open_or_download_a_job(client, clerk, yujing_official, yujing_resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = create_and_commit(yujing_official)
    client.force_login(clerk)
    assert client.get(f"/reports/exports/{job.pk}/").status_code == 404
    assert client.get(f"/reports/exports/{job.pk}/download/").status_code == 404
    client.force_login(yujing_official)
    assert client.get(f"/reports/exports/{job.pk}/download/").status_code == 200


def test_a_running_export_is_shown_generating_and_interrupted_once_its_worker_is_silent(
    client, yujing_official, settings
):
    import datetime

    from django.utils import timezone

    # given an export running, its worker heard of just now
    settings.JOB_HEARTBEAT_STALE_SECONDS = 30
    now = timezone.now()
    job = ExportJob.objects.create(
        kind=ExportKind.RESIDENT_ROSTER,
        requested_by=yujing_official,
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        rows_total=4,
        rows_done=1,
    )
    client.force_login(yujing_official)
    poll = client.get(f"/reports/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "状态：<strong>生成中</strong>（1 / 4 行）" in poll
    # when its worker is silent for a minute
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=now - datetime.timedelta(minutes=1))
    # then the page says so
    poll = client.get(f"/reports/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "状态：<strong>已中断</strong>（1 / 4 行）" in poll


def test_ledger_cells_that_look_like_formulas_stay_text():
    import datetime
    import io

    from openpyxl import load_workbook

    from core.excel import report_xlsx
    from core.reports import Column, Report

    # given a value someone typed as a formula
    report = Report(
        title="台账",
        unit="山阴县",
        as_of=datetime.date(2026, 11, 26),
        columns=[Column("姓名", 20)],
        rows=[['=HYPERLINK("http://example.invalid","点击")']],
    )
    # when the file is read back
    cell = load_workbook(io.BytesIO(report_xlsx(report))).active["B4"]
    # then it is the text that was typed, not a formula
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.invalid","点击")', "s")
