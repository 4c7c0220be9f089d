"""R7.1-R7.4 through the quote (one engine for the API, the window and the services), on the seeded parameters."""

import datetime

import pytest

from conftest import token_client
from enrollment.policy import policy_resolve
from enrollment.rules import newborn_first_insurance_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(clerk):
    return token_client(clerk)


def quote(api, **request):
    body = {"region": "140621", "special_status": "newborn", **request}
    return api.post("/api/v1/policy/quote/", body, format="json")


def summary(body):
    return {
        key: body[key]
        for key in (
            "individual_due",
            "subsidy_amount",
            "subsidy_category",
            "benefit_start",
            "benefit_end",
            "counts_as_enrolled_year",
        )
    } | {"waiting": body["waiting"]["total_months"], "rules": [entry["rule"] for entry in body["explanation"]]}


def test_r7_1_r7_2_registered_on_day_90_is_covered_from_birth_and_free(api):
    # when a baby born 2026-03-01 is registered on day 90 (2026-05-30), outside any collection period
    body = quote(api, insurance_year=2026, payment_date="2026-05-30", special_date="2026-03-01").json()
    # then
    assert summary(body) == {
        "individual_due": "0.00",
        "subsidy_amount": "400.00",
        "subsidy_category": "newborn_programme",
        "benefit_start": "2026-03-01",
        "benefit_end": "2026-12-31",
        "counts_as_enrolled_year": True,
        "waiting": 0,
        "rules": ["R1.2", "R7.1", "R7.2", "R5.1", "R13.0a"],
    }
    assert body["explanation"][1]["text"] == (
        "新生儿出生后90日内（2026年5月30日前）参保登记，自出生之日起享受待遇，不受集中征缴期限制，无等待期"
    )
    assert body["explanation"][2]["source"] == "晋医保发〔2026〕4号"


def test_r7_3_registered_on_day_91_is_covered_from_registration_and_still_free(api):
    body = quote(api, insurance_year=2026, payment_date="2026-05-31", special_date="2026-03-01").json()
    assert summary(body) | {"rules": body["explanation"][1]["rule"]} == {
        "individual_due": "0.00",
        "subsidy_amount": "400.00",
        "subsidy_category": "newborn_programme",
        "benefit_start": "2026-05-31",
        "benefit_end": "2026-12-31",
        "counts_as_enrolled_year": True,
        "waiting": 0,
        "rules": "R7.3",
    }


def test_r7_2a_a_baby_born_in_2025_owes_nothing_for_its_birth_year_without_a_fiscal_subsidy(api):
    # when a baby born 2025-06-01, before the programme, is quoted on its registration date 2025-07-01
    body = quote(api, insurance_year=2025, payment_date="2025-07-01", special_date="2025-06-01").json()
    # then the birth year is free, borne by the fund: no subsidy, no subsidy category (not newborn_programme)
    assert summary(body) == {
        "individual_due": "0.00",
        "subsidy_amount": "0.00",
        "subsidy_category": None,
        "benefit_start": "2025-06-01",
        "benefit_end": "2025-12-31",
        "counts_as_enrolled_year": True,
        "waiting": 0,
        "rules": ["R1.2", "R7.1", "R7.2a", "R5.1", "R13.0a"],
    }
    assert body["explanation"][2] == {
        "rule": "R7.2a",
        "text": "2025年1月1日以后出生的新生儿，出生后90日内参保登记，出生当年不缴费，个人缴费400.00元由基金承担，"
        "不属于财政资助",
        "source": "晋医保发〔2025〕3号 一（四）",
    }


def test_r7_2a_a_baby_born_in_2024_pays_its_birth_year_itself(api):
    body = quote(api, insurance_year=2024, payment_date="2024-12-20", special_date="2024-12-01").json()
    assert (body["individual_due"], body["subsidy_category"], body["benefit_start"]) == ("400.00", None, "2024-12-01")


def test_r7_4_worked_example_born_20_december_pays_the_next_year_in_february(api):
    # given RULES.md R7.4: born 2026-12-20, registers and pays 2027 on 2027-02-10
    birth_year = quote(api, insurance_year=2026, payment_date="2027-01-15", special_date="2026-12-20")
    next_year = quote(
        api, insurance_year=2027, payment_date="2027-02-10", special_date="2026-12-20", enrolled_years=[2026]
    ).json()
    # then the birth year is still 2026's (R7.1a), and 2027 runs from 1 January without waiting
    assert birth_year.status_code == 200
    assert (birth_year.json()["insurance_year"], birth_year.json()["benefit_start"]) == (2026, "2026-12-20")
    assert summary(next_year) == {
        "individual_due": "400.00",
        "subsidy_amount": "0.00",
        "subsidy_category": None,
        "benefit_start": "2027-01-01",
        "benefit_end": "2027-12-31",
        "counts_as_enrolled_year": True,
        "waiting": 0,
        "rules": ["R1.2", "R7.4", "R5.1", "R13.0a"],
    }


