"""A simulation applies a draft to the population of a division and compares it with the current figures, person by
person and then summed; the expected values below are worked out by hand from RULES.md, not by the rules."""

from decimal import Decimal

import pytest

from conftest import SHANYIN
from core.models import JobStatus
from enrollment.policy import policy_resolve
from enrollment.selectors import person_histories_many
from enrollment.services import PaymentDetails, enrollment_create
from policy_changes.models import ImpactCountyRun, ImpactPerson, ImpactTotal
from policy_changes.rules import person_impact_compute
from policy_changes.selectors import impact_distributions, impact_division_totals, impact_simulation_progress
from policy_changes.services import simulation_population
from policy_changes.tests.conftest import PAYMENT_DATE, YEAR
from policy_changes.tests.factories import draft_with

pytestmark = pytest.mark.django_db


def totals(user, simulation, division_code=SHANYIN):
    whole, _ = impact_division_totals(user=user, simulation=simulation, division_code=division_code)
    return whole


def test_an_unchanged_draft_changes_nothing_for_anyone(preparer, population, simulate):
    draft = draft_with(preparer)
    simulation = simulate(preparer, draft)
    # every person, compared one by one
    current = policy_resolve(region_code=SHANYIN, insurance_year=YEAR)
    people = simulation_population(county_code=SHANYIN)
    histories = person_histories_many(
        residents=people,
        birth_dates=dict(people.values_list("pk", "birth_date")),
        before_year=YEAR,
        on_date=PAYMENT_DATE,
    )
    impacts = [
        person_impact_compute(current=current, draft=current, payment_date=PAYMENT_DATE, history=history)
        for history in histories.values()
    ]
    assert len(impacts) == 6 and not any(impact.changed for impact in impacts)
    # and as the simulation stored them
    assert impact_simulation_progress(simulation).succeeded
    whole = totals(preparer, simulation)
    assert (whole.people, whole.people_changed, whole.due_change, whole.subsidy_change, whole.income_change) == (
        6,
        0,
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert [whole.sums[name] for name in ("due_changed", "waiting_changed", "cap_changed", "category_changed")] == [
        0,
        0,
        0,
        0,
    ]
    assert not ImpactPerson.objects.filter(simulation=simulation).exists()
    assert impact_distributions(user=preparer, simulation=simulation, division_code=SHANYIN) == {
        "due": {},
        "waiting": {},
        "cap": {},
    }


def test_shanyin_standard_400_to_420_moves_dues_subsidies_and_income_exactly(preparer, population, simulate):
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"))
    simulation = simulate(preparer, draft)
    whole = totals(preparer, simulation)
    # 张, 李, 王 and 赵 pay the full standard: 4 × 400 before, 4 × 420 after; 刘低保 pays 80 either way; 陈脱贫 pays
    # the table's 400 either way, so 420 leaves a subsidy of 20 and makes him a subsidised 稳定脱贫人口
    assert (whole.due_before, whole.due_after) == (Decimal("2080.00"), Decimal("2160.00"))
    assert (whole.subsidy_before, whole.subsidy_after) == (Decimal("320.00"), Decimal("360.00"))
    # income counts the people enrolled in 2026 (张, 李, 刘, 陈): 4 × 400 before, 4 × 420 after
    assert (whole.enrolled_now, whole.income_before, whole.income_after) == (4, Decimal("1600.00"), Decimal("1680.00"))
    assert (whole.people_changed, whole.due_changed, whole.subsidy_changed, whole.category_changed) == (6, 4, 2, 1)
    assert (whole.waiting_changed, whole.cap_changed) == (0, 0)
    assert impact_distributions(user=preparer, simulation=simulation, division_code=SHANYIN)["due"] == {
        "+20.00": 4,
        "+0.00": 2,
    }
    # the expected enrollment: 4 × (1 + (-0.30) × 80 / 2080) = 3.95 → 4
    assert (whole.effect.expected_enrolled, whole.effect.due_change_rate.quantize(Decimal("0.0001"))) == (
        4,
        Decimal("0.0385"),
    )
    # the people most affected come first, with both explanations
    first = ImpactPerson.objects.filter(simulation=simulation).order_by("rank").first()
    assert (first.due_before, first.due_after) == (Decimal("400.00"), Decimal("420.00"))
    assert first.explanation_before[0]["text"] == "2027年度个人缴费标准400.00元"
    assert first.explanation_after[0]["text"] == "2027年度个人缴费标准420.00元"


def test_a_longer_fixed_waiting_period_moves_exactly_the_people_with_a_break(preparer, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    whole = totals(preparer, simulation)
    assert (whole.people_changed, whole.waiting_changed, whole.benefit_start_changed, whole.due_changed) == (
        2,
        2,
        2,
        0,
    )
    moved = ImpactPerson.objects.filter(simulation=simulation).order_by("rank")
    assert {person.resident.name for person in moved} == {"王断保", "赵未参"}
    assert {(person.resident.name, person.waiting_before, person.waiting_after) for person in moved} == {
        ("王断保", 3, 6),
        ("赵未参", 4, 7),
    }
    assert impact_distributions(user=preparer, simulation=simulation, division_code=SHANYIN)["waiting"] == {"+3": 2}


def test_a_draft_never_changes_the_live_figures(clerk, preparer, population, simulate):
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"), fixed_waiting_months=6)
    before = policy_resolve(region_code=SHANYIN, insurance_year=YEAR)
    simulate(preparer, draft)
    after = policy_resolve(region_code=SHANYIN, insurance_year=YEAR)
    assert after == before
    assert (after.contribution_standard, after.calendar.fixed_waiting_months) == (Decimal("400.00"), 3)
    # and the window's payment of a person with a break is the current figures'
    enrollment = enrollment_create(
        actor=clerk,
        resident=population["王断保"],
        details=PaymentDetails(insurance_year=YEAR, payment_date=PAYMENT_DATE),
    )
    assert (enrollment.individual_due, enrollment.waiting_total_months) == (Decimal("400.00"), 3)


def test_a_city_simulation_runs_one_county_run_per_county(preparer, population, simulate):
    draft = draft_with(preparer, region_code="1406", contribution_standard=Decimal("420.00"))
    simulation = simulate(preparer, draft, division_code="1406")
    runs = ImpactCountyRun.objects.filter(simulation=simulation)
    assert runs.count() == simulation.counties_total == 7
    assert set(runs.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    # Shanyin's own standard is 2026's; the city's 2027 figure is a later year's, and the latest year comes first
    shuozhou, counties = impact_division_totals(user=preparer, simulation=simulation, division_code="1406")
    assert (shuozhou.people, shuozhou.due_changed, shuozhou.due_change) == (6, 4, Decimal("80.00"))
    assert [county.code for county in counties] == [SHANYIN]
    assert ImpactTotal.objects.filter(simulation=simulation).count() == 1
