import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from conftest import SHANYIN, make_user
from policy_changes.services import impact_simulation_request
from subsidies.services import hardship_identity_create
from tests.factories import EnrollmentFactory, ResidentFactory

D = datetime.date
YEAR = 2027
# in the normal part of 2027's collection period (2026-10-17 .. 2026-12-25), as every quote below
PAYMENT_DATE = D(2026, 12, 1)


@pytest.fixture
def preparer(db):
    return make_user("preparer", Role.CITY_STAFF, "1406")


@pytest.fixture
def approver(db):
    return make_user("approver", Role.POLICY_APPROVER, SHANYIN)


@pytest.fixture
def population(clerk):
    """Shanyin's people, each with what the 2027 figures see of them:

    - 张连续, 李连续: enrolled 2025 and 2026, continuous, no waiting;
    - 王断保: enrolled 2025 only, a break in 2026: fixed waiting 3 months;
    - 赵未参: never enrolled, breaks 2025 and 2026 (counted from 2025): 3 months fixed, 1 variable;
    - 刘低保: dibao, enrolled 2026: pays 80, the assistance fund the rest;
    - 陈脱贫: stable poverty alleviated (稳定脱贫人口), enrolled 2026: pays the full 400, no subsidy.
    """
    people = {}
    for sequence, name in enumerate(["张连续", "李连续", "王断保", "赵未参", "刘低保", "陈脱贫"], start=101):
        people[name] = ResidentFactory(actor=clerk, sequence=sequence, name=name, birth_date=D(1980, 5, 1))
    for name in ["张连续", "李连续", "王断保"]:
        EnrollmentFactory(actor=clerk, resident=people[name], insurance_year=2025, payment_date=D(2024, 11, 20))
    for name in ["张连续", "李连续", "刘低保", "陈脱贫"]:
        EnrollmentFactory(actor=clerk, resident=people[name], insurance_year=2026, payment_date=D(2025, 11, 20))
    for name, category, department in [
        ("刘低保", "dibao", "民政"),
        ("陈脱贫", "stable_poverty_alleviated", "农业农村"),
    ]:
        hardship_identity_create(
            actor=clerk, resident=people[name], category=category, department=department, valid_from=D(2025, 1, 1)
        )
    return people


@pytest.fixture
def simulate(django_capture_on_commit_callbacks):
    """Queue a simulation and run its county runs as the worker would (Celery is eager in the tests)."""

    def run(preparer, draft, division_code=SHANYIN, elasticity=Decimal("-0.30")):
        with django_capture_on_commit_callbacks(execute=True):
            return impact_simulation_request(
                actor=preparer,
                draft=draft,
                division_code=division_code,
                as_of=D(2026, 12, 1),
                payment_date=PAYMENT_DATE,
                elasticity=elasticity,
            )

    return run
