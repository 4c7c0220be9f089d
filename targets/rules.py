"""R10.3 as pure functions: time progress, completion rate and gap, exact and rounded once."""

import datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

RATE_STEP = Decimal("0.0001")


def _rate(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def time_progress_fraction(as_of: datetime.date, *, year: int | None = None) -> Fraction:
    """The share of `year` (the year of `as_of` unless given) gone by the end of `as_of`: its day of the year over
    the days in the year; a date after the year's end has all of it behind it (R7.1a: a year's late registrations
    are still counted as of a date in the next year)."""
    year = as_of.year if year is None else year
    if as_of.year > year:
        return Fraction(1)
    days_in_year = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
    return Fraction(as_of.timetuple().tm_yday, days_in_year)


def time_progress(as_of: datetime.date, *, year: int | None = None) -> Decimal:
    """2026-06-30 → 181/365 → 0.4959; for 2026, 2027-01-20 → 1.0000."""
    return _rate(time_progress_fraction(as_of, year=year))


def as_of_in_reach(*, as_of: datetime.date, year: int) -> bool:
    """R10.3 with R7.1a: a year's progress is counted as of a day of that year, or of the next one, by when the
    registrations of its last newborns (born in December, registered within the window after birth) are in."""
    return year <= as_of.year <= year + 1


AS_OF_OUT_OF_REACH = "统计截止日应在所查年度或其次年之内。"


def completion_rate(*, actual: int, target: Decimal) -> Decimal | None:
    if target <= 0:
        return None
    return _rate(Fraction(actual) / Fraction(target))


def count_gap(*, target: Decimal, actual: int, as_of: datetime.date, year: int | None = None) -> int:
    """Where the count should stand by now (target × time progress) less where it stands, to a whole person."""
    behind = Fraction(target) * time_progress_fraction(as_of, year=year) - actual
    return int((Decimal(behind.numerator) / Decimal(behind.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_gap(*, target_rate: Decimal, actual: int, base: int) -> int:
    """People still to enroll for the rate to reach its target; part of a person counts as one."""
    needed = (target_rate * base).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(needed) - actual)
