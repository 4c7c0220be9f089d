"""Enrollment services: R4.5 back-payment, R12 refunds, R13.1 family-account payment, R13.2 accident top-up."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enrollment.models import Enrollment, Payment
from enrollment.services import PaymentDetails, back_payment_add, enrollment_create, refund_request

pytestmark = pytest.mark.django_db
D = datetime.date
PAYER = "11010519491231002X"


def enroll(clerk, resident, **changes):
    arguments = {"insurance_year": 2026, "payment_date": D(2025, 11, 20), **changes}
    return enrollment_create(actor=clerk, resident=resident, details=PaymentDetails(**arguments))


def ledger(enrollment):
    return [(p.kind, p.amount, p.years) for p in Payment.objects.filter(enrollment=enrollment).order_by("id")]


def test_r4_3_enrollment_after_a_2025_break_stores_the_computed_year(clerk, yujing_resident):
    # when: never enrolled, so 2025 is a break year
    enrollment = enroll(clerk, yujing_resident)
    # then
    assert (enrollment.benefit_start, enrollment.benefit_end) == (D(2026, 4, 1), D(2026, 12, 31))
    assert (enrollment.individual_due, enrollment.break_years, enrollment.recorded_by) == (Decimal("400.00"), 1, clerk)
    assert ledger(enrollment) == [("contribution", Decimal("400.00"), 0)]
    assert enrollment.history.count() == 1


def test_r4_1_only_years_with_benefits_count_for_the_next_year(clerk, yujing_resident):
    # given 2025 paid on 2025-10-05 out of its period after a 2024 break: waiting past year-end
    late = enroll(clerk, yujing_resident, insurance_year=2025, payment_date=D(2025, 10, 5))
    assert late.counts_as_enrolled_year is False
    # when
    enrollment = enroll(clerk, yujing_resident, insurance_year=2026, payment_date=D(2025, 11, 20))
    # then 2025 does not count: a one-year break, three months' wait
    assert (enrollment.break_years, enrollment.benefit_start) == (1, D(2026, 4, 1))


def test_second_active_enrollment_is_refused_and_nothing_changes(clerk, yujing_resident):
    first = enroll(clerk, yujing_resident)
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, payment_date=D(2025, 12, 1))
    assert refusal.value.message_dict == {"non_field_errors": ["该居民2026年度已在山阴县参保，不能重复参保。"]}
    assert list(Enrollment.objects.values_list("pk", flat=True)) == [first.pk]
    assert Payment.objects.count() == 1


def test_r2_2_refused_payment_date_writes_nothing(clerk, yujing_resident):
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, payment_date=D(2025, 11, 26))
    assert list(refusal.value.message_dict) == ["payment_date"]
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


def test_r13_1_family_account_payment_for_a_close_relative(clerk, yujing_resident):
    enrollment = enroll(
        clerk, yujing_resident, channel="family_account", payer_id_number=PAYER, payer_relation="parent"
    )
    assert (enrollment.payer_id_number, enrollment.payer_relation) == (PAYER, "parent")


@pytest.mark.parametrize(
    ("payer", "relation", "field"),
    [
        ("", "parent", "payer_id_number"),
        (PAYER, "cousin", "payer_relation"),
        ("110105194912310021", "spouse", "payer_id_number"),
    ],
)
def test_r13_1_family_account_refusals_write_nothing(clerk, yujing_resident, payer, relation, field):
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, channel="family_account", payer_id_number=payer, payer_relation=relation)
    assert list(refusal.value.message_dict) == [field]
    assert Enrollment.objects.count() == 0


def test_r13_2_accident_topup_is_recorded_with_the_payment(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident, accident_topup=Decimal("50"))
    assert enrollment.accident_topup == Decimal("50.00")
    assert ledger(enrollment) == [("contribution", Decimal("400.00"), 0), ("accident_topup", Decimal("50.00"), 0)]


def test_r13_2_accident_topup_outside_the_options_is_refused(clerk, yujing_resident):
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, accident_topup=Decimal("40"))
    assert refusal.value.message_dict == {"accident_topup": ["意外伤害补充保险可选档次为：30元、50元。"]}
    assert Enrollment.objects.count() == 0


def test_r4_5_back_payment_later_shortens_the_wait_and_is_recorded(clerk, yujing_resident):
    # given not enrolled 2025 or 2026 (counting starts 2025), 2027 paid in its normal part: 3 + 1 months
    enrollment = enroll(clerk, yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20))
    assert (enrollment.waiting_total_months, enrollment.benefit_start) == (4, D(2027, 5, 1))
    # when one year is back-paid while waiting
    repaired = back_payment_add(actor=clerk, enrollment=enrollment, years=1, payment_date=D(2026, 11, 24))
    # then
    assert (repaired.waiting_repaired_months, repaired.benefit_start) == (1, D(2027, 4, 1))
    assert repaired.back_payment_due == Decimal("400.00")
    assert ledger(repaired)[-1] == ("back_payment", Decimal("400.00"), 1)
    assert repaired.continuous is False


def test_r4_5_back_payment_beyond_break_years_or_after_the_wait_is_refused(clerk, yujing_resident):
    # given not enrolled 2025, 2026 paid out of its period: 3 months, benefits from 2026-06-10
    enrollment = enroll(clerk, yujing_resident, insurance_year=2026, payment_date=D(2026, 3, 10))
    with pytest.raises(ValidationError) as too_many:
        back_payment_add(actor=clerk, enrollment=enrollment, years=2, payment_date=D(2026, 4, 1))
    with pytest.raises(ValidationError) as too_late:
        back_payment_add(actor=clerk, enrollment=enrollment, years=1, payment_date=D(2026, 6, 10))
    assert too_many.value.message_dict == {"years": ["补缴年数不能超过断保年数（1年）。"]}
    assert too_late.value.message_dict == {"payment_date": ["等待期已结束，不能再通过补缴修复等待期。"]}
    enrollment.refresh_from_db()
    assert (enrollment.back_paid_years, enrollment.benefit_start) == (0, D(2026, 6, 10))
    assert len(ledger(enrollment)) == 1


def test_r12_2_refund_voids_the_period_returns_the_money_and_keeps_history(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident, accident_topup=Decimal("30"))
    refunded = refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=D(2026, 1, 10))
    assert (refunded.status, refunded.benefit_start, refunded.counts_as_enrolled_year) == ("refunded", None, False)
    assert ledger(refunded)[-1] == ("refund", Decimal("-430.00"), 0)
    assert refunded.history.count() == 2
    assert refunded.explanation[-1]["rule"] == "R12.2"
    # a new enrollment for the year is possible again
    assert enroll(clerk, yujing_resident, payment_date=D(2026, 1, 12)).status == "active"


@pytest.mark.parametrize(
    ("reason", "date", "field"),
    [("changed_mind", D(2026, 1, 10), "reason"), ("duplicate_payment", D(2026, 3, 1), "date")],
)
def test_r12_1_refund_refusals_change_nothing(clerk, yujing_resident, reason, date, field):
    enrollment = enroll(clerk, yujing_resident)
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason=reason, date=date)
    assert list(refusal.value.message_dict) == [field]
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.benefit_start) == ("active", D(2026, 4, 1))
    assert len(ledger(enrollment)) == 1


def test_r3_1_continuous_person_in_normal_part_is_covered_all_year(clerk, yujing_resident):
    enroll(clerk, yujing_resident, insurance_year=2025, payment_date=D(2024, 11, 20))
    enrollment = enroll(clerk, yujing_resident)
    assert (enrollment.continuous, enrollment.benefit_start, enrollment.waiting_total_months) == (
        True,
        D(2026, 1, 1),
        0,
    )
