"""R10.3: time progress, completion rate and gap, without the database."""

import datetime
from decimal import Decimal

import pytest

from targets.rules import completion_rate, count_gap, rate_gap, time_progress

D = datetime.date


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2026, 6, 30), "0.4959"),  # API.md: 181 / 365
        (D(2026, 1, 1), "0.0027"),
        (D(2026, 12, 31), "1.0000"),
        (D(2028, 6, 30), "0.4973"),  # a leap year: 182 / 366
    ],
)
def test_r10_3_time_progress_is_the_day_of_the_year_over_its_days(as_of, expected):
    assert time_progress(as_of) == Decimal(expected)


def test_r10_3_completion_rate_to_four_places():
    assert completion_rate(actual=2707, target=Decimal(6000)) == Decimal("0.4512")
    assert completion_rate(actual=5, target=Decimal(0)) is None


def test_r10_3_gap_is_target_times_time_progress_less_actual_to_a_whole_person():
    # 6000 × 181/365 = 2975.34…; less 2707 = 268.34 → 268
    assert count_gap(target=Decimal(6000), actual=2707, as_of=D(2026, 6, 30)) == 268
    # ahead of time: a negative gap
    assert count_gap(target=Decimal(6000), actual=3000, as_of=D(2026, 6, 30)) == -25


def test_r10_2_rate_gap_counts_part_of_a_person_as_one():
    assert rate_gap(target_rate=Decimal("0.9500"), actual=90, base=101) == 6  # 95.95 → 96
    assert rate_gap(target_rate=Decimal("0.9500"), actual=99, base=101) == 0


def test_r10_3_r7_1a_time_progress_of_a_year_asked_for_in_the_next_is_complete():
    assert time_progress(D(2027, 1, 20), year=2026) == Decimal("1.0000")
    assert time_progress(D(2026, 12, 31), year=2026) == Decimal("1.0000")
    assert count_gap(target=Decimal(6000), actual=5990, as_of=D(2027, 1, 20), year=2026) == 10
