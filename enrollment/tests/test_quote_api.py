"""POST /api/v1/policy/quote/: API.md's contract on the rules engine."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import token_client

pytestmark = pytest.mark.django_db

API_EXAMPLE = {
    "region": "140621",
    "insurance_year": 2027,
    "payment_date": "2027-03-10",
    "birth_date": "1990-05-01",
    "categories": ["dibao"],
    "disability_grade": 3,
    "enrolled_years": [2023, 2024],
    "zero_claim_years": [],
    "reward_used_years": [],
    "back_paid_years": 1,
    "special_status": None,
    "special_date": None,
}


def quote(user, **changes):
    return token_client(user).post("/api/v1/policy/quote/", {**API_EXAMPLE, **changes}, format="json")


def test_r6_2_api_example_is_reproduced_exactly(clerk):
    # when
    body = quote(clerk).json()
    # then every field of API.md's response, the explanation list aside, is as published
    explanation = body.pop("explanation")
    # an addition to API.md's example: the parameter sets the quote came from, each with its version
    assert body.pop("policy_versions") == [
        "山阴县2026年度第1版（山政办发〔2025〕17号）",
        "山西省2026年度第1版（山西省2026年度城乡居民医保个人缴费标准）",
    ]
    assert body == {
        "insurance_year": 2027,
        "projected": True,
        "contribution_standard": "400.00",
        "in_collection_period": False,
        "continuous": False,
        "break_years": 2,
        "individual_due": "0.00",
        "subsidy_amount": "400.00",
        "subsidy_category": "dibao_disability",
        "back_payment_due": "400.00",
        "waiting": {"fixed_months": 3, "variable_months": 1, "repaired_months": 1, "total_months": 3},
        "benefit_start": "2027-06-10",
        "benefit_end": "2027-12-31",
        "counts_as_enrolled_year": True,
        "catastrophic_cap": {
            "base": "400000.00",
            "continuity_bonus": "0.00",
            "zero_claim_bonus": "0.00",
            "break_penalty": "6000.00",
            "effective": "394000.00",
        },
    }
    assert {
        "rule": "R4.4",
        "text": "断保2年：固定等待期3个月，变动等待期1个月",
        "source": "晋医保发〔2025〕3号 一（二）",
    } in explanation
    assert [entry["rule"] for entry in explanation] == [
        "R1.2",
        "R2.3",
        "R4.2",
        "R4.4",
        "R4.5",
        "R4.7",
        "R6.2",
        "R4.5",
        "R6.4",
        "R5.1",
        "R5.4",
        "R13.0a",
    ]
    assert explanation[-1]["text"] == "在户籍地山阴县参保，适用山阴县的缴费标准和政策"


def test_a_quote_of_figures_already_held_reads_only_the_token_and_the_policy_revision(clerk):
    # given a client whose token is known, and the county's figures of the year held by an earlier quote
    client = token_client(clerk)
    client.post("/api/v1/policy/quote/", API_EXAMPLE, format="json")
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/policy/quote/", API_EXAMPLE, format="json")
    # then the county is named from the figures held, not read again
    assert response.json()["explanation"][-1]["text"] == "在户籍地山阴县参保，适用山阴县的缴费标准和政策"
    tables = [re.search(r'FROM "?(\w+)', query["sql"]).group(1) for query in queries.captured_queries]
    assert tables == ["authtoken_token", "enrollment_policyrevision"]


def test_r6_2_no_subsidy_gives_null_category_and_zero(clerk):
    body = quote(clerk, categories=[], disability_grade=None).json()
    assert (body["individual_due"], body["subsidy_amount"], body["subsidy_category"]) == ("400.00", "0.00", None)


def test_r6_2_stable_poverty_alleviated_pays_in_full_without_subsidy(clerk):
    body = quote(clerk, categories=["stable_poverty_alleviated"], disability_grade=None).json()
    assert (body["individual_due"], body["subsidy_amount"], body["subsidy_category"]) == ("400.00", "0.00", None)


def test_unknown_category_is_400(clerk):
    response = quote(clerk, categories=["rich"])
    assert response.status_code == 400
    assert list(response.json()) == ["categories"]


def test_r3_1_no_waiting_gives_zeros_and_the_whole_year(clerk):
    body = quote(clerk, insurance_year=2026, payment_date="2025-11-20", enrolled_years=[2025], back_paid_years=0).json()
    assert body["waiting"] == {"fixed_months": 0, "variable_months": 0, "repaired_months": 0, "total_months": 0}
    assert (body["benefit_start"], body["benefit_end"], body["projected"]) == ("2026-01-01", "2026-12-31", False)
    assert body["back_payment_due"] == "0.00"


def test_r4_1_empty_benefit_period_is_null_and_does_not_count(clerk):
    body = quote(clerk, insurance_year=2026, payment_date="2026-11-05", enrolled_years=[], back_paid_years=0).json()
    assert (body["benefit_start"], body["benefit_end"], body["counts_as_enrolled_year"]) == (None, None, False)


def test_r2_2_refused_payment_date_is_400_on_payment_date(clerk):
    response = quote(clerk, insurance_year=2026, payment_date="2025-11-27", back_paid_years=0)
    assert response.status_code == 400
    assert response.json() == {
        "payment_date": ["征缴期内每月25日后不受理缴费（节假日不顺延），下一个可缴费日为2025年12月1日。"]
    }


def test_unknown_region_is_400_on_region(clerk):
    response = quote(clerk, region="149999")
    assert response.status_code == 400
    assert list(response.json()) == ["region"]


def test_r4_5_more_back_paid_years_than_breaks_is_refused(clerk):
    response = quote(clerk, back_paid_years=3)
    assert response.json() == {"back_paid_years": ["补缴年数不能超过断保年数（2年）。"]}


def test_r8_1_exit_within_three_months_after_the_period_has_no_waiting(clerk):
    body = quote(
        clerk,
        insurance_year=2026,
        payment_date="2026-05-20",
        enrolled_years=[],
        back_paid_years=0,
        special_status="exited_other_scheme",
        special_date="2026-03-01",
    ).json()
    assert (body["benefit_start"], body["waiting"]["total_months"]) == ("2026-05-21", 0)
    assert body["explanation"][1]["rule"] == "R8.1"


def test_r8_1_past_three_months_the_normal_rules_apply_and_say_so(clerk):
    body = quote(
        clerk,
        insurance_year=2026,
        payment_date="2026-06-02",
        enrolled_years=[],
        back_paid_years=0,
        special_status="exited_other_scheme",
        special_date="2026-03-01",
    ).json()
    assert body["waiting"]["total_months"] == 3
    assert body["benefit_start"] == "2026-09-02"
    r8 = next(entry for entry in body["explanation"] if entry["rule"] == "R8.1")
    assert r8["text"] == "未在退出其他制度保障3个月内于征缴期后参保，按一般规定计算等待期"


def test_r9_1_first_time_student_pays_next_year_and_is_covered_from_payment(clerk):
    body = quote(
        clerk,
        insurance_year=2027,
        payment_date="2026-09-10",
        enrolled_years=[],
        back_paid_years=0,
        special_status="student_first_enrollment",
    ).json()
    assert (body["benefit_start"], body["benefit_end"], body["waiting"]["total_months"]) == (
        "2026-09-10",
        "2027-12-31",
        0,
    )


def test_quote_needs_authentication():
    from rest_framework.test import APIClient

    assert APIClient().post("/api/v1/policy/quote/", API_EXAMPLE, format="json").status_code == 401


def test_r7_1_r7_2_a_baby_is_quoted_as_a_newborn_without_being_called_one(clerk):
    # given a baby born 2026-03-01 whose registration is quoted on 2026-03-10, no special status given
    # when
    body = quote(
        clerk,
        insurance_year=2026,
        payment_date="2026-03-10",
        birth_date="2026-03-01",
        categories=[],
        disability_grade=None,
        enrolled_years=[],
        back_paid_years=0,
    ).json()
    # then the newborn rules apply, as at the window: covered from birth, no waiting, paid by the programme
    assert (body["benefit_start"], body["benefit_end"]) == ("2026-03-01", "2026-12-31")
    assert body["waiting"] == {"fixed_months": 0, "variable_months": 0, "repaired_months": 0, "total_months": 0}
    assert (body["individual_due"], body["subsidy_amount"], body["subsidy_category"]) == (
        "0.00",
        "400.00",
        "newborn_programme",
    )
    assert [entry["rule"] for entry in body["explanation"]][:3] == ["R1.2", "R7.1", "R7.2"]
