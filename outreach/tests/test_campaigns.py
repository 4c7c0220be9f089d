"""Campaigns: the messages written from a source and a template with the policy's deadline and amount, sent through
the SMS platform (a stub on a local port), by file or as notices; never twice to one person; opt-outs respected."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from conftest import YUJING_TOWN
from divisions.models import Division
from enrollment.rules import id_number_compose
from outreach.models import Campaign, CampaignMessage, CampaignSendJob, Outcome, PhoneOptOut
from outreach.services import campaign_create, campaign_send_run, phone_opt_out_create
from outreach.sources import UNINSURED_SOURCE
from uninsured.services.people import uninsured_person_create

from .gateway import closed_port_url, sms_gateway

pytestmark = pytest.mark.django_db

D = datetime.date
SEPTEMBER = D(2026, 9, 1)
YUJING_VILLAGE = "140621100200"  # 玉井村委会
TEMPLATE = "{姓名}：请于{截止日期}前缴纳{金额}元（{村}）"


def ledger_person(official, name, sequence, phone, year=2026):
    return uninsured_person_create(
        actor=official,
        township=Division.objects.get(code=YUJING_TOWN),
        year=year,
        name=name,
        id_number=id_number_compose(address_code="140621", birth_date=D(1980, 1, 2), sequence=sequence),
        phone=phone,
        village=Division.objects.get(code=YUJING_VILLAGE),
    )


def sms_campaign(official, channel="sms"):
    return campaign_create(
        actor=official,
        name="测试动员",
        source=UNINSURED_SOURCE,
        division_code=YUJING_TOWN,
        year=2027,
        template=TEMPLATE,
        channel=channel,
        today=SEPTEMBER,
    )


def send(campaign, official):
    job = CampaignSendJob.objects.create(campaign=campaign, requested_by=official)
    return campaign_send_run(job_id=job.pk, today=SEPTEMBER)


def outcomes(campaign):
    return dict(CampaignMessage.objects.filter(campaign=campaign).values_list("name", "outcome"))


def test_message_tells_the_deadline_and_amount_of_the_policy(yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    campaign = sms_campaign(yujing_official, channel="file")
    # when
    send(campaign, yujing_official)
    # then
    message = CampaignMessage.objects.get(campaign=campaign)
    assert message.text == "张三：请于2026年12月25日前缴纳400.00元（玉井村委会）"
    assert (message.deadline, message.amount, message.outcome) == (D(2026, 12, 25), Decimal("400.00"), Outcome.EXPORTED)
    print(message.explanation)
