"""What a campaign leaves on the township ledger's 动员情况 (page and Excel alike), the September schedule, and the
newborns' source."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from accounts.models import Role
from conftest import YUJING_TOWN, make_user
from divisions.models import Division
from enrollment.rules import id_number_compose
from newborns.services import newborn_register
from outreach.models import Campaign, CampaignMessage, CampaignSendJob
from outreach.services import DEFAULT_TEMPLATE, campaign_create, campaign_send_run, scheduled_campaigns_create
from outreach.sources import NEWBORNS_SOURCE, UNINSURED_SOURCE, source_get
from tests.factories import ResidentFactory
from uninsured.services.people import uninsured_person_create

from .gateway import sms_gateway

pytestmark = pytest.mark.django_db

D = datetime.date
SEPTEMBER = D(2026, 9, 1)
YINGXIAN_TOWN = "140622100"  # 应县: another county of 朔州
YUJING_VILLAGE = "140621100200"  # 玉井村委会


def ledger_person(official, township_code, name, sequence, phone):
    return uninsured_person_create(
        actor=official,
        township=Division.objects.get(code=township_code),
        year=2026,
        name=name,
        id_number=id_number_compose(address_code=township_code[:6], birth_date=D(1980, 1, 2), sequence=sequence),
        phone=phone,
    )


def test_the_ledger_shows_the_reminder_on_the_page_and_in_the_excel(client, yujing_official):
    # given: a reminder sent on 3 September
    person = ledger_person(yujing_official, YUJING_TOWN, "张三", 11, "13800000001")
    campaign = campaign_create(
        actor=yujing_official,
        name="",
        source=UNINSURED_SOURCE,
        division_code=YUJING_TOWN,
        year=2027,
        template="{姓名}请缴费",
        channel="sms",
        today=SEPTEMBER,
    )
    job = CampaignSendJob.objects.create(campaign=campaign, requested_by=yujing_official)
    with sms_gateway() as gateway, override_settings(SMS_GATEWAY_URL=gateway.url):
        campaign_send_run(job_id=job.pk, today=SEPTEMBER)
    CampaignMessage.objects.update(sent_at=datetime.datetime(2026, 9, 3, 10, 0, tzinfo=datetime.UTC))
    client.force_login(yujing_official)
    # when
    page = client.get(reverse("uninsured_ledger"), {"township": YUJING_TOWN, "year": 2026})
    excel = client.get(reverse("uninsured_ledger_export"), {"township": YUJING_TOWN, "year": 2026})
    # then
    assert "短信提醒 2026-09-03 已发送" in page.content.decode()
    sheet = load_workbook(io.BytesIO(excel.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    (header,) = [row for row in rows if "动员情况（系统记录）" in row]
    (line,) = [row for row in rows if person.name in row]
    assert line[header.index("动员情况（系统记录）")] == "短信提醒 2026-09-03 已发送"


def test_september_creates_one_campaign_per_county_and_year(yujing_official):
    # given: people on the ledgers of two counties
    ying_official = make_user("ying", Role.TOWNSHIP_OFFICIAL, YINGXIAN_TOWN)
    ledger_person(yujing_official, YUJING_TOWN, "张三", 11, "13800000001")
    ledger_person(yujing_official, "140621101", "李四", 12, "13800000002")
    ledger_person(ying_official, YINGXIAN_TOWN, "王五", 13, "13800000003")
    # when: the schedule runs, and runs again
    first = scheduled_campaigns_create(today=SEPTEMBER)
    again = scheduled_campaigns_create(today=SEPTEMBER)
    # then
    assert sorted((campaign.division_id, campaign.year) for campaign in first) == [("140621", 2027), ("140622", 2027)]
    assert again == []
    assert Campaign.objects.filter(scheduled=True).count() == 2
    assert set(Campaign.objects.values_list("template", "channel")) == {(DEFAULT_TEMPLATE, "sms")}
    assert CampaignSendJob.objects.count() == 2


def test_the_september_schedule_is_stored_for_beat():
    # given / when: the migrations ran
    task = PeriodicTask.objects.get(task="outreach.september_campaigns")
    # then
    assert (task.crontab.month_of_year, task.crontab.day_of_month, task.crontab.hour, task.crontab.minute) == (
        "9",
        "1",
        "9",
        "0",
    )
    assert task.enabled


def test_newborn_source_reminds_a_baby_awaiting_its_id_number(clerk):
    # given: a baby registered without its ID number, its mother's phone in the registry
    mother = ResidentFactory(actor=clerk, birth_date=D(1995, 3, 12), sequence=41, name="刘母", phone="13800000007")
    newborn_register(
        actor=clerk,
        birth_certificate_no="Q140621001",
        name="刘宝",
        gender="M",
        birth_date=D(2026, 8, 10),
        mother_id_number=mother.id_number,
        division=Division.objects.get(code=YUJING_VILLAGE),
        registration_date=D(2026, 8, 20),
    )
    # when
    targets = source_get(NEWBORNS_SOURCE).people(
        actor=clerk, division=Division.objects.get(code="140621"), year=2026, today=SEPTEMBER
    )
    # then
    (target,) = targets
    assert (target.name, target.phone, target.village.code, target.reason) == (
        "刘宝",
        "13800000007",
        YUJING_VILLAGE,
        "出生登记尚未补录身份证号（R7.5）",
    )
    assert (target.deadline, target.amount) == (D(2026, 11, 8), Decimal("0.00"))
    assert target.explanation == (
        "截止日期：R7.1 出生之日起90天内登记参保，截止2026年11月8日（山政办发〔2025〕17号 三（2））。"
        "应缴金额0.00元（按参保测算，与窗口和测算接口同一计算）："
        "R1.2 2026年度个人缴费标准400.00元（山政办发〔2025〕17号）；"
        "R7.2 2026年1月1日以后出生的新生儿，出生当年个人缴费400.00元由财政全额资助（晋医保发〔2026〕4号）。"
    )
