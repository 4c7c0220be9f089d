"""R13.0 and R12.1: no record dated after today, no year the policy data does not cover, no refund before its
payment or for a reason that does not fit; each refusal names its field and writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import token_client
from enrollment.models import Enrollment, Gender, Payment, Resident
from enrollment.rules import (
    RecordDateRefused,
    date_not_in_future_check,
    id_number_compose,
    insurance_year_open_check,
    payment_date_check,
)
from enrollment.services import PaymentDetails, back_payment_add, enrollment_create, refund_request, resident_create

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
SHANYIN = "140621"


def enroll(clerk, resident, **changes):
    arguments = {"insurance_year": 2026, "payment_date": D(2025, 11, 20), **changes}
    return enrollment_create(actor=clerk, resident=resident, details=PaymentDetails(**arguments))


def state(enrollment):
    """What a refusal must leave as it was: the rows, the enrollment's status, dates and amounts."""
    enrollment.refresh_from_db()
    return (
        Enrollment.objects.count(),
        Payment.objects.count(),
        enrollment.status,
        enrollment.benefit_start,
        enrollment.back_paid_years,
        enrollment.back_payment_due,
        enrollment.refund_date,
        sum(payment.amount for payment in Payment.objects.filter(enrollment=enrollment)),
    )


# --- the rules, without the database ------------------------------------------------------------------------------


def test_r13_0_date_after_today_refused_naming_the_field():
    # when
    with pytest.raises(RecordDateRefused) as refusal:
        date_not_in_future_check(value=D(2026, 12, 4), today=D(2026, 12, 3), field="date", label="退费日期")
    # then
    assert (refusal.value.field, str(refusal.value)) == (
        "date",
        "退费日期（2026年12月4日）不能晚于今天（2026年12月3日）。",
    )
    date_not_in_future_check(value=D(2026, 12, 3), today=D(2026, 12, 3), field="date", label="退费日期")


def test_r13_0_insurance_year_after_next_year_refused():
    # given today 2026-12-03: 2027's collection is open, 2028's cannot be
    insurance_year_open_check(insurance_year=2027, today=D(2026, 12, 3))
    # when
    with pytest.raises(RecordDateRefused) as refusal:
        insurance_year_open_check(insurance_year=2028, today=D(2026, 12, 3))
    # then
    assert (refusal.value.field, str(refusal.value)) == (
        "insurance_year",
        "2028年度尚未开始征缴，目前最晚可办理2027年度的参保缴费。",
    )


def test_r13_0_payment_before_the_year_before_the_insurance_year_refused():
    # given 2026's earliest possible payment is on 2025-01-01
    payment_date_check(insurance_year=2026, payment_date=D(2025, 1, 1), today=D(2026, 12, 3))
    # when
    with pytest.raises(RecordDateRefused) as refusal:
        payment_date_check(insurance_year=2026, payment_date=D(100, 1, 1), today=D(2026, 12, 3))
    # then
    assert (refusal.value.field, str(refusal.value)) == (
        "payment_date",
        "缴费日期（0100-01-01）早于2025年1月1日，不能缴纳2026年度参保费。",
    )


