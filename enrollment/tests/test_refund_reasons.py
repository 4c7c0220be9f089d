"""R12.2: a refund undoes only what its reason says; R12.3: refund reasons are inherited like every other figure."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import token_client
from enrollment.models import Enrollment, Payment, PolicyParameterSet, ResidentStatus
from enrollment.policy import policy_resolve
from enrollment.services import PaymentDetails, contribution_payment_add, enrollment_create, refund_request

pytestmark = pytest.mark.django_db
D = datetime.date
NO_DUPLICATE = "不予退费：本年度只有一笔个人缴费（或多缴的缴费已退还），不存在重复缴费，无可退还的多缴金额。"


def enroll(clerk, resident, **changes):
    # not enrolled 2025: 2026 paid on 2025-11-20 waits 3 months, benefits 2026-04-01 .. 2026-12-31
    arguments = {"insurance_year": 2026, "payment_date": D(2025, 11, 20), **changes}
    return enrollment_create(actor=clerk, resident=resident, details=PaymentDetails(**arguments))


def second_payment(clerk, enrollment):
    """The same contribution collected a second time, through another channel."""
    return contribution_payment_add(
        actor=clerk, enrollment=enrollment, payment_date=D(2025, 12, 1), amount=Decimal("400.00")
    )


def ledger(enrollment):
    return [(p.kind, p.amount, p.reason) for p in Payment.objects.filter(enrollment=enrollment).order_by("id")]


def state(enrollment):
    enrollment.refresh_from_db()
    return (
        enrollment.status,
        enrollment.benefit_start,
        enrollment.benefit_end,
        enrollment.counts_as_enrolled_year,
        enrollment.refund_reason,
        enrollment.history.count(),
        ledger(enrollment),
    )


# --- duplicate and two-channel payments ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["duplicate_payment", "multi_channel"])
def test_r12_2_duplicate_refund_returns_the_extra_payment_and_keeps_the_cover(clerk, yujing_resident, reason):
    # given 2026 paid twice: 400 on 2025-11-20 and 400 again on 2025-12-01, with a 30 yuan top-up
    enrollment = enroll(clerk, yujing_resident, accident_topup=Decimal("30"))
    second_payment(clerk, enrollment)
    # when
    refunded = refund_request(actor=clerk, enrollment=enrollment, reason=reason, date=D(2026, 1, 10))
    # then the second 400 goes back; the enrollment, its cover and its year stay
    assert state(refunded) == (
        "active",
        D(2026, 4, 1),
        D(2026, 12, 31),
        True,
        "",
        3,
        [
            ("contribution", Decimal("400.00"), ""),
            ("accident_topup", Decimal("30.00"), ""),
            ("contribution", Decimal("400.00"), "重复缴费"),
            ("refund", Decimal("-400.00"), reason),
        ],
    )
    assert refunded.explanation[-1]["rule"] == "R12.2"
    assert "退还多缴的一笔个人缴费；本年度参保记录和待遇期保持不变" in refunded.explanation[-1]["text"]
    # the year still counts: 2027 paid in its normal part is continuous, no waiting
    following = enroll(clerk, yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20))
    assert (following.break_years, following.benefit_start) == (0, D(2027, 1, 1))


@pytest.mark.parametrize("reason", ["duplicate_payment", "multi_channel"])
def test_r12_2_duplicate_refund_without_a_duplicate_is_refused_and_nothing_changes(clerk, yujing_resident, reason):
    enrollment = enroll(clerk, yujing_resident)
    before = state(enrollment)
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason=reason, date=D(2026, 1, 10))
    assert refusal.value.message_dict == {"reason": [NO_DUPLICATE]}
    assert (
        state(enrollment)
        == before
        == (
            "active",
            D(2026, 4, 1),
            D(2026, 12, 31),
            True,
            "",
            1,
            [("contribution", Decimal("400.00"), "")],
        )
    )


def test_r12_2_an_extra_payment_is_returned_only_once(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    second_payment(clerk, enrollment)
    refund_request(actor=clerk, enrollment=enrollment, reason="duplicate_payment", date=D(2026, 1, 10))
    before = state(enrollment)
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason="multi_channel", date=D(2026, 1, 12))
    assert refusal.value.message_dict == {"reason": [NO_DUPLICATE]}
    assert state(enrollment) == before
    assert sum(amount for _, amount, _ in before[-1]) == Decimal("400.00")


def test_r12_2_duplicate_refund_through_the_api_answers_the_active_enrollment(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    second_payment(clerk, enrollment)
    client = token_client(clerk)
    response = client.post(
        f"/api/v1/enrollments/{enrollment.pk}/refund/",
        {"reason": "duplicate_payment", "date": "2026-01-10"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["benefit_start"], body["benefit_end"], body["refund_reason"]) == (
        "active",
        "2026-04-01",
        "2026-12-31",
        "",
    )
    assert Payment.objects.filter(enrollment=enrollment, kind="refund").get().amount == Decimal("-400.00")


def test_r12_2_duplicate_refund_without_a_duplicate_is_400_through_the_api(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    before = state(enrollment)
    response = token_client(clerk).post(
        f"/api/v1/enrollments/{enrollment.pk}/refund/",
        {"reason": "multi_channel", "date": "2026-01-10"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"reason": [NO_DUPLICATE]}
    assert state(enrollment) == before


# --- death before the benefit start -------------------------------------------------------------------------------


def resident_state(resident):
    resident.refresh_from_db()
    return resident.status, resident.history.count()


def test_r12_2_death_refund_voids_the_year_and_records_the_person_deceased(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    history_before = yujing_resident.history.count()
    refunded = refund_request(
        actor=clerk, enrollment=enrollment, reason="died_before_benefit", date=D(2026, 2, 1), death_date=D(2026, 1, 20)
    )
    assert state(refunded)[:6] == ("refunded", None, None, False, "died_before_benefit", 2)
    assert ledger(refunded)[-1] == ("refund", Decimal("-400.00"), "died_before_benefit")
    assert refunded.explanation[-1]["text"] == (
        "因待遇享受期前死亡退费（死亡日期2026年1月20日），作废本年度待遇期，个人缴费退还缴费人、资助退回原资金，人员状态记为死亡"
    )
    assert resident_state(yujing_resident) == (ResidentStatus.DECEASED, history_before + 1)
    last = yujing_resident.history.first()
    assert (last.status, last.history_user, last.history_change_reason) == (
        "deceased",
        clerk,
        "待遇享受期前死亡退费，死亡日期2026年1月20日",
    )


@pytest.mark.parametrize(
    ("reason", "death_date", "message"),
    [
        ("died_before_benefit", None, "因待遇享受期前死亡退费须填写死亡日期。"),
        (
            "died_before_benefit",
            D(2026, 4, 1),
            "不予退费：死亡日期（2026年4月1日）不早于待遇开始日期（2026年4月1日），不属于待遇享受期前死亡。",
        ),
        ("employee_insured", D(2026, 1, 20), "只有“待遇享受期前死亡”退费才填写死亡日期。"),
    ],
)
def test_r12_2_death_refund_refusals_change_nothing(clerk, yujing_resident, reason, death_date, message):
    enrollment = enroll(clerk, yujing_resident)
    before, person_before = state(enrollment), resident_state(yujing_resident)
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason=reason, date=D(2026, 2, 1), death_date=death_date)
    assert refusal.value.message_dict == {"death_date": [message]}
    assert state(enrollment) == before
    assert resident_state(yujing_resident) == person_before
    assert person_before[0] == ResidentStatus.NORMAL


def test_r12_2_death_refund_through_the_api(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    client = token_client(clerk)
    url = f"/api/v1/enrollments/{enrollment.pk}/refund/"
    refused = client.post(url, {"reason": "died_before_benefit", "date": "2026-02-01"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"death_date": ["因待遇享受期前死亡退费须填写死亡日期。"]}
    assert Enrollment.objects.get().status == "active"
    response = client.post(
        url, {"reason": "died_before_benefit", "date": "2026-02-01", "death_date": "2026-01-20"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["benefit_start"]) == ("refunded", None)
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == "deceased"


# --- refund parameters inherited (R12.3) --------------------------------------------------------------------------

SHANYIN_REASONS = frozenset(
    {"duplicate_payment", "employee_insured", "multi_channel", "died_before_benefit", "pregnancy_terminated"}
)


def test_r12_3_a_2025_refund_is_judged_by_2025s_rules(clerk, yujing_resident):
    # given 2025 paid on 2024-11-20, inside its collection period (2024-10-17 .. 2025-02-25, the 2026 calendar
    # shifted); Shanyin's refund reasons are set for 2026 only
    enrollment = enroll(clerk, yujing_resident, insurance_year=2025, payment_date=D(2024, 11, 20))
    before = state(enrollment)
    # when refunded after 2025's window: refused by 2025's window, not by the reasons ("无")
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=D(2026, 1, 10))
    assert refusal.value.message_dict == {
        "date": ["不予退费：退费申请仅在2025年度集中征缴期（2024年10月17日至2025年2月25日）内受理。"]
    }
    assert state(enrollment) == before
    # when refunded inside it
    refunded = refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=D(2025, 1, 10))
    assert (refunded.status, refunded.refund_date, ledger(refunded)[-1]) == (
        "refunded",
        D(2025, 1, 10),
        ("refund", Decimal("-400.00"), "employee_insured"),
    )
    assert refunded.explanation[-1]["source"] == "山政办发〔2025〕17号 四；朔医险发〔2020〕15号"


def test_r12_3_a_later_year_with_its_own_parameters_but_no_refund_reasons_inherits_them():
    # given the province sets 2028 figures of its own, none for refunds
    province_2026 = PolicyParameterSet.objects.get(region_id="14", insurance_year=2026)
    province_2026.pk = None
    province_2026.insurance_year = 2028
    for field in ("collection_opens", "normal_part_ends", "extended_part_starts", "extended_part_ends"):
        setattr(
            province_2026, field, getattr(province_2026, field).replace(year=getattr(province_2026, field).year + 2)
        )
    province_2026.effective_from, province_2026.effective_to = D(2028, 1, 1), D(2028, 12, 31)
    province_2026.save()
    # when
    figures = policy_resolve(region_code="140621", insurance_year=2028)
    # then Shanyin's 2026 refund rules apply, with 2028's own calendar
    assert (figures.refund_reasons, figures.refund_anytime_reasons, str(figures.refund_source)) == (
        SHANYIN_REASONS,
        frozenset({"pregnancy_terminated"}),
        "山政办发〔2025〕17号 四；朔医险发〔2020〕15号",
    )
    assert (figures.projected, figures.calendar.collection_opens) == (False, D(2027, 10, 17))


def test_r12_3_a_region_that_never_set_refund_reasons_still_accepts_none():
    taiyuan_county = "140105"
    assert policy_resolve(region_code=taiyuan_county, insurance_year=2025).refund_reasons == frozenset()


def test_r13_0_death_date_after_today_is_refused_and_nothing_changes(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    before, person_before = state(enrollment), resident_state(yujing_resident)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        refund_request(
            actor=clerk, enrollment=enrollment, reason="died_before_benefit", date=D(2026, 2, 1), death_date=tomorrow
        )
    assert refusal.value.message_dict == {
        "death_date": [f"死亡日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert (state(enrollment), resident_state(yujing_resident)) == (before, person_before)


# --- further payments on an enrollment ---------------------------------------------------------------------------


def test_r12_2_a_payment_made_again_is_recorded_with_the_cover_unchanged(clerk, yujing_resident):
    # given 2026 paid at the window
    enrollment = enroll(clerk, yujing_resident)
    # when the same person's second payment, through another channel, is recorded
    second_payment(clerk, enrollment)
    # then the enrollment is unchanged but for its money, which now holds the second payment
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.individual_due, enrollment.benefit_start) == (
        "active",
        Decimal("400.00"),
        D(2026, 4, 1),
    )
    assert ledger(enrollment) == [
        ("contribution", Decimal("400.00"), ""),
        ("contribution", Decimal("400.00"), "重复缴费"),
    ]


@pytest.mark.parametrize(
    ("arguments", "refusal"),
    [
        (
            {"payment_date": D(2025, 11, 19), "amount": Decimal("400")},
            {"payment_date": ["缴费日期不能早于参保缴费日期。"]},
        ),
        ({"payment_date": D(2025, 12, 1), "amount": Decimal("0")}, {"amount": ["缴费金额应大于0。"]}),
        ({"payment_date": D(2025, 12, 1)}, {"amount": ["该参保记录没有欠缴的个人缴费。"]}),
    ],
)
def test_r12_2_a_further_payment_that_cannot_be_is_refused_and_nothing_changes(
    clerk, yujing_resident, arguments, refusal
):
    enrollment = enroll(clerk, yujing_resident)
    before = state(enrollment)
    with pytest.raises(ValidationError) as refused:
        contribution_payment_add(actor=clerk, enrollment=enrollment, **arguments)
    assert refused.value.message_dict == refusal
    assert state(enrollment) == before


def test_r13_0_a_further_payment_dated_after_today_is_refused(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    before = state(enrollment)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        contribution_payment_add(actor=clerk, enrollment=enrollment, payment_date=tomorrow, amount=Decimal("400"))
    assert list(refused.value.message_dict) == ["payment_date"]
    assert state(enrollment) == before


def test_r12_2_a_payment_made_again_through_the_api_is_then_refunded_as_a_duplicate(clerk, yujing_resident):
    enrollment = enroll(clerk, yujing_resident)
    client = token_client(clerk)
    # when the second payment is recorded, then refunded as two-channel
    paid = client.post(
        f"/api/v1/enrollments/{enrollment.pk}/payments/",
        {"payment_date": "2025-12-01", "amount": "400.00"},
        format="json",
    )
    refunded = client.post(
        f"/api/v1/enrollments/{enrollment.pk}/refund/", {"reason": "multi_channel", "date": "2026-01-10"}, format="json"
    )
    # then both answer the enrollment, active and covered, and the money is paid once
    assert (paid.status_code, refunded.status_code) == (200, 200)
    assert (refunded.json()["status"], refunded.json()["benefit_start"]) == ("active", "2026-04-01")
    assert sum(amount for _, amount, _ in ledger(enrollment)) == Decimal("400.00")
    # and a balance that is not owed is refused on its field, nothing written
    before = state(enrollment)
    owed = client.post(f"/api/v1/enrollments/{enrollment.pk}/payments/", {"payment_date": "2026-01-11"}, format="json")
    assert (owed.status_code, owed.json()) == (400, {"amount": ["该参保记录没有欠缴的个人缴费。"]})
    assert state(enrollment) == before
