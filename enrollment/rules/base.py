"""What every rule returns or cites: an explanation entry, the source of a figure, and the one rounding of money."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class SourcedFigure:
    """Where a figure comes from, cited in explanations."""

    document: str
    clause: str = ""

    def __str__(self) -> str:
        return f"{self.document} {self.clause}".strip()


@dataclass(frozen=True)
class Explanation:
    rule: str
    text: str
    source: str


def employee_years_text(years: Iterable[int]) -> str:
    return "、".join(f"{year}年" for year in sorted(years))


def money(value: Decimal) -> Decimal:
    """The one rounding of money: to the fen, half up."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
