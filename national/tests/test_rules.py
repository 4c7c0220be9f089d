"""The 1101 mapping as pure functions (national/rules.py), without the database."""

import datetime
from decimal import Decimal

from national.rules import (
    EmployeeYearFacts,
    EnrollmentFacts,
    IdentityFacts,
    PersonFacts,
    person_information_compute,
)

D = datetime.date
TODAY = D(2026, 12, 4)


def enrollment(year, *, active=True, cap="400000.00", county=("140622", "应县")):
    return EnrollmentFacts(
        insurance_year=year,
        active=active,
        payment_date=D(year - 1, 11, 20),
        enrolling_county_code=county[0],
        enrolling_county_name=county[1],
        cap_effective=Decimal(cap),
    )


def person(*, enrollments=(), employee_years=(), identities=(), ended_status="", gender="F"):
    return PersonFacts(
        record_number=7,
        id_number="140621199001010026",
        name="李应",
        gender=gender,
        birth_date=D(1990, 1, 1),
        household_county_code="140621",
        ended_status=ended_status,
        enrollments=tuple(enrollments),
        employee_years=tuple(employee_years),
        identities=tuple(identities),
    )


def rows(information):
    return [
        (row.insurance_type, row.status, row.insured_date, row.suspended_date, row.insured_place)
        for row in information.insurance
    ]


def test_r4_1_a_year_paid_ahead_is_insured_and_the_place_is_the_county_holding_the_last_year():
    # given 2026 held in 山阴县, 2027 paid ahead in 应县 (R13.0a)
    facts = person(enrollments=[enrollment(2026, county=("140621", "山阴县")), enrollment(2027)])
    # when
    information = person_information_compute(facts=facts, identity_codes={}, today=TODAY)
    # then
    assert rows(information) == [
        ("390", "1", D(2025, 11, 20), None, "140622"),
        ("392", "1", D(2025, 11, 20), None, "140622"),
    ]
    assert (information.base.person_number, information.base.gender, information.base.age) == (
        "14062100000000000007",
        "2",
        36,
    )


def test_r5_without_a_catastrophic_cap_there_is_no_392():
    information = person_information_compute(
        facts=person(enrollments=[enrollment(2026, cap="0.00")]), identity_codes={}, today=TODAY
    )
    assert rows(information) == [("390", "1", D(2025, 11, 20), None, "140622")]


def test_r4_1_refunded_years_count_for_nothing():
    information = person_information_compute(
        facts=person(enrollments=[enrollment(2025), enrollment(2026, active=False)]), identity_codes={}, today=TODAY
    )
    assert rows(information) == [
        ("390", "2", D(2024, 11, 20), D(2026, 1, 1), "140622"),
        ("392", "2", D(2024, 11, 20), D(2026, 1, 1), "140622"),
    ]


def test_r8_2_an_employee_year_stopping_after_today_is_still_insured():
    facts = person(employee_years=[EmployeeYearFacts(year=2026, exit_date=D(2026, 12, 31))])
    information = person_information_compute(facts=facts, identity_codes={}, today=TODAY)
    assert rows(information) == [("310", "1", D(2026, 1, 1), None, "")]


def test_r8_2_employee_years_without_a_stop_date_suspend_from_the_next_january():
    facts = person(employee_years=[EmployeeYearFacts(year=2023, exit_date=None)])
    information = person_information_compute(facts=facts, identity_codes={}, today=TODAY)
    assert rows(information) == [("310", "2", D(2023, 1, 1), D(2024, 1, 1), "")]


def test_r6_1_an_identity_without_a_code_keeps_its_chinese_name_in_memo():
    identity = IdentityFacts(
        category="tekun", category_label="特困人员", disability_grade=None, valid_from=D(2026, 1, 1), valid_to=None
    )
    information = person_information_compute(facts=person(identities=[identity]), identity_codes={}, today=TODAY)
    [row] = information.identities
    assert (row.identity_type, row.description, row.begins, row.ends) == ("", "特困人员", D(2026, 1, 1), None)
