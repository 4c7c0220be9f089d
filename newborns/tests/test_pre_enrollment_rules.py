"""R7.6 as a pure rule: which births belong to the pregnancy a placeholder was pre-enrolled for."""

import datetime

import pytest

from enrollment.rules import NewbornParameters
from newborns.rules import birth_consistent_with_pregnancy

D = datetime.date
SHANXI = NewbornParameters(
    pre_enrollment_enabled=True,
    pre_enrollment_weeks_before_delivery=16,
    pre_enrollment_birth_weeks_before=16,
    pre_enrollment_birth_weeks_after=6,
)
EXPECTED = D(2026, 10, 1)
APPLIED = D(2026, 6, 1)


def consistent(*, birth_date, application_date=APPLIED):
    return birth_consistent_with_pregnancy(
        parameters=SHANXI, application_date=application_date, expected_delivery_date=EXPECTED, birth_date=birth_date
    )


def test_r7_6_a_birth_the_day_before_the_application_is_not_that_pregnancy():
    assert consistent(application_date=D(2026, 7, 1), birth_date=D(2026, 6, 30)) is False
    assert consistent(application_date=D(2026, 7, 1), birth_date=D(2026, 7, 1)) is True


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (D(2026, 6, 10), False),  # 16 weeks and 1 day before the expected date
        (D(2026, 6, 11), True),  # 16 weeks before
        (D(2026, 10, 1), True),
        (D(2026, 11, 12), True),  # 6 weeks after
        (D(2026, 11, 13), False),  # 6 weeks and 1 day after
    ],
)
def test_r7_6_a_birth_links_only_within_16_weeks_before_and_6_weeks_after_the_expected_date(birth_date, expected):
    assert consistent(birth_date=birth_date) is expected