# --- enrollments ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r13_0_enrollment_paid_after_today_refused_over_the_api(clerk, yujing_resident):
    # given
    tomorrow = timezone.localdate() + ONE_DAY
    body = {"id_number": yujing_resident.id_number, "insurance_year": tomorrow.year, "payment_date": str(tomorrow)}
    # when
    response = token_client(clerk).post("/api/v1/enrollments/", body, format="json")
    # then
    assert response.status_code == 400
    today = timezone.localdate()
    assert response.json() == {
        "payment_date": [f"缴费日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_r13_0_enrollment_for_2099_paid_in_9802_refused_on_the_year(clerk, yujing_resident):
    # when: the fuzzer's record
    body = {"id_number": yujing_resident.id_number, "insurance_year": 2099, "payment_date": "9802-10-04"}
    response = token_client(clerk).post("/api/v1/enrollments/", body, format="json")
    # then
    assert response.status_code == 400
    next_year = timezone.localdate().year + 1
    assert response.json() == {"insurance_year": [f"2099年度尚未开始征缴，目前最晚可办理{next_year}年度的参保缴费。"]}
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_r13_0_enrollment_for_a_year_before_the_first_parameters_refused(clerk, yujing_resident):
    # when: Shanxi's figures start with 2019
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, insurance_year=2018, payment_date=D(2017, 11, 20))
    # then
    assert refusal.value.message_dict == {"insurance_year": ["140621 没有2018年度及以前的政策参数。"]}
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_r13_0_enrollment_paid_in_year_100_refused(clerk, yujing_resident):
    # when
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, payment_date=D(100, 1, 1))
    # then
    assert refusal.value.message_dict == {
        "payment_date": ["缴费日期（0100-01-01）早于2025年1月1日，不能缴纳2026年度参保费。"]
    }
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_r13_0_payer_born_after_today_refused(clerk, yujing_resident):
    # given a family-account payer whose ID number says they are born tomorrow
    tomorrow = timezone.localdate() + ONE_DAY
    payer = id_number_compose(address_code=SHANYIN, birth_date=tomorrow, sequence=31)
    # when
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, channel="family_account", payer_id_number=payer, payer_relation="child")
    # then
    assert list(refusal.value.message_dict) == ["payer_id_number"]
    assert refusal.value.message_dict["payer_id_number"][0].startswith(
        f"代缴人身份证号中的出生日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天"
    )
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_r13_0_window_payment_dated_after_today_is_a_form_error(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    tomorrow = timezone.localdate() + ONE_DAY
    payment = {"insurance_year": str(tomorrow.year), "payment_date": str(tomorrow), "back_paid_years": "0"}
    # when
    response = client.post(
        f"/window/residents/{yujing_resident.pk}/", {**payment, "channel": "window", "action": "pay"}
    )
    # then
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["form"].errors == {
        "payment_date": [f"缴费日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


# --- back-payment and refund ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r13_0_back_payment_dated_after_today_refused(clerk, yujing_resident):
    # given 2027 paid in its normal part after a two-year break: waiting until 2027-05-01
    enrollment = enroll(clerk, yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20))
    before = state(enrollment)
    tomorrow = timezone.localdate() + ONE_DAY
    # when
    with pytest.raises(ValidationError) as refusal:
        back_payment_add(actor=clerk, enrollment=enrollment, years=1, payment_date=tomorrow)
    # then
    assert list(refusal.value.message_dict) == ["payment_date"]
    assert refusal.value.message_dict["payment_date"][0].startswith(
        f"补缴日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天"
    )
    assert state(enrollment) == before == (1, 1, "active", D(2027, 5, 1), 0, Decimal("0.00"), None, Decimal("400.00"))


@pytest.mark.django_db
def test_r13_0_refund_dated_after_today_refused(clerk, yujing_resident):
    # given 2027 paid on 2026-11-20, inside its refund window (2026-10-17 .. 2027-02-25)
    enrollment = enroll(clerk, yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20))
    before = state(enrollment)
    tomorrow = timezone.localdate() + ONE_DAY
    # when
    response = token_client(clerk).post(
        f"/api/v1/enrollments/{enrollment.pk}/refund/",
        {"reason": "duplicate_payment", "date": str(tomorrow)},
        format="json",
    )
    # then
    assert response.status_code == 400
    today = timezone.localdate()
    assert response.json() == {
        "date": [f"退费日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert state(enrollment) == before


@pytest.mark.django_db
def test_r12_1_refund_dated_before_its_payment_refused(clerk, yujing_resident):
    # given paid 2025-11-20; 2025-11-19 is inside the refund window but before the payment
    enrollment = enroll(clerk, yujing_resident)
    before = state(enrollment)
    # when
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason="duplicate_payment", date=D(2025, 11, 19))
    # then
    assert refusal.value.message_dict == {"date": ["不予退费：退费日期不能早于缴费日期（2025年11月20日）。"]}
    assert state(enrollment) == before == (1, 1, "active", D(2026, 4, 1), 0, Decimal("0.00"), None, Decimal("400.00"))


@pytest.mark.django_db
def test_r12_1_refund_dated_before_a_later_back_payment_refused(clerk, yujing_resident):
    # given 2027 paid on 2026-11-20 and one year back-paid on 2026-11-24
    enrollment = enroll(clerk, yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20))
    back_payment_add(actor=clerk, enrollment=enrollment, years=1, payment_date=D(2026, 11, 24))
    before = state(enrollment)
    # when
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason="duplicate_payment", date=D(2026, 11, 22))
    # then
    assert refusal.value.message_dict == {"date": ["不予退费：退费日期不能早于缴费日期（2026年11月24日）。"]}
    assert state(enrollment) == before == (1, 2, "active", D(2027, 4, 1), 1, Decimal("400.00"), None, Decimal("800.00"))


