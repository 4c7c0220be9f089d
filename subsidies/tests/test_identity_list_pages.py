"""The identity list pages: upload → preview → confirm, downloads, and who may see which list."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from conftest import make_user
from enrollment.rules import id_number_compose
from subsidies.models import HardshipIdentity, IdentityListBatch

pytestmark = pytest.mark.django_db
STRANGER = id_number_compose(address_code="140621", birth_date=datetime.date(1970, 1, 1), sequence=31)


def upload(client, rows, department="民政", name="低保名单.xlsx", list_date="2025-10-01"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    data = {"department": department, "list_date": list_date, "county": "140621", "file": buffer}
    return client.post("/subsidies/identity-lists/", data)


def test_clerk_uploads_previews_and_confirms_a_list(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    # when
    response = upload(
        client,
        [
            ["姓名", "身份证号", "身份类别"],
            ["王玉井", yujing_resident.id_number, "低保"],
            ["赵某", STRANGER, "低保"],
        ],
    )
    batch = IdentityListBatch.objects.get()
    # then the preview shows what would happen and nothing is written
    assert response["Location"] == f"/subsidies/identity-lists/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page
    assert "档案中未找到的人员" in page
    assert HardshipIdentity.objects.count() == 0
    # when confirmed
    response = client.post(f"/subsidies/identity-lists/{batch.pk}/confirm/", follow=True)
    # then
    assert "已导入：新增1项身份，更新0项，终止0项。" in response.content.decode()
    assert list(HardshipIdentity.objects.values_list("category", "batch_id")) == [("dibao", batch.pk)]
    unmatched = load_workbook(
        io.BytesIO(client.get(f"/subsidies/identity-lists/{batch.pk}/unmatched.xlsx").content)
    ).active
    assert unmatched["A1"].value == "山阴县民政名单中档案未登记人员"
    assert [cell.value for cell in unmatched[4]][1:4] == [3, "赵某", STRANGER]


def test_a_refused_list_shows_its_errors_offers_the_error_file_and_cannot_be_confirmed(client, clerk, yujing_resident):
    client.force_login(clerk)
    upload(client, [["姓名", "身份证号", "身份类别"], ["王玉井", yujing_resident.id_number, "富裕户"]])
    batch = IdentityListBatch.objects.get()
    page = client.get(f"/subsidies/identity-lists/{batch.pk}/").content.decode()
    assert "「富裕户」不是民政认定的类别" in page
    assert "确认导入" not in page
    errors = load_workbook(io.BytesIO(client.get(f"/subsidies/identity-lists/{batch.pk}/errors.xlsx").content)).active
    assert errors["D2"].value == "富裕户"
    response = client.post(f"/subsidies/identity-lists/{batch.pk}/confirm/", follow=True)
    assert "该名单有错误，不能导入" in response.content.decode()
    assert HardshipIdentity.objects.count() == 0


def test_upload_form_refuses_a_future_list_date_in_chinese(client, clerk):
    client.force_login(clerk)
    response = upload(client, [["身份证号"]], list_date="2999-01-01")
    assert "名单日期不能晚于今天。" in response.content.decode()
    assert IdentityListBatch.objects.count() == 0


def test_template_downloads_for_each_department(client, clerk):
    client.force_login(clerk)
    sheet = load_workbook(io.BytesIO(client.get("/subsidies/identity-lists/templates/卫健.xlsx").content))["卫健名单"]
    assert sheet["C1"].value == "身份类别"
    assert client.get("/subsidies/identity-lists/templates/公安.xlsx").status_code == 404


def test_lists_of_another_county_answer_404_and_township_officials_may_not_import(
    client, clerk, yujing_official, yujing_resident
):
    # given a list of Shanyin
    client.force_login(clerk)
    upload(client, [["姓名", "身份证号", "身份类别"], ["王玉井", yujing_resident.id_number, "低保"]])
    batch = IdentityListBatch.objects.get()
    # then a clerk of another county does not see it, and cannot confirm it
    other = make_user("yingxian", "window_clerk", "140622")
    client.force_login(other)
    assert client.get(f"/subsidies/identity-lists/{batch.pk}/").status_code == 404
    assert client.post(f"/subsidies/identity-lists/{batch.pk}/confirm/").status_code == 404
    assert HardshipIdentity.objects.count() == 0
    # and a township official has no import pages
    client.force_login(yujing_official)
    assert client.get("/subsidies/identity-lists/").status_code == 403
