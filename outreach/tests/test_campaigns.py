"""Campaigns: the messages written from a source and a template with the policy's deadline and amount, sent through
the SMS platform (a stub on a local port), by file or as notices; never twice to one person; opt-outs respected."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings

from conftest import YUJING_TOWN
from divisions.models import Division
from enrollment.rules import id_number_compose
from outreach.channels import OutgoingMessage, SmsGatewayChannel
from outreach.exports import campaign_file_content
from outreach.models import Campaign, CampaignMessage, CampaignSendJob, Outcome, PhoneOptOut
from outreach.rules import MinuteRateLimit
from outreach.services import campaign_create, campaign_messages_prepare, campaign_send_run, phone_opt_out_create
from outreach.sources import (
    UNINSURED_SOURCE,
    OutreachSource,
    OutreachTarget,
    source_get,
    source_register,
    source_unregister,
)
from subsidies.services import hardship_identity_create
from tests.factories import ResidentFactory
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
    assert message.explanation == (
        "截止日期：R2.1 2027年度集中征缴期正常缴费截止2026年12月25日（山政办发〔2025〕17号）。"
        "应缴金额400.00元（按参保测算，与窗口和测算接口同一计算）："
        "R1.2 2027年度个人缴费标准400.00元（山政办发〔2025〕17号）。"
    )


def test_sms_sent_through_the_gateway_with_a_result_per_message(yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    ledger_person(yujing_official, "李四", 12, "13800000009")  # the platform refuses it
    ledger_person(yujing_official, "王五", 13, "13800000008")  # the platform errs
    ledger_person(yujing_official, "赵六", 14, "")  # no phone
    campaign = sms_campaign(yujing_official)
    # when
    with sms_gateway() as gateway, override_settings(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_KEY="key-1"):
        job = send(campaign, yujing_official)
    # then
    assert job.status == "succeeded"
    assert outcomes(campaign) == {"张三": "sent", "李四": "failed", "王五": "failed", "赵六": "skipped"}
    assert sorted(request["phone"] for request in gateway.requests) == ["13800000001", "13800000008", "13800000009"]
    assert {headers["Authorization"] for headers in gateway.headers} == {"Bearer key-1"}
    sent = CampaignMessage.objects.get(campaign=campaign, name="张三")
    assert sent.gateway_message_id.startswith("G") and sent.sent_at is not None
    assert CampaignMessage.objects.get(campaign=campaign, name="李四").error == "号码已停机"
    assert CampaignMessage.objects.get(campaign=campaign, name="王五").error == "短信平台拒绝（HTTP 500）：内部错误"
    campaign.refresh_from_db()
    assert (campaign.people_count, campaign.sent_count, campaign.failed_count, campaign.skipped_count) == (4, 1, 2, 1)
    assert campaign.status == "done"


def test_gateway_down_records_each_failure_and_the_job_ends(yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    ledger_person(yujing_official, "李四", 12, "13800000002")
    campaign = sms_campaign(yujing_official)
    # when
    with override_settings(SMS_GATEWAY_URL=closed_port_url()):
        job = send(campaign, yujing_official)
    # then
    assert job.status == "succeeded"
    assert outcomes(campaign) == {"张三": "failed", "李四": "failed"}
    assert all(
        error.startswith("短信平台无法连接") for error in CampaignMessage.objects.values_list("error", flat=True)
    )


def test_running_the_job_twice_or_a_second_job_sends_nobody_twice(yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    campaign = sms_campaign(yujing_official)
    with sms_gateway() as gateway, override_settings(SMS_GATEWAY_URL=gateway.url):
        job = send(campaign, yujing_official)
        ledger_person(yujing_official, "李四", 12, "13800000002")  # found after the first send
        # when
        CampaignSendJob.objects.filter(pk=job.pk).update(status="failed")  # as if its worker had died at the end
        campaign_send_run(job_id=job.pk, today=SEPTEMBER)
        send(campaign, yujing_official)
    # then
    assert sorted(request["phone"] for request in gateway.requests) == ["13800000001", "13800000002"]
    assert CampaignMessage.objects.filter(campaign=campaign).count() == 2


def test_the_database_refuses_a_second_message_to_one_person(yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    campaign = sms_campaign(yujing_official, channel="file")
    send(campaign, yujing_official)
    message = CampaignMessage.objects.get(campaign=campaign)
    # when
    message.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        message.save()
    # then
    assert CampaignMessage.objects.filter(campaign=campaign).count() == 1


def test_a_claimed_batch_is_sent_by_the_job_that_claimed_it_only(yujing_official):
    # given: another run of the campaign holds the message
    ledger_person(yujing_official, "张三", 11, "13800000001")
    campaign = sms_campaign(yujing_official)
    other = CampaignSendJob.objects.create(campaign=campaign, requested_by=yujing_official)
    campaign_messages_prepare(campaign=campaign, actor=yujing_official, today=SEPTEMBER)
    CampaignMessage.objects.filter(campaign=campaign).update(claimed_by_job=other.pk)
    # when
    with sms_gateway() as gateway, override_settings(SMS_GATEWAY_URL=gateway.url):
        send(campaign, yujing_official)
    # then
    assert gateway.requests == []
    assert outcomes(campaign) == {"张三": "queued"}


def test_an_opted_out_phone_is_not_sent(yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    ledger_person(yujing_official, "李四", 12, "13800000002")
    phone_opt_out_create(actor=yujing_official, phone="138-0000-0002", reason="本人要求", date=D(2026, 8, 1))
    campaign = sms_campaign(yujing_official)
    # when
    with sms_gateway() as gateway, override_settings(SMS_GATEWAY_URL=gateway.url):
        send(campaign, yujing_official)
    # then
    assert [request["phone"] for request in gateway.requests] == ["13800000001"]
    assert outcomes(campaign) == {"张三": "sent", "李四": "opted_out"}


def test_an_opt_out_twice_is_refused(yujing_official):
    # given
    phone_opt_out_create(actor=yujing_official, phone="13800000002", reason="", date=D(2026, 8, 1))
    # when
    with pytest.raises(ValidationError) as refused:
        phone_opt_out_create(actor=yujing_official, phone="13800000002", reason="", date=D(2026, 8, 1))
    # then
    assert refused.value.message_dict == {"phone": ["该号码已登记拒收短信。"]}
    assert PhoneOptOut.objects.count() == 1


def test_rate_limit_sends_at_most_so_many_in_any_minute_of_the_clock():
    # given: a clock that the limit's sleep moves on
    now = [1000.0]
    sent_at: list[float] = []
    limit = MinuteRateLimit(
        per_minute=3, clock=lambda: now[0], sleep=lambda seconds: now.__setitem__(0, now[0] + seconds)
    )
    # when
    for _ in range(7):
        limit.wait()
        sent_at.append(now[0])
        now[0] += 1.0  # a send takes a second
    # then
    assert sent_at == [1000.0, 1001.0, 1002.0, 1060.0, 1061.0, 1062.0, 1120.0]
    assert all(sum(1 for other in sent_at if 0 <= other - moment < 60) <= 3 for moment in sent_at)


def test_the_gateway_channel_keeps_to_the_rate_limit():
    # given
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    messages = [OutgoingMessage(reference=number, phone="13800000001", text="提醒") for number in range(5)]
    # when
    with sms_gateway() as gateway:
        channel = SmsGatewayChannel(url=gateway.url, key="k", per_minute=2, clock=lambda: now[0], sleep=sleep)
        results = channel.send(messages)
    # then
    assert [result.outcome for result in results] == ["sent"] * 5
    assert sleeps == [60.0, 60.0]
    assert len(gateway.requests) == 5


def test_file_channel_writes_the_platform_file(yujing_official):
    # given
    ledger_person(yujing_official, "张三", 11, "13800000001")
    campaign = sms_campaign(yujing_official)  # no platform configured: by file
    # when
    send(campaign, yujing_official)
    content = campaign_file_content(campaign=campaign)
    # then
    message = CampaignMessage.objects.get(campaign=campaign)
    assert message.outcome == Outcome.EXPORTED
    assert content.decode("utf-8-sig") == (
        f"编号,手机号,短信内容\r\n{message.pk},13800000001,张三：请于2026年12月25日前缴纳400.00元（玉井村委会）\r\n"
    )


def test_template_with_an_unknown_placeholder_is_refused(yujing_official):
    # when
    with pytest.raises(ValidationError) as refused:
        campaign_create(
            actor=yujing_official,
            name="",
            source=UNINSURED_SOURCE,
            division_code=YUJING_TOWN,
            year=2027,
            template="{姓名}请缴{费用}",
            channel="sms",
            today=SEPTEMBER,
        )
    # then
    assert refused.value.message_dict == {
        "template": ["模板中的{费用}不是可用的占位符，可用：{姓名} {截止日期} {金额} {村}。"]
    }
    assert Campaign.objects.count() == 0


def test_a_hardship_resident_is_told_what_they_pay_after_the_subsidy(yujing_official, clerk):
    # given: a 特困 resident on the ledger
    resident = ResidentFactory(actor=clerk, birth_date=D(1960, 5, 5), sequence=31, name="孙七", phone="13800000003")
    hardship_identity_create(
        actor=clerk, resident=resident, category="tekun", department="民政", valid_from=D(2026, 1, 1)
    )
    uninsured_person_create(
        actor=yujing_official,
        township=Division.objects.get(code=YUJING_TOWN),
        year=2026,
        name="孙七",
        id_number=resident.id_number,
        phone="",
    )
    # when
    targets = source_get(UNINSURED_SOURCE).people(
        actor=yujing_official, division=Division.objects.get(code=YUJING_TOWN), year=2027, today=SEPTEMBER
    )
    # then
    (target,) = targets
    assert (target.resident_id, target.phone, target.amount) == (resident.pk, "13800000003", Decimal("0.00"))
    assert target.explanation == (
        "截止日期：R2.1 2027年度集中征缴期正常缴费截止2026年12月25日（山政办发〔2025〕17号）。"
        "应缴金额0.00元（按参保测算，与窗口和测算接口同一计算）："
        "R1.2 2027年度个人缴费标准400.00元（山政办发〔2025〕17号）；"
        "R6.2 特困人员：个人缴费0.00元，医疗救助基金资助400.00元（山政办发〔2025〕17号 四（1））。"
    )


def test_a_source_from_another_app_is_used_like_the_built_in_ones(yujing_official):
    # given
    def people(*, actor, division, year, today):
        return [
            OutreachTarget(
                resident_id=None,
                name="周八",
                id_number="140621198001020999",
                phone="13800000005",
                village=None,
                reason="生育报销后未参保",
                deadline=D(2026, 12, 25),
                amount=Decimal("400.00"),
            )
        ]

    source_register(OutreachSource(key="another_app", label="另一应用的名单", people=people))
    try:
        campaign = campaign_create(
            actor=yujing_official,
            name="",
            source="another_app",
            division_code=YUJING_TOWN,
            year=2027,
            template=TEMPLATE,
            channel="file",
            today=SEPTEMBER,
        )
        # when
        send(campaign, yujing_official)
    finally:
        source_unregister("another_app")
    # then
    message = CampaignMessage.objects.get(campaign=campaign)
    assert (message.name, message.text, message.outcome) == (
        "周八",
        "周八：请于2026年12月25日前缴纳400.00元（）",
        "exported",
    )