@pytest.mark.django_db
@pytest.mark.parametrize("date", [D(100, 1, 1), D(2026, 1, 10)])
def test_r12_1_pregnancy_terminated_refused_on_an_ordinary_enrollment_of_a_man(clerk, yujing_resident, date):
    # given the fuzzer's case: a man's ordinary 2026 enrollment
    enrollment = enroll(clerk, yujing_resident)
    before = state(enrollment)
    # when
    response = token_client(clerk).post(
        f"/api/v1/enrollments/{enrollment.pk}/refund/",
        {"reason": "pregnancy_terminated", "date": date.isoformat()},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "reason": ["不予退费：终止妊娠退费仅适用于尚未出生的预参保新生儿（临时身份）的参保记录。"]
    }
    assert state(enrollment) == before == (1, 1, "active", D(2026, 4, 1), 0, Decimal("0.00"), None, Decimal("400.00"))


@pytest.mark.django_db
def test_r7_6_pregnancy_terminated_refunds_an_unborn_placeholder(clerk, yujing_resident):
    # given a placeholder (mother's ID + B, sex unknown) pre-enrolled for 2026 on 2026-09-01, expected 2026-12-20
    mother_id = id_number_compose(address_code=SHANYIN, birth_date=D(1995, 5, 5), sequence=24)
    placeholder = Resident.objects.create(
        id_number=f"{mother_id}B",
        id_number_is_placeholder=True,
        name="赵母B",
        gender=Gender.UNKNOWN,
        birth_date=D(2026, 12, 20),
        household_division=yujing_resident.household_division,
    )
    enrollment = enroll(
        clerk,
        placeholder,
        payment_date=D(2026, 9, 1),
        special_status="newborn",
        special_date=D(2026, 12, 20),
    )
    # when: an 0100 date is refused, a date after the payment is accepted
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason="pregnancy_terminated", date=D(100, 1, 1))
    refunded = refund_request(actor=clerk, enrollment=enrollment, reason="pregnancy_terminated", date=D(2026, 10, 8))
    # then
    assert refusal.value.message_dict == {"date": ["不予退费：退费日期不能早于缴费日期（2026年9月1日）。"]}
    assert (refunded.status, refunded.refund_date, refunded.refund_reason) == (
        "refunded",
        D(2026, 10, 8),
        "pregnancy_terminated",
    )
    assert Payment.objects.filter(enrollment=enrollment, kind="refund").get().amount == -enrollment.individual_due


# --- residents -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r13_0_id_number_born_after_today_refused(clerk, yujing_resident):
    # given
    tomorrow = timezone.localdate() + ONE_DAY
    id_number = id_number_compose(address_code=SHANYIN, birth_date=tomorrow, sequence=41)
    # when
    with pytest.raises(ValidationError) as refusal:
        resident_create(
            actor=clerk, id_number=id_number, name="未出生", household_division=yujing_resident.household_division
        )
    # then
    today = timezone.localdate()
    assert refusal.value.message_dict == {
        "id_number": [f"身份证号中的出生日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert list(Resident.objects.values_list("pk", flat=True)) == [yujing_resident.pk]
