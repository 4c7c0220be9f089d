"""The employee-insurance system's insured and stopped lists: the years insured under employee insurance (R8.2),
one per person and year, and the double enrollment across schemes in the record's message."""

import datetime

import pytest
from django.utils import timezone

from enrollment.models import EmployeeInsuredYear, EmployeeYearSource
from enrollment.rules import id_number_compose
from exchange.feeds.employee_lists import DOUBLE_ENROLLMENT, EmployeeInsuredFeed, EmployeeStoppedFeed
from exchange.models import FeedChannel, FeedOutcome
from exchange.services import feed_receive, feed_record_resolve
from tests.factories import EnrollmentFactory

from .feeding import TODAY, checked, feed_apply, outcomes, residents_bulk
from .helpers import exchange_account

pytestmark = pytest.mark.django_db

D = datetime.date
INSURED = EmployeeInsuredFeed()
STOPPED = EmployeeStoppedFeed()
RECORDED_2025 = "已登记2025年度为职工医保参保年度（R8.2：不计断保年度，不扣减大病保险最高支付限额）。"


def listed(resident, year=2025, **changes):
    return {"id_number": resident.id_number, "name": resident.name, "year": year, **changes}


def years_of(resident):
    return list(
        EmployeeInsuredYear.objects.filter(resident=resident).values_list("year", "source", "exit_date", "recorded_by")
    )


def test_r8_2_an_insured_list_records_the_year_with_history(clerk, yujing_resident):
    # when
    results = feed_apply(INSURED, clerk, [listed(yujing_resident)])
    # then
    assert outcomes(results) == [(FeedOutcome.APPLIED, RECORDED_2025)]
    assert years_of(yujing_resident) == [(2025, EmployeeYearSource.IMPORT, None, clerk.pk)]
    history = EmployeeInsuredYear.history.get()
    assert (history.history_user, history.history_change_reason) == (clerk, "职工医保参保名单")


def test_r8_1_a_stopped_list_fills_in_the_stop_date_of_a_year_already_recorded(clerk, yujing_resident):
    # given
    feed_apply(INSURED, clerk, [listed(yujing_resident)])
    # when
    results = feed_apply(STOPPED, clerk, [listed(yujing_resident, stop_date="2025-12-31")])
    # then
    assert outcomes(results) == [(FeedOutcome.APPLIED, "已补录2025年度职工医保的停保日期（R8.1）。")]
    assert years_of(yujing_resident) == [(2025, EmployeeYearSource.IMPORT, D(2025, 12, 31), clerk.pk)]
    assert EmployeeInsuredYear.history.count() == 2


def test_the_same_list_twice_changes_nothing(clerk, yujing_resident):
    # given
    feed_apply(STOPPED, clerk, [listed(yujing_resident, stop_date="2025-12-31")])
    before = years_of(yujing_resident)
    # when
    results = feed_apply(STOPPED, clerk, [listed(yujing_resident, stop_date="2025-12-31")] * 2)
    insured = feed_apply(INSURED, clerk, [listed(yujing_resident)])
    # then
    unchanged = (FeedOutcome.UNCHANGED, "该居民2025年度的职工医保参保已登记，未作改动。")
    assert outcomes(results) + outcomes(insured) == [unchanged] * 3
    assert (years_of(yujing_resident), EmployeeInsuredYear.history.count()) == (before, 1)


def test_a_year_also_enrolled_as_resident_is_named_a_suspected_double_enrollment(clerk, yujing_resident):
    # given
    EnrollmentFactory(actor=clerk, resident=yujing_resident, insurance_year=2026, payment_date=D(2025, 11, 20))
    # when
    results = feed_apply(INSURED, clerk, [listed(yujing_resident, year=2026)])
    # then
    assert outcomes(results) == [
        (
            FeedOutcome.APPLIED,
            "已登记2026年度为职工医保参保年度（R8.2：不计断保年度，不扣减大病保险最高支付限额）。"
            "同年度已参加城乡居民医保，疑似重复参保（R12.1）。",
        )
    ]
    assert DOUBLE_ENROLLMENT in results[0].message


