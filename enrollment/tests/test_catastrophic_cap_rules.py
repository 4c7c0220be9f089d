"""R5: the catastrophic-illness cap, with Shanxi's figures (晋医保发〔2025〕3号)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from enrollment.rules import CapParameters, SourcedFigure, catastrophic_cap_compute

SHANXI_CAP = CapParameters(
    base=Decimal("400000.00"),
    step=Decimal("3000.00"),
    continuity_free_years=4,
    bonus_limit=Decimal("80000.00"),
    penalty_limit=Decimal("80000.00"),
    incentive_start_year=2025,
    break_counting_start_year=2025,
    source=SourcedFigure("晋医保发〔2025〕3号", "一（三）"),
)


def cap(year, enrolled, counts=True, zero_claim=(), reward_used=(), birth_year=1980):
    return catastrophic_cap_compute(
        parameters=SHANXI_CAP,
        insurance_year=year,
        enrolled_years=frozenset(enrolled),
        current_year_counts=counts,
        zero_claim_years=frozenset(zero_claim),
        reward_used_years=frozenset(reward_used),
        birth_year=birth_year,
    )


def test_r5_1_base_without_history_since_2025():
    result = cap(2025, enrolled={2023, 2024})
    assert (result.base, result.effective) == (Decimal("400000.00"), Decimal("400000.00"))


def test_r5_2_continuity_bonus_from_the_fifth_consecutive_year():
    assert cap(2028, enrolled={2025, 2026, 2027}).continuity_bonus == Decimal("0.00")
    assert cap(2029, enrolled={2025, 2026, 2027, 2028}).continuity_bonus == Decimal("3000.00")
    assert cap(2030, enrolled={2025, 2026, 2027, 2028, 2029}).continuity_bonus == Decimal("6000.00")


def test_r5_2_a_break_resets_the_count():
    result = cap(2031, enrolled={2025, 2026, 2027, 2029, 2030})
    assert result.continuity_bonus == Decimal("0.00")
    assert result.break_penalty == Decimal("3000.00")


def test_r5_3_zero_claim_years_accumulate_from_the_next_year():
    result = cap(2027, enrolled={2025, 2026}, zero_claim={2025, 2026})
    assert result.zero_claim_bonus == Decimal("6000.00")


def test_r5_3_reward_use_clears_the_accumulated_zero_claim_bonus_but_not_continuity():
    enrolled = {2025, 2026, 2027, 2028, 2029}
    result = cap(2030, enrolled=enrolled, zero_claim={2025, 2026, 2028}, reward_used={2027})
    assert (result.zero_claim_bonus, result.continuity_bonus) == (Decimal("3000.00"), Decimal("6000.00"))


def test_r5_3_a_break_does_not_clear_the_zero_claim_bonus():
    result = cap(2028, enrolled={2025, 2027}, zero_claim={2025, 2027})
    assert result.zero_claim_bonus == Decimal("6000.00")


def test_r5_4_every_missed_year_lowers_the_cap_and_penalties_accumulate():
    # API.md example: enrolled 2023 and 2024, not 2025 and 2026, paying 2027
    result = cap(2027, enrolled={2023, 2024})
    assert (result.break_penalty, result.effective) == (Decimal("6000.00"), Decimal("394000.00"))
    later = cap(2030, enrolled={2023, 2024, 2027, 2028, 2029})
    assert later.break_penalty == Decimal("6000.00")


def test_r5_4_penalty_counts_from_the_birth_year():
    assert cap(2028, enrolled={2027}, birth_year=2026).break_penalty == Decimal("3000.00")


def test_r5_5_bonuses_and_penalties_are_each_at_most_80000():
    long_life = set(range(2025, 2060))
    bonus = cap(2060, enrolled=long_life, zero_claim=long_life)
    assert bonus.continuity_bonus + bonus.zero_claim_bonus == Decimal("80000.00")
    penalty = cap(2060, enrolled=set())
    assert penalty.break_penalty == Decimal("80000.00")
    assert penalty.effective == Decimal("320000.00")


@given(
    year=st.integers(min_value=2025, max_value=2070),
    enrolled=st.sets(st.integers(min_value=2020, max_value=2070)),
    zero_claim=st.sets(st.integers(min_value=2020, max_value=2070)),
    reward_used=st.sets(st.integers(min_value=2020, max_value=2070)),
)
def test_r5_5_property_bonuses_and_penalties_stay_within_limits(year, enrolled, zero_claim, reward_used):
    before = {y for y in enrolled if y < year}
    result = cap(year, enrolled=before, zero_claim=zero_claim, reward_used=reward_used)
    assert Decimal("0") <= result.continuity_bonus + result.zero_claim_bonus <= Decimal("80000.00")
    assert Decimal("0") <= result.break_penalty <= Decimal("80000.00")
    assert result.effective == result.base + result.continuity_bonus + result.zero_claim_bonus - result.break_penalty
    assert cap(year, enrolled=before, zero_claim=zero_claim, reward_used=reward_used) == result
