"""The bulk import pages: upload, progress, the report, templates, and who may import for which county."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from bulk.models import BulkImportJob
from bulk.services import bulk_import_create
from conftest import make_user
from divisions.models import Division
from enrollment.models import Resident

from .helpers import csv_file, resident_rows, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_clerk_uploads_a_file_and_follows_its_progress(client, clerk, django_capture_on_commit_callbacks):
    # given
    client.force_login(clerk)
    page = client.get("/bulk/").content.decode()
    assert "批量导入" in page
    assert '<option value="140621" selected>' in page
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bulk/", {"kind": "resident_registry", "county": "140621", "file": csv_file(resident_rows(12))}
        )
    job = BulkImportJob.objects.get()
    # then the file is checked, shown, and nothing written yet
    assert response["Location"] == f"/bulk/{job.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "状态：<strong>待确认</strong>" in detail
    assert "校验完成，尚未写入任何数据。共 12 行：校验通过 12 行，确认后将一次性写入；错误 0 行。" in detail
    assert f'<form method="post" action="/bulk/{job.pk}/confirm/"' in detail
    assert "hx-get" not in detail  # waiting for the clerk: the page stops polling
    assert Resident.objects.count() == 0
    # when the clerk confirms
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bulk/{job.pk}/confirm/")
    # then
    assert response["Location"] == f"/bulk/{job.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "导入完成：共 12 行，新增 12，更新 0，未变化 0。" in detail
    partial = client.get(f"/bulk/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="bulk-import-job"')
    assert "hx-get" not in partial  # finished: the page stops polling
    assert Resident.objects.count() == 12


def test_a_running_job_is_polled(client, clerk):
    # given a job the worker has not finished
    client.force_login(clerk)
    job = BulkImportJob.objects.create(
        kind="resident_registry", county_id="140621", file_name="a.csv", requested_by=clerk, status="validating",
        rows_done=20_000, rows_total=80_000,
    )  # fmt: skip
    # when
    partial = client.get(f"/bulk/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    # then
    assert f'hx-get="/bulk/{job.pk}/"' in partial
    assert "已校验 20000 行，约 80000 行" in partial
    assert 'style="width: 25%"' in partial


def test_a_file_written_as_it_is_read_shows_the_rows_read_so_far(client, clerk):
    # given a confirmed file being loaded block by block: no row counts as checked until the whole file has been
    client.force_login(clerk)
    job = BulkImportJob.objects.create(
        kind="resident_registry", county_id="140621", file_name="a.csv", requested_by=clerk, status="loading",
        rows_done=30_000, rows_total=120_000,
    )  # fmt: skip
    # when
    partial = client.get(f"/bulk/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    # then
    assert "（已校验并写入 30000 行，约 120000 行；整个文件无误后一并生效，有错则一行也不写入）" in partial
    assert "正在一次性写入数据库" not in partial
    assert 'style="width: 25%"' in partial


def test_the_report_of_a_refused_file_is_downloaded(client, clerk, django_capture_on_commit_callbacks):
    # given
    rows = resident_rows(5)
    rows[2][1] = ""
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    client.force_login(clerk)
    # when
    detail = client.get(f"/bulk/{job.pk}/").content.decode()
    response = client.get(f"/bulk/{job.pk}/report.xlsx")
    # then
    assert "共 5 行，其中 1 行有错误" in detail
    assert f'href="/bulk/{job.pk}/report.xlsx"' in detail
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[2]][0::7] == [3, "姓名为空。"]


def test_a_county_outside_the_scope_is_refused_and_nothing_is_written(client, clerk):
    # given
    client.force_login(clerk)
    # when
    response = client.post(
        "/bulk/", {"kind": "resident_registry", "county": "140602", "file": csv_file(resident_rows(3))}
    )
    # then
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert BulkImportJob.objects.count() == 0
    assert Resident.objects.count() == 0
    with pytest.raises(ValidationError) as refusal:
        bulk_import_create(
            actor=clerk,
            kind="resident_registry",
            county=Division.objects.get(code="140602"),
            uploaded_file=csv_file(resident_rows(3)),
        )
    assert refusal.value.message_dict == {"county": ["只能导入本辖区区县的数据。"]}
    assert BulkImportJob.objects.count() == 0


def test_jobs_of_other_counties_answer_404_and_other_roles_403(client, clerk, django_capture_on_commit_callbacks):
    # given a job of 朔城区
    shuocheng_clerk = make_user("shuocheng", "window_clerk", "140602")
    job = run_import(
        django_capture_on_commit_callbacks, actor=shuocheng_clerk, county="140602",
        upload=csv_file([["身份证号", "姓名", "户籍地代码"], [resident_rows(1)[1][0], "外县人", "140602001001"]]),
    )  # fmt: skip
    client.force_login(clerk)
    # then
    assert client.get(f"/bulk/{job.pk}/").status_code == 404
    assert client.get(f"/bulk/{job.pk}/report.xlsx").status_code == 404
    assert "尚无导入任务。" in client.get("/bulk/").content.decode()
    client.force_login(make_user("township", "township_official", "140621100"))
    assert client.get("/bulk/").status_code == 403


def test_templates_have_the_columns(client, clerk):
    # given
    client.force_login(clerk)
    # when
    response = client.get("/bulk/templates/enrollment_history.xlsx")
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "身份证号", "保险年度", "缴费日期", "个人缴费", "资助金额", "资助类别", "待遇开始", "待遇截止", "状态",
    ]  # fmt: skip
    assert client.get("/bulk/templates/nothing.xlsx").status_code == 404
