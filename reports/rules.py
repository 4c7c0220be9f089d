"""R11 as pure functions: splitting people and money so that the parts add up exactly to the whole."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

FEN = Decimal("0.01")


def largest_remainder_split(total: int, weights: list[Fraction]) -> list[int]:
    """Whole units (people, or fen) of `total` in proportion to `weights`; the units left by rounding down go to the
    largest remainders, the earlier part first among equals. Equal weights when every weight is zero."""
    if not weights:
        return []
    if sum(weights) == 0:
        weights = [Fraction(1)] * len(weights)
    weight_sum = sum(weights)
    exact = [Fraction(total) * weight / weight_sum for weight in weights]
    parts = [int(value) for value in exact]  # exact values are never negative here: int() rounds down
    by_remainder = sorted(range(len(exact)), key=lambda index: (-(exact[index] - parts[index]), index))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def money_split(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """R11.2: an amount shared by the levels, each part to the fen, the parts summing to the amount exactly."""
    fen = int((amount / FEN).to_integral_value(rounding=ROUND_DOWN))
    return [Decimal(part) * FEN for part in largest_remainder_split(fen, [Fraction(share) for share in shares])]


@dataclass(frozen=True)
class LevelSettlement:
    level: str
    share: Decimal
    prepaid: Decimal
    actual_cost: Decimal

    @property
    def settlement(self) -> Decimal:
        """Positive: the level tops up; negative: it is clawed back."""
        return self.actual_cost - self.prepaid


def county_settlement(
    *, standard: Decimal, target_people: int, actual_people: int, shares: dict[str, Decimal]
) -> list[LevelSettlement]:
    """R11.1, R11.2: prepay from the target and settlement from the actual newborns, both × S(Y), shared by tier."""
    levels = list(shares)
    prepaid = money_split(standard * target_people, [shares[level] for level in levels])
    actual = money_split(standard * actual_people, [shares[level] for level in levels])
    return [
        LevelSettlement(level=level, share=shares[level], prepaid=prepaid[index], actual_cost=actual[index])
        for index, level in enumerate(levels)
    ]