def test_r7_4_registered_in_time_2026_covered_from_birth(api):
    body = quote(api, insurance_year=2026, payment_date="2026-12-28", special_date="2026-12-20").json()
    assert (body["benefit_start"], body["subsidy_category"]) == ("2026-12-20", "newborn_programme")


def test_r7_4_hardship_subsidy_applies_in_the_year_after_birth(api):
    body = quote(
        api, insurance_year=2027, payment_date="2027-02-10", special_date="2026-12-20", categories=["dibao"]
    ).json()
    assert (body["individual_due"], body["subsidy_category"]) == ("80.00", "dibao")


def test_r7_4_paid_after_the_window_the_ordinary_rules_apply(api):
    # born 2026-10-01, 2027 paid on 2027-03-10: day 160, out of the period, one break year (2026 not enrolled)
    body = quote(api, insurance_year=2027, payment_date="2027-03-10", special_date="2026-10-01").json()
    assert (body["benefit_start"], body["waiting"]["total_months"], body["break_years"]) == ("2027-06-10", 3, 1)


def test_r7_newborn_needs_its_birth_date_and_no_registration_before_birth(api):
    missing = quote(api, insurance_year=2026, payment_date="2026-05-30")
    early = quote(api, insurance_year=2026, payment_date="2026-02-27", special_date="2026-03-01")
    assert missing.json() == {"special_date": ["新生儿须填写出生日期。"]}
    assert early.json() == {"payment_date": ["登记日期不能早于出生日期。"]}


def test_r7_1a_registered_in_january_within_90_days_is_enrolled_for_the_birth_year_free(api):
    # when RULES.md R7.1a's baby, born 2026-12-20, is quoted for 2026 on its registration date 2027-01-15 (day 26)
    response = quote(api, insurance_year=2026, payment_date="2027-01-15", birth_date="2026-12-20")
    # then 2026 is covered from the birth date, the programme pays S(2026)
    body = response.json()
    assert response.status_code == 200
    assert (body["insurance_year"], body["contribution_standard"], body["in_collection_period"]) == (
        2026,
        "400.00",
        False,
    )
    assert summary(body) == {
        "individual_due": "0.00",
        "subsidy_amount": "400.00",
        "subsidy_category": "newborn_programme",
        "benefit_start": "2026-12-20",
        "benefit_end": "2026-12-31",
        "counts_as_enrolled_year": True,
        "waiting": 0,
        "rules": ["R1.2", "R7.1", "R7.1a", "R7.2", "R5.1", "R13.0a"],
    }
    assert body["explanation"][2]["text"] == (
        "2027年1月15日登记，在出生后90日内，仍参加出生当年即2026年度的参保，2027年度按出生次年另行缴费"
    )


def test_r7_1a_registered_in_january_after_90_days_the_birth_year_stays_refused(api):
    # born 2026-09-01, registered 2027-01-15: day 136, after the birth year and after the window
    response = quote(api, insurance_year=2026, payment_date="2027-01-15", special_date="2026-09-01")
    assert response.status_code == 400
    assert response.json() == {"payment_date": ["2026年已结束，不能再办理2026年度的新生儿参保，请办理2027年度参保。"]}


@pytest.mark.parametrize(
    ("birth_date", "registration_date", "year"),
    [
        (datetime.date(2026, 12, 20), datetime.date(2027, 1, 15), 2026),
        (datetime.date(2026, 12, 20), datetime.date(2027, 3, 20), 2026),  # day 90
        (datetime.date(2026, 12, 20), datetime.date(2027, 3, 21), 2027),  # day 91
        (datetime.date(2026, 3, 1), datetime.date(2026, 12, 1), 2026),  # R7.3, within the birth year
    ],
)
def test_r7_1a_the_first_insurance_year_is_the_birth_year_within_the_window(birth_date, registration_date, year):
    policy = policy_resolve(region_code="140621", insurance_year=birth_date.year)
    assert (
        newborn_first_insurance_year(policy=policy, birth_date=birth_date, registration_date=registration_date) == year
    )
