"""The outreach pages: a campaign previewed then sent, its page with the counts per outcome, the notices printed per
village, the opt-outs, and a campaign of another division answering 404."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conftest import YUJING_TOWN, make_user
from divisions.models import Division
from divisions.selectors import division_label_with_parent
from enrollment.rules import id_number_compose
from outreach.models import Campaign, CampaignMessage, PhoneOptOut
from outreach.services import campaign_create, campaign_messages_prepare
from outreach.sources import UNINSURED_SOURCE
from tests.pages import select_html
from uninsured.services.people import uninsured_person_create

pytestmark = pytest.mark.django_db

D = datetime.date
YUJING_VILLAGE = "140621100200"  # 玉井村委会
SHUITOU_VILLAGE = "140621100201"  # 水头村委会


def ledger_person(official, name, sequence, phone, village=YUJING_VILLAGE):
    return uninsured_person_create(
        actor=official,
        township=Division.objects.get(code=YUJING_TOWN),
        year=timezone.localdate().year,
        name=name,
        id_number=id_number_compose(address_code="140621", birth_date=D(1980, 1, 2), sequence=sequence),
        phone=phone,
        village=Division.objects.get(code=village),
    )


def form_data(**changes):
    return {
        "name": "玉井镇提醒",
        "source": UNINSURED_SOURCE,
        "division": YUJING_TOWN,
        "year": timezone.localdate().year + 1,
        "channel": "file",
        "template": "{姓名}（{村}）请缴费{金额}元",
        **changes,
    }


def test_preview_shows_the_count_and_the_first_messages_and_writes_nothing(client, yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    ledger_person(yujing_official, "李四", 12, "")
    client.force_login(yujing_official)
    # when
    response = client.post(reverse("campaign_new"), form_data(action="preview"))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert '共 <strong id="preview-people">2</strong> 人，其中有手机号的 1 人' in page
    assert "张三（玉井村委会）请缴费400.00元" in page
    assert Campaign.objects.count() == 0


def test_sending_from_the_page_creates_the_campaign_and_its_messages(
    client, yujing_official, django_capture_on_commit_callbacks
):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    client.force_login(yujing_official)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaign_new"), form_data(action="send"))
    # then
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("campaign_detail", args=[campaign.pk])
    assert list(CampaignMessage.objects.values_list("name", "outcome")) == [("张三", "exported")]
    detail = client.get(response["Location"]).content.decode()
    assert '<td class="text-end" data-outcome="exported">1</td>' in detail
    assert "张三（玉井村委会）请缴费400.00元" in detail


def test_a_city_clerks_campaign_division_is_typed_into_a_list_of_the_citys_counties_and_townships(client):
    # given a clerk of the city's service hall: the city's counties and townships, too many to scroll through
    official = make_user("shuozhou_campaign", Role.WINDOW_CLERK, "1406")
    client.force_login(official)
    # when
    page = client.get(reverse("campaign_new")).content.decode()
    # then the list is one to search by typing, each named after the division above it
    select = select_html(page, "division")
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)
    expected = [official.division, *Division.objects.filter(code__startswith="1406", level__in=["county", "township"])]
    assert "data-searchable" in select
    assert options == [(division.code, division_label_with_parent(division)) for division in expected]
    assert ("140621100", "山阴县 玉井镇") in options


def test_a_division_outside_the_scope_is_refused_and_nothing_written(client, yujing_official):
    # given
    client.force_login(yujing_official)
    # when
    response = client.post(reverse("campaign_new"), form_data(division="140621101", action="send"))
    # then
    assert response.status_code == 400
    assert Campaign.objects.count() == 0


def test_notices_are_grouped_by_village_one_per_person(client, yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    ledger_person(yujing_official, "李四", 12, "", village=SHUITOU_VILLAGE)
    ledger_person(yujing_official, "王五", 13, "")
    campaign = campaign_create(
        actor=yujing_official,
        name="",
        source=UNINSURED_SOURCE,
        division_code=YUJING_TOWN,
        year=timezone.localdate().year + 1,
        template="{姓名}请缴费",
        channel="notice",
        today=timezone.localdate(),
    )
    campaign_messages_prepare(campaign=campaign, actor=yujing_official, today=timezone.localdate())
    client.force_login(yujing_official)
    # when
    page = client.get(reverse("campaign_notices", args=[campaign.pk])).content.decode()
    # then
    assert page.count('<article class="notice">') == 3
    assert (
        page.index("玉井村委会（2份）")
        < page.index("王五请缴费")
        < page.index("水头村委会（1份）")
        < page.index("李四请缴费")
    )


def test_a_campaign_of_another_township_does_not_exist_for_the_official(client, yujing_official):
    # given
    other = make_user("beizhouzhuang", Role.TOWNSHIP_OFFICIAL, "140621101")
    campaign = campaign_create(
        actor=other,
        name="",
        source=UNINSURED_SOURCE,
        division_code="140621101",
        year=timezone.localdate().year + 1,
        template="{姓名}请缴费",
        channel="file",
        today=timezone.localdate(),
    )
    client.force_login(yujing_official)
    # when
    answers = [
        client.get(reverse(name, args=[campaign.pk])).status_code
        for name in ("campaign_detail", "campaign_export", "campaign_file", "campaign_notices")
    ]
    # then
    assert answers == [404, 404, 404, 404]


def test_opt_out_recorded_and_withdrawn_on_its_page(client, yujing_official):
    # given
    client.force_login(yujing_official)
    # when
    recorded = client.post(
        reverse("opt_out_list"), {"phone": "13800000002", "reason": "本人要求", "date": "2026-11-01"}
    )
    opt_out = PhoneOptOut.objects.get()
    listed = client.get(reverse("opt_out_list")).content.decode()
    withdrawn = client.post(reverse("opt_out_delete", args=[opt_out.pk]))
    # then
    assert (recorded.status_code, withdrawn.status_code) == (302, 302)
    assert "138****0002" in listed
    assert PhoneOptOut.objects.count() == 0
