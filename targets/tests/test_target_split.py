"""R10.1: a city splits its subsidised-newborn target among its counties, by the page or by a file; the shares
must add up to the city's target exactly, else nothing is saved."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from conftest import SHANYIN, make_user
from core.batches import BatchStatus
from divisions.models import Division
from targets.models import Target, TargetSplitBatch
from targets.services.split import target_split_save

pytestmark = pytest.mark.django_db
SHUOZHOU_COUNTIES = ["140602", "140603", "140621", "140622", "140623", "140671", "140681"]
SPLIT = {"140602": 1500, "140603": 600, "140621": 700, "140622": 900, "140623": 300, "140671": 200, "140681": 1800}


def county_targets():
    return dict(
        Target.objects.filter(division_id__in=SHUOZHOU_COUNTIES, year=2026, metric="subsidised_newborns")
        .order_by("division_id")
        .values_list("division_id", "value")
    )


def split_post(values):
    return {f"county_{code}": value for code, value in values.items()}


def split_file(rows, *, header=("区县代码", "区县", "目标人数")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["朔州市2026年度资助新生儿参保目标分解"])  # a title row above the header
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "分解.xlsx"
    return upload


def test_r10_1_the_split_page_lists_the_counties_against_the_city_target(client, city_staff):
    # when
    client.force_login(city_staff)
    response = client.get("/targets/split/", {"year": 2026})
    # then
    assert response.status_code == 200
    assert [county.code for county, _ in response.context["form"].rows()] == SHUOZHOU_COUNTIES
    assert (response.context["city"].code, response.context["city_target"], response.context["current_total"]) == (
        "1406",
        6000,
        0,
    )
    assert '<strong id="city-target" data-value="6000">6000</strong>' in response.content.decode()


def test_r10_1_a_split_adding_up_to_the_city_target_is_saved_with_its_source_and_history(client, city_staff):
    # when
    client.force_login(city_staff)
    response = client.post("/targets/split/?year=2026", split_post(SPLIT))
    # then
    assert (response.status_code, response["Location"]) == (302, "/targets/split/?year=2026&city=1406")
    assert county_targets() == {code: Decimal(value) for code, value in SPLIT.items()}
    shanyin = Target.objects.get(division_id=SHANYIN, year=2026, metric="subsidised_newborns")
    assert shanyin.source_document == "朔州市分解（shuozhou）"
    assert [(record.value, record.history_user) for record in shanyin.history.all()] == [(Decimal(700), city_staff)]
    page = client.get("/targets/split/", {"year": 2026})
    assert page.context["current_total"] == 6000
    assert len(page.context["history"]) == 7


def test_r10_1_a_new_split_changes_only_the_counties_whose_share_changed(client, city_staff):
    # given
    client.force_login(city_staff)
    client.post("/targets/split/?year=2026", split_post(SPLIT))
    # when: 100 moved from 怀仁 to 山阴
    client.post("/targets/split/?year=2026", split_post({**SPLIT, "140621": 800, "140681": 1700}))
    # then
    assert county_targets()[SHANYIN] == Decimal(800)
    assert Target.history.filter(division_id=SHANYIN).count() == 2
    assert Target.history.filter(division_id="140681").count() == 2
    assert Target.history.filter(division_id="140602").count() == 1


def test_r10_1_a_split_not_adding_up_is_refused_and_nothing_is_saved(client, city_staff):
    # given
    client.force_login(city_staff)
    client.post("/targets/split/?year=2026", split_post(SPLIT))
    before = county_targets()
    # when: 山阴 raised by one
    response = client.post("/targets/split/?year=2026", split_post({**SPLIT, "140621": 701}))
    # then
    assert response.status_code == 400
    assert "各区县目标之和（6001人）与朔州市目标（6000人）不一致，相差-1人，未保存。" in response.content.decode()
    assert county_targets() == before
    assert Target.history.filter(division_id=SHANYIN).count() == 1


def test_r10_1_a_missing_or_negative_share_is_refused_and_nothing_is_saved(client, city_staff):
    # when
    client.force_login(city_staff)
    values = {**SPLIT, "140621": -5}
    del values["140602"]
    response = client.post("/targets/split/?year=2026", split_post(values))
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写朔城区的目标人数。" in html
    assert "山阴县的目标人数不能为负数。" in html
    assert county_targets() == {}


def test_r10_1_the_service_refuses_a_split_of_a_city_without_a_target(city_staff):
    # given
    Target.objects.filter(division_id="1406", year=2026).delete()
    # when
    with pytest.raises(ValidationError) as refusal:
        target_split_save(actor=city_staff, city=Division.objects.get(code="1406"), year=2026, values=SPLIT)
    # then
    assert refusal.value.messages == ["朔州市2026年度尚未下达资助新生儿参保目标，无法分解。"]
    assert county_targets() == {}


def test_r10_1_only_city_staff_split_and_only_their_own_city(client, city_staff):
    # given
    province = make_user("shanxi", "province_staff", "14")
    # when
    client.force_login(province)
    forbidden = client.post("/targets/split/?year=2026&city=1406", split_post(SPLIT))
    client.force_login(city_staff)
    elsewhere = client.post("/targets/split/?year=2026&city=1401", split_post(SPLIT))
    # then nothing changed
    assert (forbidden.status_code, elsewhere.status_code) == (403, 404)
    assert county_targets() == {}


# --- The file ---------------------------------------------------------------------------------------------------


def test_r10_1_split_file_preview_then_confirm(client, city_staff):
    # given
    client.force_login(city_staff)
    upload = split_file([(code, "", value) for code, value in SPLIT.items()])
    # when
    preview = client.post("/targets/split/import/?year=2026", {"file": upload})
    # then: shown, nothing saved yet
    assert preview.status_code == 200
    assert [(row["row"], row["code"], row["name"], row["value"]) for row in preview.context["batch"].rows][:2] == [
        (3, "140602", "朔城区", 1500),
        (4, "140603", "平鲁区", 600),
    ]
    assert preview.context["batch"].total == 6000
    assert county_targets() == {}
    # when confirmed
    confirmed = client.post("/targets/split/import/confirm/", {"batch": preview.context["batch"].pk})
    # then
    assert confirmed["Location"] == "/targets/split/?year=2026&city=1406"
    assert county_targets() == {code: Decimal(value) for code, value in SPLIT.items()}


def test_r10_1_split_file_with_bad_rows_cannot_be_confirmed(client, city_staff):
    # given: a Taiyuan county, a negative count, a word for a number, 山阴 twice, 怀仁 missing
    rows = [
        ("140105", "小店区", 100),
        ("140602", "朔城区", -1),
        ("140603", "平鲁区", "六百"),
        ("140621", "山阴县", 700),
        ("140621", "山阴县", 700),
    ]
    client.force_login(city_staff)
    # when
    response = client.post("/targets/split/import/?year=2026", {"file": split_file(rows)})
    # then
    assert [(row["row"], row["errors"]) for row in response.context["batch"].rows] == [
        (3, ["区县代码「140105」不是朔州市的区县。"]),
        (4, ["目标人数「-1」不能为负数。"]),
        (5, ["目标人数「六百」不是数字。"]),
        (6, ["区县代码「140621」在文件中重复（第6、7行）。"]),
        (7, ["区县代码「140621」在文件中重复（第6、7行）。"]),
    ]
    assert response.context["batch"].can_confirm is False
    assert "确认保存" not in response.content.decode()
    assert "文件有错误，未保存任何数据。" in response.content.decode()
    assert county_targets() == {}


def test_r10_1_split_file_not_adding_up_cannot_be_confirmed(client, city_staff):
    # given every county, 100 short
    client.force_login(city_staff)
    upload = split_file([(code, "", value) for code, value in {**SPLIT, "140681": 1700}.items()])
    # when
    response = client.post("/targets/split/import/?year=2026", {"file": upload})
    # then
    assert response.context["batch"].problems == [
        "各区县目标之和（5900人）与朔州市目标（6000人）不一致，相差+100人，未保存。"
    ]
    assert response.context["batch"].can_confirm is False
    assert "确认保存" not in response.content.decode()
    assert county_targets() == {}


def test_r10_1_a_confirmation_of_no_preview_or_of_another_citys_saves_nothing(client, city_staff):
    # given a file previewed for 朔州市
    client.force_login(city_staff)
    preview = client.post(
        "/targets/split/import/?year=2026", {"file": split_file([(c, "", v) for c, v in SPLIT.items()])}
    )
    batch = preview.context["batch"]
    # when a confirmation names no preview, and Taiyuan's city staff confirm 朔州's
    forged = client.post("/targets/split/import/confirm/", {"batch": "forged"})
    client.force_login(make_user("taiyuan", Role.CITY_STAFF, "1401"))
    other = client.post("/targets/split/import/confirm/", {"batch": batch.pk})
    # then neither exists, and nothing is saved
    assert (forged.status_code, other.status_code) == (404, 404)
    assert county_targets() == {}
    assert TargetSplitBatch.objects.get().status == BatchStatus.PREVIEWED


def test_r10_1_a_split_file_is_saved_once_and_a_second_confirmation_changes_nothing(client, city_staff):
    # given a file previewed, confirmed, then the split changed on the page
    client.force_login(city_staff)
    preview = client.post(
        "/targets/split/import/?year=2026", {"file": split_file([(c, "", v) for c, v in SPLIT.items()])}
    )
    pk = preview.context["batch"].pk
    client.post("/targets/split/import/confirm/", {"batch": pk})
    assert county_targets() == {code: Decimal(value) for code, value in SPLIT.items()}
    changed = {**SPLIT, "140602": 1400, "140603": 700}
    client.post("/targets/split/?year=2026&city=1406", split_post(changed))
    # when the file is confirmed again
    again = client.post("/targets/split/import/confirm/", {"batch": pk}, follow=True)
    # then refused, the page's split stays
    assert "该文件已保存，不能重复保存。" in again.content.decode()
    assert county_targets() == {code: Decimal(value) for code, value in changed.items()}
    assert Target.history.filter(division_id="140602", year=2026).count() == 2


def test_r10_1_the_split_template_lists_the_city_counties(client, city_staff):
    # when
    client.force_login(city_staff)
    response = client.get("/targets/split/template/", {"year": 2026})
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=3, max_col=3)]
    assert rows == [["区县代码", "区县", "目标人数"], ["140602", "朔城区", None], ["140603", "平鲁区", None]]


def test_r10_1_a_province_wide_administrator_first_chooses_a_city_with_a_target(client):
    # given
    administrator = make_user("admin2026", "system_admin", "14")
    client.force_login(administrator)
    # when
    response = client.get("/targets/split/", {"year": 2026})
    # then: the eleven cities of 附件1, and no split form yet
    assert [city.name for city in response.context["cities"]][:3] == ["太原市", "大同市", "阳泉市"]
    assert len(response.context["cities"]) == 11
    assert "split-form" not in response.content.decode()
