"""One policy path: a quote (POST /api/v1/policy/quote/) and the enrollment that follows it (POST
/api/v1/enrollments/) are computed from the same facts by the same function, so they never differ.

The quote is given the person's facts in the request; the enrollment reads them from the database (the resident's
birth date from the ID number, the enrolled years, the claim summaries, the hardship identities valid on the payment
date). Both answer the same figures and the same explanation, or both refuse on the same field."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import token_client
from enrollment.models import ClaimSummary, Enrollment, EnrollmentStatus
from enrollment.rules import SpecialStatus
from subsidies.models import HardshipIdentity
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

COMPUTED_FIELDS = (
    "insurance_year",
    "projected",
    "contribution_standard",
    "in_collection_period",
    "continuous",
    "break_years",
    "individual_due",
    "subsidy_amount",
    "subsidy_category",
    "back_payment_due",
    "waiting",
    "benefit_start",
    "benefit_end",
    "counts_as_enrolled_year",
    "catastrophic_cap",
    "explanation",
)
# Identities a department certifies (R6.1), each with its department; a disability grade goes with its category.
IDENTITIES = {
    "tekun": ("民政", None),
    "dibao": ("民政", None),
    "edge_poverty": ("农业农村", None),
    "returned_to_poverty": ("农业农村", None),
    "severe_disability": ("残联", 2),
}


def _history_enrollment(*, resident, year: int, actor) -> Enrollment:
    """An enrolled year (R4.1) of the person's past, as the history import records it."""
    return Enrollment.objects.create(
        resident=resident,
        insurance_year=year,
        status=EnrollmentStatus.ACTIVE,
        payment_date=datetime.date(year - 1, 11, 20),
        contribution_standard=Decimal("400.00"),
        in_collection_period=True,
        continuous=True,
        break_years=0,
        individual_due=Decimal("400.00"),
        subsidy_amount=Decimal("0.00"),
        back_payment_due=Decimal("0.00"),
        waiting_fixed_months=0,
        waiting_variable_months=0,
        waiting_repaired_months=0,
        waiting_total_months=0,
        benefit_start=datetime.date(year, 1, 1),
        benefit_end=datetime.date(year, 12, 31),
        counts_as_enrolled_year=True,
        cap_base=Decimal("400000.00"),
        cap_continuity_bonus=Decimal("0.00"),
        cap_zero_claim_bonus=Decimal("0.00"),
        cap_break_penalty=Decimal("0.00"),
        cap_effective=Decimal("400000.00"),
        recorded_by=actor,
        enrolling_county_id="140621",
    )


@st.composite
def persons_and_payments(draw):
    today = timezone.localdate()
    # Babies born in the last two years meet the newborn rules (R7); adults the ordinary and special ones.
    birth_date = draw(
        st.one_of(
            st.dates(datetime.date(1950, 1, 1), datetime.date(2015, 12, 31)),
            st.dates(datetime.date(2024, 6, 1), today),
        )
    )
    insurance_year = draw(st.integers(max(2025, birth_date.year), today.year + 1))
    payment_date = draw(
        st.dates(
            max(datetime.date(insurance_year - 1, 1, 1), birth_date - datetime.timedelta(days=30)),
            min(today, datetime.date(insurance_year + 1, 3, 31)),
        )
    )
    earliest_history_year = max(2019, birth_date.year)
    enrolled_years = (
        draw(st.sets(st.integers(earliest_history_year, insurance_year - 1), max_size=7))
        if earliest_history_year < insurance_year
        else set()
    )
    zero_claim_years = draw(st.sets(st.sampled_from(sorted(enrolled_years)), max_size=3)) if enrolled_years else set()
    categories = draw(st.sets(st.sampled_from(sorted(IDENTITIES)), max_size=2))
    special_status = draw(
        st.sampled_from([None, None, None, SpecialStatus.EXITED_OTHER_SCHEME, SpecialStatus.STUDENT_FIRST_ENROLLMENT])
    )
    special_date = (
        draw(st.dates(payment_date - datetime.timedelta(days=150), payment_date))
        if special_status == SpecialStatus.EXITED_OTHER_SCHEME
        else None
    )
    back_paid_years = draw(st.integers(0, 2))
    return {
        "birth_date": birth_date,
        "insurance_year": insurance_year,
        "payment_date": payment_date,
        "enrolled_years": sorted(enrolled_years),
        "zero_claim_years": sorted(zero_claim_years),
        "categories": sorted(categories),
        "special_status": special_status,
        "special_date": special_date,
        "back_paid_years": back_paid_years,
    }


THE_BABY_OF_THE_ISSUE = {  # born 2026-03-01, paid 2026-03-10, no special status given: R7.1/R7.2 at both
    "birth_date": datetime.date(2026, 3, 1),
    "insurance_year": 2026,
    "payment_date": datetime.date(2026, 3, 10),
    "enrolled_years": [],
    "zero_claim_years": [],
    "categories": [],
    "special_status": None,
    "special_date": None,
    "back_paid_years": 0,
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=persons_and_payments())
@example(case=THE_BABY_OF_THE_ISSUE)
def test_r_one_policy_path_quote_equals_the_enrollment_that_follows(clerk, case):
    with transaction.atomic():
        api = token_client(clerk)
        # given the person in the database
        resident = ResidentFactory(actor=clerk, birth_date=case["birth_date"])
        for year in case["enrolled_years"]:
            _history_enrollment(resident=resident, year=year, actor=clerk)
        for year in case["zero_claim_years"]:
            ClaimSummary.objects.create(
                resident=resident, year=year, fund_paid_total=Decimal("0.00"), reward_used=False
            )
        for category in case["categories"]:
            department, grade = IDENTITIES[category]
            HardshipIdentity.objects.create(
                resident=resident,
                category=category,
                department=department,
                disability_grade=grade,
                valid_from=datetime.date(2018, 1, 1),
                recorded_by=clerk,
            )
        facts = {
            "insurance_year": case["insurance_year"],
            "payment_date": case["payment_date"].isoformat(),
            "back_paid_years": case["back_paid_years"],
            "special_status": case["special_status"],
            "special_date": case["special_date"].isoformat() if case["special_date"] else None,
        }
        # when the same payment is quoted with the person's facts, then taken
        quoted = api.post(
            "/api/v1/policy/quote/",
            {
                **facts,
                "region": "140621",
                "birth_date": case["birth_date"].isoformat(),
                "enrolled_years": case["enrolled_years"],
                "zero_claim_years": case["zero_claim_years"],
                "reward_used_years": [],
                "categories": [category for category in case["categories"] if IDENTITIES[category][1] is None],
                "disability_grade": 2 if "severe_disability" in case["categories"] else None,
            },
            format="json",
        )
        enrolled = api.post("/api/v1/enrollments/", {**facts, "id_number": resident.id_number}, format="json")
        transaction.set_rollback(True)
    # then both refuse on the same field, or both computed the same thing
    if quoted.status_code == 400 or enrolled.status_code == 400:
        assert (quoted.status_code, enrolled.status_code) == (400, 400), (quoted.json(), enrolled.json())
        assert set(quoted.json()) == set(enrolled.json()), (quoted.json(), enrolled.json())
        return
    assert (quoted.status_code, enrolled.status_code) == (200, 201)
    quote, enrollment = quoted.json(), enrolled.json()
    assert {field: quote[field] for field in COMPUTED_FIELDS} == {field: enrollment[field] for field in COMPUTED_FIELDS}