def test_people_not_found_or_misnamed_are_queued_and_nothing_is_recorded(clerk, yujing_resident):
    # given
    unknown = id_number_compose(address_code="140621", birth_date=D(1970, 1, 1), sequence=5)
    # when
    results = feed_apply(
        INSURED, clerk, [{"id_number": unknown, "name": "孙无档", "year": 2025}, listed(yujing_resident, name="王玉")]
    )
    # then
    assert outcomes(results) == [
        (FeedOutcome.QUEUED, "身份证号未在居民档案中登记，职工医保参保名单待经办人核实。"),
        (FeedOutcome.QUEUED, "姓名与居民档案不一致，待经办人核对身份证号和姓名（职工医保参保名单）。"),
    ]
    assert EmployeeInsuredYear.objects.count() == 0


def test_a_malformed_list_record_is_refused_in_chinese_and_nothing_is_written(clerk, yujing_resident):
    # when
    errors = [
        checked(INSURED, listed(yujing_resident, year=2099)),
        checked(INSURED, listed(yujing_resident, year=1980)),
        checked(STOPPED, listed(yujing_resident, stop_date="2024-06-30")),
        checked(STOPPED, listed(yujing_resident)),
    ]
    # then
    assert errors == [
        {"year": [f"职工医保参保年度2099年晚于今年（{timezone.localdate().year}年），不能登记尚未开始的年度。"]},
        {"year": ["职工医保参保年度1980年早于出生年份（1985年）。"]},
        {"stop_date": ["停保日期早于职工医保参保年度。"]},
        {"stop_date": ["该字段是必填项。"]},
    ]
    assert EmployeeInsuredYear.objects.count() == 0


def test_a_chunk_of_1000_list_records_takes_a_bounded_number_of_queries(clerk, django_assert_max_num_queries):
    # given
    people = residents_bulk(1000)
    records = [checked(STOPPED, listed(person, stop_date="2025-12-31")) for person in people]
    # when
    with django_assert_max_num_queries(30):
        results = STOPPED.apply(actor=clerk, records=records, today=TODAY)
    # then
    assert {result.outcome for result in results} == {FeedOutcome.APPLIED}
    assert EmployeeInsuredYear.objects.filter(source=EmployeeYearSource.IMPORT).count() == 1000


def test_lists_received_through_the_exchange_service_count_each_outcome(yujing_resident):
    # given
    sender = exchange_account()
    records = [listed(yujing_resident), listed(yujing_resident), listed(yujing_resident, year=2099)]
    # when
    batch = feed_receive(actor=sender, kind="employee-insured", records=records, channel=FeedChannel.API, today=TODAY)
    # then
    assert (batch.applied_count, batch.unchanged_count, batch.queued_count, batch.rejected_count) == (1, 1, 0, 1)
    assert years_of(yujing_resident) == [(2025, EmployeeYearSource.IMPORT, None, sender.pk)]


def test_a_queued_list_record_is_recorded_for_the_resident_the_clerk_chooses(clerk, yujing_resident):
    # given
    batch = feed_receive(
        actor=exchange_account(),
        kind="employee-stopped",
        records=[listed(yujing_resident, name="王玉", stop_date="2025-12-31")],
        channel=FeedChannel.API,
        today=TODAY,
    )
    # when
    resolved = feed_record_resolve(
        actor=clerk, record_id=batch.records.get().pk, resident_id=yujing_resident.pk, note="", today=TODAY
    )
    # then
    assert resolved.message.endswith(f"人工处理：{RECORDED_2025}")
    assert years_of(yujing_resident) == [(2025, EmployeeYearSource.IMPORT, D(2025, 12, 31), clerk.pk)]
