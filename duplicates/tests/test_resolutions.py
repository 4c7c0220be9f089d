"""Resolving a case (R12.2, R7.5, R8.2): refund, transfer, not a duplicate; every refusal changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duplicates.models import DuplicateCase
from duplicates.services import duplicate_case_resolve, duplicate_scan
from enrollment.models import EmployeeInsuredYear, Enrollment, Payment, Resident

from .conftest import (
    BABY_ID,
    YINGXIAN,
    YINGXIAN_TOWN,
    employee_duplicate,
    placeholder_duplicate,
    pre_enrolled_duplicate,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def snapshot():
    """Everything a resolution may write."""
    return (
        list(DuplicateCase.objects.order_by("id").values()),
        list(Enrollment.objects.order_by("id").values("id", "resident_id", "status", "void_reason", "refund_reason")),
        list(Payment.objects.order_by("id").values("id", "kind", "amount")),
        list(Resident.objects.order_by("id").values("id", "status", "merged_into_id", "id_number")),
        list(EmployeeInsuredYear.objects.order_by("id").values("resident_id", "year", "source")),
        DuplicateCase.history.count(),
    )


def refused(clerk, case, message, **arguments):
    before = snapshot()
    with pytest.raises(ValidationError, match=message):
        duplicate_case_resolve(actor=clerk, case=case, **arguments)
    assert snapshot() == before


def test_r12_2_refund_of_an_employee_duplicate_voids_the_year_and_keeps_the_employee_year(clerk):
    # given
    enrollment = employee_duplicate(clerk)
    duplicate_scan(actor=clerk)
    case = DuplicateCase.objects.get()
    # when
    resolved = duplicate_case_resolve(actor=clerk, case=case, resolution="refund", date=D(2026, 1, 10))
    # then: the enrollment refunded for employee insurance, the year kept as an employee year (R8.2)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.refund_reason, enrollment.benefit_start) == (
        "refunded",
        "employee_insured",
        None,
    )
    assert list(EmployeeInsuredYear.objects.values_list("year", "source")) == [(2026, "import")]
    refund = Payment.objects.get(kind="refund")
    assert (refund.amount, refund.date, refund.reason) == (Decimal("-400.00"), D(2026, 1, 10), "employee_insured")
    assert (resolved.status, resolved.resolution, resolved.resolved_by, resolved.refund_payment) == (
        "resolved",
        "refund",
        clerk,
        refund,
    )
    assert resolved.resolution_note == (
        "按「已缴纳省内职工医保」退费400.00元（2026年1月10日，R12.2），2026年度城乡居民医保参保作废，"
        "记为参加职工医保年度（R8.2）。"
    )
    assert resolved.history.first().history_change_reason == "重复参保处理：退费"
    # and the next scan finds nothing to reopen
    assert duplicate_scan(actor=clerk).found == 0
    assert DuplicateCase.objects.get().resolution == "refund"


def test_r12_1_a_refund_the_window_would_refuse_is_refused_for_the_case_too(clerk):
    # given: a baby's two records, the placeholder's enrollment paid on 2026-03-20, after the collection period
    placeholder_duplicate(clerk)
    duplicate_scan(actor=clerk)
    # then: a duplicate-payment refund goes through the window's checks (R12.1: only within the collection period)
    refused(
        clerk,
        DuplicateCase.objects.get(),
        r"不予退费：退费申请仅在2026年度集中征缴期（2025年10月17日至2026年2月25日）内受理。",
        resolution="refund",
        date=D(2026, 3, 26),
    )


def test_a_resolved_case_cannot_be_resolved_again(clerk):
    employee_duplicate(clerk)
    duplicate_scan(actor=clerk)
    case = DuplicateCase.objects.get()
    duplicate_case_resolve(actor=clerk, case=case, resolution="not_duplicate", note="职工医保停保名单有误，已核实")
    refused(
        clerk, case, r"该重复参保已处理（不属于重复参保），不能再次处理。", resolution="refund", date=D(2026, 1, 10)
    )


def test_r7_5_transfer_voids_the_placeholder_s_enrollment_and_merges_it_into_the_real_record(clerk):
    # given
    record, kept = placeholder_duplicate(clerk)
    duplicate_scan(actor=clerk)
    case = DuplicateCase.objects.get()
    # when
    resolved = duplicate_case_resolve(actor=clerk, case=case, resolution="transfer", note="家长持户口簿核实")
    # then: the real record keeps its enrollment; the placeholder's is voided with why, and the placeholder merged
    voided = Enrollment.objects.get(pk=record.enrollment_id)
    registered = Resident.objects.get(id_number=BABY_ID)
    assert (voided.status, voided.resident_id, voided.benefit_start, voided.counts_as_enrolled_year) == (
        "voided",
        registered.pk,
        None,
        False,
    )
    assert (
        voided.void_reason
        == f"与刘小满（140621********012X）2026年度参保重复，保留正式档案的参保记录（重复参保第{case.pk}号）"
    )
    assert Enrollment.objects.get(pk=kept.pk).status == "active"
    placeholder = Resident.objects.get(pk=record.resident_id)
    assert (placeholder.status, placeholder.merged_into) == ("voided", registered)
    record.refresh_from_db()
    assert record.resident == registered
    assert (resolved.status, resolved.resolution) == ("resolved", "transfer")
    assert resolved.resolution_note == (
        "保留山阴县的参保记录（2026年3月25日缴费），临时身份的2026年度参保记录作废；临时身份档案已合并至正式档案"
        "（出生医学证明P140012345补录身份证号，R7.5）。家长持户口簿核实"
    )
    assert duplicate_scan(actor=clerk).found == 0


def test_r7_6_transfer_of_an_unlinked_pre_enrolled_placeholder_voids_its_enrollment_only(clerk):
    placeholder, record = pre_enrolled_duplicate(clerk)
    duplicate_scan(actor=clerk)
    resolved = duplicate_case_resolve(actor=clerk, case=DuplicateCase.objects.get(), resolution="transfer")
    assert Enrollment.objects.get(pk=placeholder.enrollment_id).status == "voided"
    assert Enrollment.objects.get(pk=record.enrollment_id).status == "active"
    assert Resident.objects.get(pk=placeholder.resident_id).merged_into is None
    assert resolved.resolution_note == (
        "保留山阴县的参保记录（2026年9月25日缴费），临时身份的2026年度参保记录作废；"
        "临时身份为预参保档案，未关联出生登记，档案保留。"
    )


def test_an_employee_duplicate_cannot_be_transferred(clerk):
    employee_duplicate(clerk)
    duplicate_scan(actor=clerk)
    refused(clerk, DuplicateCase.objects.get(), "职工医保与城乡居民医保重复不能转移", resolution="transfer")


def test_not_a_duplicate_needs_its_reason(clerk):
    employee_duplicate(clerk)
    duplicate_scan(actor=clerk)
    case = DuplicateCase.objects.get()
    refused(clerk, case, "认定不属于重复参保须填写理由。", resolution="not_duplicate", note="  ")
    resolved = duplicate_case_resolve(actor=clerk, case=case, resolution="not_duplicate", note="停保名单年度有误")
    assert (resolved.status, resolved.resolution, resolved.resolution_note) == (
        "resolved",
        "not_duplicate",
        "停保名单年度有误",
    )
    assert Enrollment.objects.get().status == "active"


def test_an_unknown_resolution_is_refused(clerk):
    employee_duplicate(clerk)
    duplicate_scan(actor=clerk)
    refused(clerk, DuplicateCase.objects.get(), "请选择处理方式", resolution="handled_elsewhere")


def test_another_county_s_case_is_not_found(clerk, yingxian_clerk):
    # given: 应县's duplicate
    employee_duplicate(yingxian_clerk, name="周应县", sequence=35, address_code=YINGXIAN, township=YINGXIAN_TOWN)
    duplicate_scan(actor=None)
    case = DuplicateCase.objects.get()
    assert case.county_id == YINGXIAN
    # then 山阴县's clerk cannot resolve it
    refused(clerk, case, "没有找到该重复参保记录。", resolution="not_duplicate", note="试图处理外县")
