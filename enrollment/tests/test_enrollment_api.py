"""API.md: enrollments with back-payment and refund, hardship identities, claim summaries."""

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import make_user, token_client
from enrollment.models import ClaimSummary, Enrollment, Payment
from subsidies.models import HardshipIdentity

pytestmark = pytest.mark.django_db


def post_enrollment(client, resident, **changes):
    body = {
        "id_number": resident.id_number,
        "insurance_year": 2027,
        "payment_date": "2026-11-20",
        "back_paid_years": 0,
        "special_status": None,
        "special_date": None,
        "channel": "window",
        "accident_topup": None,
        "payer_id_number": None,
        "payer_relation": None,
        **changes,
    }
    return client.post("/api/v1/enrollments/", body, format="json")


def test_r4_5_enrollment_then_back_payment_then_refund_before_the_back_payment_refused(clerk, yujing_resident):
    # given not enrolled 2025 or 2026: 2027 paid in its normal part waits 3 + 1 months from 1 January
    client = token_client(clerk)
    created = post_enrollment(client, yujing_resident)
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["benefit_start"], body["waiting"]["total_months"]) == ("active", "2027-05-01", 4)
    assert (body["id_number"], body["subsidy_category"], body["projected"]) == (yujing_resident.id_number, None, True)

    repaired = client.post(
        f"/api/v1/enrollments/{body['id']}/back-payment/", {"years": 1, "payment_date": "2026-11-24"}, format="json"
    )
    assert repaired.status_code == 200
    assert (repaired.json()["benefit_start"], repaired.json()["back_payment_due"]) == ("2027-04-01", "400.00")

    refused = client.post(
        f"/api/v1/enrollments/{body['id']}/refund/",
        {"reason": "duplicate_payment", "date": "2026-11-22"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"date": ["不予退费：退费日期不能早于缴费日期（2026年11月24日）。"]}
    assert Enrollment.objects.get().status == "active"
    assert Payment.objects.count() == 2


def test_r12_1_refund_inside_the_period_answers_refunded(clerk, yujing_resident):
    client = token_client(clerk)
    created = post_enrollment(client, yujing_resident, insurance_year=2026, payment_date="2025-11-20").json()
    refunded = client.post(
        f"/api/v1/enrollments/{created['id']}/refund/",
        {"reason": "employee_insured", "date": "2026-02-01"},
        format="json",
    )
    assert refunded.status_code == 200
    assert (refunded.json()["status"], refunded.json()["benefit_start"]) == ("refunded", None)


def test_r12_1_unknown_refund_reason_is_400(clerk, yujing_resident):
    client = token_client(clerk)
    created = post_enrollment(client, yujing_resident, insurance_year=2026, payment_date="2025-11-20").json()
    refused = client.post(
        f"/api/v1/enrollments/{created['id']}/refund/", {"reason": "moved_away", "date": "2026-02-01"}, format="json"
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["reason"]


def test_second_active_enrollment_is_400_and_writes_nothing(clerk, yujing_resident):
    client = token_client(clerk)
    post_enrollment(client, yujing_resident)
    second = post_enrollment(client, yujing_resident, payment_date="2026-11-21")
    assert second.status_code == 400
    assert second.json() == {"non_field_errors": ["该居民2027年度已在山阴县参保，不能重复参保。"]}
    assert (Enrollment.objects.count(), Payment.objects.count()) == (1, 1)


def test_enrollment_of_another_township_is_404_for_a_township_official(clerk, yujing_official, beizhouzhuang_resident):
    created = post_enrollment(token_client(clerk), beizhouzhuang_resident).json()
    assert token_client(yujing_official).get(f"/api/v1/enrollments/{created['id']}/").status_code == 404


def test_identity_is_stored_with_its_department(clerk, yujing_resident):
    response = token_client(clerk).post(
        "/api/v1/identities/",
        {
            "id_number": yujing_resident.id_number,
            "category": "disability",
            "valid_from": "2025-01-01",
            "valid_to": None,
            "department": "残联",
            "disability_grade": 3,
        },
        format="json",
    )
    assert response.status_code == 201
    identity = HardshipIdentity.objects.get()
    assert (identity.category, identity.disability_grade, identity.department, identity.valid_to) == (
        "disability",
        3,
        "残联",
        None,
    )


def test_r6_1_identity_with_end_before_start_is_refused(clerk, yujing_resident):
    response = token_client(clerk).post(
        "/api/v1/identities/",
        {
            "id_number": yujing_resident.id_number,
            "category": "dibao",
            "valid_from": "2025-06-01",
            "valid_to": "2025-01-01",
            "department": "民政",
        },
        format="json",
    )
    assert response.json() == {"valid_to": ["有效期止不能早于有效期起。"]}
    assert HardshipIdentity.objects.count() == 0


def test_r5_3_claim_summary_is_upserted_and_feeds_the_cap(clerk, yujing_resident):
    settlement = make_user("settlement", Role.SYSTEM_ADMIN, "14")
    client = token_client(settlement)
    body = {"id_number": yujing_resident.id_number, "year": 2025, "fund_paid_total": "120.00", "reward_used": False}
    assert client.post("/api/v1/claim-summaries/", body, format="json").status_code == 201
    assert client.post("/api/v1/claim-summaries/", {**body, "fund_paid_total": "0"}, format="json").status_code == 201
    assert list(ClaimSummary.objects.values_list("year", "fund_paid_total")) == [(2025, 0)]
    # 2025 enrolled with zero claims, so 2026 gets the zero-claim bonus
    clerk_client = token_client(clerk)
    post_enrollment(clerk_client, yujing_resident, insurance_year=2025, payment_date="2024-11-20")
    quote = post_enrollment(clerk_client, yujing_resident, insurance_year=2026, payment_date="2025-11-20").json()
    assert quote["catastrophic_cap"]["zero_claim_bonus"] == "3000.00"


def test_r13_0_a_claim_summary_of_a_year_not_yet_begun_is_refused_writing_nothing(yujing_resident):
    # given the settlement system and next year
    client = token_client(make_user("settlement", Role.SYSTEM_ADMIN, "14"))
    this_year = timezone.localdate().year
    body = {"id_number": yujing_resident.id_number, "year": this_year + 1, "fund_paid_total": "0", "reward_used": False}
    # when
    response = client.post("/api/v1/claim-summaries/", body, format="json")
    # then
    assert (response.status_code, response.json()) == (
        400,
        {"year": [f"{this_year + 1}年尚未开始，不能录入该年度的结算汇总（最晚为{this_year}年）。"]},
    )
    assert ClaimSummary.objects.count() == 0


def test_clerks_cannot_post_claim_summaries(clerk, yujing_resident):
    body = {"id_number": yujing_resident.id_number, "year": 2025, "fund_paid_total": "0.00", "reward_used": False}
    assert token_client(clerk).post("/api/v1/claim-summaries/", body, format="json").status_code == 403
    assert ClaimSummary.objects.count() == 0


def test_resident_detail_lists_enrollments_and_identities(clerk, yujing_resident):
    client = token_client(clerk)
    post_enrollment(client, yujing_resident)
    client.post(
        "/api/v1/identities/",
        {"id_number": yujing_resident.id_number, "category": "dibao", "valid_from": "2025-01-01", "department": "民政"},
        format="json",
    )
    body = client.get(f"/api/v1/residents/{yujing_resident.id_number}/").json()
    assert [(e["insurance_year"], e["status"]) for e in body["enrollments"]] == [(2027, "active")]
    assert [(i["category"], i["department"]) for i in body["identities"]] == [("dibao", "民政")]
