"""R10.3 as pure functions: time progress, completion rate and gap, exact and rounded once."""

import datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

RATE_STEP = Decimal("0.0001")


def _rate(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def time_progress_fraction(as_of: datetime.date) -> Fraction:
    """The share of the year gone by the end of `as_of`: its day of the year over the days in the year."""
    days_in_year = (datetime.date(as_of.year, 12, 31) - datetime.date(as_of.year, 1, 1)).days + 1
    return Fraction(as_of.timetuple().tm_yday, days_in_year)


def time_progress(as_of: datetime.date) -> Decimal:
    """2026-06-30 → 181/365 → 0.4959."""
    return _rate(time_progress_fraction(as_of))


def completion_rate(*, actual: int, target: Decimal) -> Decimal | None:
    if target <= 0:
        return None
    return _rate(Fraction(actual) / Fraction(target))


def count_gap(*, target: Decimal, actual: int, as_of: datetime.date) -> int:
    """Where the count should stand by now (target × time progress) less where it stands, to a whole person."""
    behind = Fraction(target) * time_progress_fraction(as_of) - actual
    return int((Decimal(behind.numerator) / Decimal(behind.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_gap(*, target_rate: Decimal, actual: int, base: int) -> int:
    """People still to enroll for the rate to reach its target; part of a person counts as one."""
    needed = (target_rate * base).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(needed) - actual)
