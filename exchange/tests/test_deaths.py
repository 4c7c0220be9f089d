"""死亡、注销: the registry marks a person deceased or voided; a paid year not yet begun is offered for refund (R12)."""

import datetime

import pytest
from django.utils import timezone

from conftest import first_village
from enrollment.models import EnrollmentStatus, Resident, ResidentStatus
from enrollment.rules import id_number_compose
from exchange.models import FeedChannel, FeedOutcome
from exchange.services import feed_receive
from tests.factories import EnrollmentFactory, ResidentFactory

from .helpers import exchange_account, table_counts

pytestmark = pytest.mark.django_db
D = datetime.date
KIND = "deaths"


def receive(actor, *records):
    return feed_receive(
        actor=actor, kind=KIND, records=list(records), channel=FeedChannel.API, today=timezone.localdate()
    )


def death(resident, **changes) -> dict:
    return {"id_number": resident.id_number, "name": resident.name, "date": "2026-11-30", "type": "death", **changes}


def outcomes(batch):
    return list(batch.records.order_by("position").values_list("outcome", "message"))


def test_r12_a_death_marks_the_resident_and_offers_the_refund_of_a_year_not_begun(clerk, yujing_resident):
    # given
    sender = exchange_account()
    this_year = EnrollmentFactory(actor=clerk, resident=yujing_resident, insurance_year=2026)
    next_year = EnrollmentFactory(
        actor=clerk, resident=yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20)
    )
    # when
    batch = receive(sender, death(yujing_resident))
    # then
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.DECEASED
    latest = Resident.history.filter(id=yujing_resident.pk).latest("history_id")
    assert (latest.status, latest.history_user_id, latest.history_change_reason) == (
        ResidentStatus.DECEASED,
        sender.pk,
        "死亡（2026年11月30日），由数据交换接收",
    )
    record = batch.records.get()
    assert (record.outcome, record.message, record.resident_id, record.refund_enrollment_id) == (
        FeedOutcome.APPLIED,
        "居民档案已标记为死亡（2026年11月30日）。2027年度已缴费、待遇尚未开始，"
        "可由窗口按“待遇享受期前死亡”办理退费（R12.1、R12.2）。",
        yujing_resident.pk,
        next_year.pk,
    )
    for enrollment in (this_year, next_year):  # offered, not refunded
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.ACTIVE


def test_a_cancellation_voids_the_resident_without_a_refund_offer(clerk, yujing_resident):
    # given
    sender = exchange_account()
    # when
    batch = receive(sender, death(yujing_resident, type="cancellation", date="2026-10-08"))
    # then
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.VOIDED
    assert outcomes(batch) == [(FeedOutcome.APPLIED, "居民档案已标记为注销（2026年10月8日）。")]


def test_the_same_death_twice_changes_nothing(clerk, yujing_resident):
    # given
    sender = exchange_account()
    receive(sender, death(yujing_resident))
    before = table_counts()
    # when: the same record, and the same death reported with another content
    again = receive(sender, death(yujing_resident), death(yujing_resident, date="2026-11-29"))
    # then
    assert [outcome for outcome, _ in outcomes(again)] == [FeedOutcome.UNCHANGED, FeedOutcome.UNCHANGED]
    assert table_counts() == {**before, "batches": before["batches"] + 1, "records": before["records"] + 2}


def test_a_resident_already_deceased_is_unchanged(clerk, yujing_resident):
    # given
    sender = exchange_account()
    Resident.objects.filter(pk=yujing_resident.pk).update(status=ResidentStatus.DECEASED)
    history = Resident.history.count()
    # when
    batch = receive(sender, death(yujing_resident))
    # then
    assert outcomes(batch) == [(FeedOutcome.UNCHANGED, "居民档案已标记为死亡，本次未变更。")]
    assert Resident.history.count() == history


def test_an_unknown_id_number_and_another_name_wait_for_a_clerk(clerk, yujing_resident):
    # given
    sender = exchange_account()
    unknown = death(
        yujing_resident, id_number=id_number_compose(address_code="140621", birth_date=D(1990, 1, 1), sequence=11)
    )
    before = table_counts()
    # when
    batch = receive(sender, unknown, death(yujing_resident, name="王玉"))
    # then
    assert outcomes(batch) == [
        (FeedOutcome.QUEUED, "身份证号未在本辖区居民档案中登记，请人工核对。"),
        (FeedOutcome.QUEUED, "姓名与居民档案（王玉井）不一致，请人工核对后处理。"),
    ]
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.NORMAL
    assert table_counts() == {**before, "batches": before["batches"] + 1, "records": before["records"] + 2}


def test_a_malformed_death_is_rejected_and_changes_nothing(clerk, yujing_resident):
    # given
    sender = exchange_account()
    before = table_counts()
    # when
    batch = receive(sender, death(yujing_resident, type="illness", date="明天"), "不是对象")
    # then
    assert outcomes(batch) == [
        (FeedOutcome.REJECTED, "日期：格式不正确，请写成2026-01-01。类型：“illness” 不是合法选项。"),
        (FeedOutcome.REJECTED, "记录应为一个对象。"),
    ]
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.NORMAL
    assert table_counts() == {**before, "batches": before["batches"] + 1, "records": before["records"] + 2}


def test_another_countys_account_does_not_reach_this_countys_residents(clerk, yujing_resident):
    # given
    other_county = exchange_account("yingxian-exchange", "140622")
    # when
    batch = receive(other_county, death(yujing_resident))
    # then
    assert outcomes(batch)[0][0] == FeedOutcome.QUEUED
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.NORMAL


def test_a_chunk_of_deaths_is_written_with_a_bounded_number_of_queries(clerk, django_assert_max_num_queries):
    # given
    sender = exchange_account()
    village = first_village("140621100")
    people = [
        ResidentFactory(
            actor=clerk,
            birth_date=D(1940, 1, 1) + datetime.timedelta(days=number),
            sequence=11,
            household_division=village,
        )
        for number in range(60)
    ]
    # when / then
    with django_assert_max_num_queries(30):
        batch = receive(sender, *(death(person) for person in people))
    assert batch.applied_count == 60
    assert Resident.objects.filter(status=ResidentStatus.DECEASED).count() == 60
    assert Resident.history.filter(status=ResidentStatus.DECEASED).count() == 60
