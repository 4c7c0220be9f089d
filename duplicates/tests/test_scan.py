"""The scan (R8.2, R7.5, R7.6, R13.0a): each kind of duplicate found with its evidence and money, once; a duplicate
resolved elsewhere closes its case at the next scan."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import SHANYIN
from core.models import JobStatus
from duplicates.models import DuplicateCase, DuplicateScanJob
from duplicates.services import duplicate_scan, duplicate_scan_job_create
from enrollment.models import Enrollment, Resident
from enrollment.services import PaymentDetails, enrollment_create, refund_request, resident_create

from .conftest import BABY_ID, employee_duplicate, person, placeholder_duplicate, pre_enrolled_duplicate

pytestmark = pytest.mark.django_db
D = datetime.date


def cases():
    return list(
        DuplicateCase.objects.order_by("id").values_list(
            "kind", "year", "enrollment_id", "other_enrollment_id", "county_id", "amount", "status"
        )
    )


def today_prose():
    today = timezone.localdate()
    return f"{today.year}年{today.month}月{today.day}日"


def test_r8_2_an_employee_year_and_a_resident_enrollment_of_that_year_are_a_duplicate(clerk):
    # given
    enrollment = employee_duplicate(clerk)
    # when
    result = duplicate_scan(actor=clerk)
    # then
    assert (result.found, result.new, result.closed) == (1, 1, 0)
    assert cases() == [("employee_and_resident", 2026, enrollment.pk, None, SHANYIN, Decimal("400.00"), "open")]
    case = DuplicateCase.objects.get()
    assert case.employee_year.year == 2026
    assert case.evidence == (
        f"赵职工（140621********0312）2026年度已登记参加职工医保（职工医保停保名单导入，停保日期2026年8月31日，"
        f"{today_prose()}登记），同一年度又在山阴县参加城乡居民医保（2025年11月20日窗口缴费，个人缴费400.00元），"
        "职工医保与城乡居民医保重复参保（R8.2、R12.2）。"
    )


def test_r8_2_an_employee_year_without_a_resident_enrollment_of_that_year_is_no_duplicate(clerk):
    # given: enrolled for 2026, employee-insured in 2025 only
    enrollment = employee_duplicate(clerk)
    Enrollment.objects.filter(pk=enrollment.pk).update(insurance_year=2025)
    # when
    result = duplicate_scan(actor=clerk)
    # then
    assert (result.found, cases()) == (0, [])


def test_r7_5_a_placeholder_never_merged_and_the_real_record_both_enrolled_are_one_child_twice(clerk):
    # given
    record, kept = placeholder_duplicate(clerk)
    # when
    duplicate_scan(actor=clerk)
    # then the placeholder's enrollment is the one to resolve; the birth year is free, so nothing was paid
    assert cases() == [
        ("placeholder_and_registered", 2026, record.enrollment_id, kept.pk, SHANYIN, Decimal("0.00"), "open")
    ]
    case = DuplicateCase.objects.get()
    assert (case.resident_id, case.other_resident.id_number) == (record.resident_id, BABY_ID)
    assert case.evidence == (
        "临时身份刘小满（140621********0246B）：出生医学证明P140012345登记时未落户，以临时身份参保"
        "（母亲140621********0246，出生日期2026年3月1日），身份证号至今未补录；姓名、性别、出生日期2026年3月1日相同的"
        "居民以正式身份证号登记为刘小满（140621********012X）。两份档案均有2026年度有效参保：临时身份在山阴县"
        "2026年3月20日窗口缴费（个人缴费0.00元），正式档案在山阴县2026年3月25日窗口缴费（个人缴费0.00元），"
        "同一人同一年度重复参保（R7.5、R7.6、R13.0a）。"
    )


def test_r7_5_a_twin_of_another_name_is_not_taken_for_the_child(clerk):
    # given: the placeholder 刘小满 and her twin sister registered with her own ID number and enrolled
    _record, kept = placeholder_duplicate(clerk)
    Resident.objects.filter(pk=kept.resident_id).update(name="刘小圆")
    # when
    result = duplicate_scan(actor=clerk)
    # then
    assert (result.found, cases()) == (0, [])


def test_r7_6_an_unlinked_pre_enrolled_placeholder_and_the_birth_registered_on_a_known_id(clerk):
    # given
    placeholder, record = pre_enrolled_duplicate(clerk)
    # when
    duplicate_scan(actor=clerk)
    # then
    assert cases() == [
        (
            "placeholder_and_registered",
            2026,
            placeholder.enrollment_id,
            record.enrollment_id,
            SHANYIN,
            Decimal("0.00"),
            "open",
        )
    ]
    assert DuplicateCase.objects.get().evidence == (
        "临时身份陈静B（140621********0445B）：母亲陈静（140621********0445）于2026年6月11日预参保（预产期2026年10月1日），"
        "临时身份未关联出生登记；出生医学证明P140099999（母亲140621********0445，出生日期2026年9月20日）以正式身份证号"
        "登记为陈早早（140621********0151）。两份档案均有2026年度有效参保：临时身份在山阴县2026年6月11日窗口缴费"
        "（个人缴费0.00元），正式档案在山阴县2026年9月25日窗口缴费（个人缴费0.00元），同一人同一年度重复参保"
        "（R7.5、R7.6、R13.0a）。"
    )


def test_r13_0a_one_id_number_cannot_have_two_records_nor_one_record_two_active_enrollments(clerk):
    """What the models allow: the same ID number in two counties is refused by the registry's unique index, and a
    second active enrollment of one record by the database; so one person twice is only a placeholder and a real
    record, which the scan compares."""
    resident = person(clerk, name="孙一", birth_date=D(1970, 1, 1), sequence=51)
    with pytest.raises(ValidationError, match="该身份证号已登记"):
        resident_create(
            actor=clerk, id_number=resident.id_number, name="孙一", household_division=resident.household_division
        )
    enrollment = enrollment_create(
        actor=clerk, resident=resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    second = Enrollment.objects.get(pk=enrollment.pk)
    second.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert Enrollment.objects.filter(resident=resident).count() == 1


def test_a_rescan_makes_no_second_case(clerk):
    # given
    employee_duplicate(clerk)
    placeholder_duplicate(clerk)
    duplicate_scan(actor=clerk)
    before = list(DuplicateCase.objects.order_by("id").values())
    # when
    result = duplicate_scan(actor=clerk)
    # then
    assert (result.found, result.new, result.closed) == (2, 0, 0)
    assert list(DuplicateCase.objects.order_by("id").values()) == before
    assert DuplicateCase.history.count() == 2  # one history row per case: its creation


def test_a_duplicate_refunded_at_the_window_is_closed_by_the_next_scan_as_handled_elsewhere(clerk):
    # given: the case found, then the clerk refunds at the window (R12.2) instead of through the case
    enrollment = employee_duplicate(clerk)
    other = employee_duplicate(clerk, name="钱职工", sequence=33)
    duplicate_scan(actor=clerk)
    refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=D(2026, 1, 10))
    # when
    result = duplicate_scan(actor=None)
    # then: the first case closed with why, the other still open
    assert (result.found, result.new, result.closed) == (1, 0, 1)
    closed = DuplicateCase.objects.get(enrollment=enrollment)
    assert (closed.status, closed.resolution, closed.resolved_by, closed.resolution_note) == (
        "resolved",
        "handled_elsewhere",
        None,
        "复查时重复已不存在：待处理的参保记录为「已退费」。",
    )
    assert DuplicateCase.objects.get(enrollment=other).status == "open"
    assert closed.history.first().history_change_reason == "复查时重复已不存在"


def test_a_placeholder_case_closes_when_the_real_record_s_enrollment_is_refunded(clerk):
    _record, kept = placeholder_duplicate(clerk)
    duplicate_scan(actor=clerk)
    Enrollment.objects.filter(pk=kept.pk).update(status="voided", void_reason="录入错误")
    duplicate_scan(actor=clerk)
    case = DuplicateCase.objects.get()
    assert (case.status, case.resolution_note) == (
        "resolved",
        "复查时重复已不存在：待处理的参保记录为「有效」，另一条参保记录为「已作废」。",
    )


def test_the_scan_runs_as_a_job_through_core_jobs(clerk, django_capture_on_commit_callbacks):
    # given
    employee_duplicate(clerk)
    # when: asked for on the page; the task runs eagerly once the job is committed
    with django_capture_on_commit_callbacks(execute=True):
        job = duplicate_scan_job_create(actor=clerk)
    # then
    job = DuplicateScanJob.objects.get(pk=job.pk)
    assert (job.status, job.steps_done, job.steps_total, job.cases_found, job.cases_new, job.cases_closed) == (
        JobStatus.SUCCEEDED,
        3,
        3,
        1,
        1,
        0,
    )
    assert job.started_at is not None and job.finished_at is not None
    assert DuplicateCase.objects.count() == 1


def test_the_nightly_scan_is_scheduled_at_3_30():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="duplicates.scan_scheduled")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone), task.enabled) == (
        "3",
        "30",
        "Asia/Shanghai",
        True,
    )
