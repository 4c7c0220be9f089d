"""The catastrophic-illness cap and its incentives (R5)."""

from dataclasses import dataclass
from decimal import Decimal

from .base import Explanation, SourcedFigure, employee_years_text


@dataclass(frozen=True)
class CapParameters:
    base: Decimal
    step: Decimal
    continuity_free_years: int
    bonus_limit: Decimal
    penalty_limit: Decimal
    incentive_start_year: int
    break_counting_start_year: int
    source: SourcedFigure


@dataclass(frozen=True)
class CatastrophicCap:
    base: Decimal
    continuity_bonus: Decimal
    zero_claim_bonus: Decimal
    break_penalty: Decimal
    effective: Decimal
    explanation: tuple[Explanation, ...]


def catastrophic_cap_compute(
    *,
    parameters: CapParameters,
    insurance_year: int,
    enrolled_years: frozenset[int],
    current_year_counts: bool,
    zero_claim_years: frozenset[int],
    reward_used_years: frozenset[int],
    birth_year: int,
    employee_insured_years: frozenset[int] = frozenset(),
) -> CatastrophicCap:
    """R5: base cap plus continuity and zero-claim bonuses, less break penalties, each side within its limit.

    R8.2 [reading]: a recorded employee year (not also an enrolled year) is basic insurance, so it is no break: it
    carries no penalty (R5.4) and does not reset the run of consecutive years (R5.2); but it is not a year of
    resident insurance either, so it does not count toward that run's n."""
    years = enrolled_years | ({insurance_year} if current_year_counts else frozenset())
    employee_only = employee_insured_years - years
    consecutive = 0
    passed_over: list[int] = []
    year = insurance_year
    while year >= parameters.incentive_start_year:
        if year in years:
            consecutive += 1
        elif year in employee_only:
            passed_over.append(year)  # R8.2: neither counted nor a break
        else:
            break
        year -= 1
    continuity = parameters.step * max(0, consecutive - parameters.continuity_free_years)

    zero_claim = Decimal("0.00")
    for year in range(parameters.incentive_start_year, insurance_year):
        if year in reward_used_years:
            zero_claim = Decimal("0.00")
        elif year in enrolled_years and year in zero_claim_years:
            zero_claim += parameters.step

    first_counted = max(parameters.break_counting_start_year, birth_year)
    missed = [
        year
        for year in range(first_counted, insurance_year)
        if year not in enrolled_years and year not in employee_insured_years
    ]
    unpenalised = [year for year in range(first_counted, insurance_year) if year in employee_only]
    penalty = min(parameters.step * len(missed), parameters.penalty_limit)

    bonus_total = continuity + zero_claim
    if bonus_total > parameters.bonus_limit:
        # Keep the continuity bonus whole first; the zero-claim bonus takes what is left of the limit.
        continuity = min(continuity, parameters.bonus_limit)
        zero_claim = parameters.bonus_limit - continuity
    source = str(parameters.source)
    explanation = [Explanation("R5.1", f"大病保险基础最高支付限额{parameters.base:,.0f}元", source)]
    if continuity:
        explanation.append(Explanation("R5.2", f"连续参保{consecutive}年，提高{continuity:,.0f}元", source))
    if zero_claim:
        explanation.append(Explanation("R5.3", f"基金零报销奖励累计{zero_claim:,.0f}元", source))
    if unpenalised or passed_over:
        text = (
            f"{employee_years_text(set(unpenalised) | set(passed_over))}参加职工基本医疗保险，不属断保，不扣减限额；"
            "不计入连续参保年数，也不中断连续参保"
        )
        explanation.append(Explanation("R8.2", text, source))
    if penalty:
        missed_text = "、".join(str(year) for year in missed)
        explanation.append(Explanation("R5.4", f"{missed_text}年未参保，降低{penalty:,.0f}元", source))
    if bonus_total > parameters.bonus_limit or parameters.step * len(missed) > parameters.penalty_limit:
        explanation.append(Explanation("R5.5", "奖励与扣减各自累计不超过上限", source))
    effective = parameters.base + continuity + zero_claim - penalty
    return CatastrophicCap(
        base=parameters.base,
        continuity_bonus=continuity,
        zero_claim_bonus=zero_claim,
        break_penalty=penalty,
        effective=effective,
        explanation=tuple(explanation),
    )
