"""R7.5 and R7.6 as pure functions: placeholder identities and the conditions of pre-enrollment."""

import datetime

from dateutil.relativedelta import relativedelta

from enrollment.rules import NewbornParameters

PLACEHOLDER_SUFFIX = "B"


class PreEnrollmentRefused(ValueError):
    """A pre-enrollment the rules refuse; `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def placeholder_suffixes(*, babies: int, taken: frozenset[str]) -> list[str]:
    """R7.6: B for one baby, B1, B2 … for multiples (数字叠加); numbers already used by the mother are skipped."""
    if babies == 1 and PLACEHOLDER_SUFFIX not in taken:
        return [PLACEHOLDER_SUFFIX]
    suffixes: list[str] = []
    number = 1 if babies > 1 else 2
    while len(suffixes) < babies:
        suffix = f"{PLACEHOLDER_SUFFIX}{number}"
        if suffix not in taken:
            suffixes.append(suffix)
        number += 1
    return suffixes


def pre_enrollment_check(
    *,
    parameters: NewbornParameters,
    application_date: datetime.date,
    expected_delivery_date: datetime.date,
    mother_enrolled_this_year: bool,
) -> None:
    """R7.6: offered by the region; from 24 full weeks of pregnancy (at most N weeks before the expected delivery);
    only for a mother with an enrolled year for the current year."""
    if not parameters.pre_enrollment_enabled:
        raise PreEnrollmentRefused("mother_id_number", "本地区未开办新生儿预参保。")
    if expected_delivery_date < application_date:
        raise PreEnrollmentRefused("expected_delivery_date", "预产期不能早于申请日期。")
    weeks = parameters.pre_enrollment_weeks_before_delivery
    if expected_delivery_date - application_date > datetime.timedelta(weeks=weeks):
        earliest = expected_delivery_date - datetime.timedelta(weeks=weeks)
        raise PreEnrollmentRefused(
            "application_date",
            f"预参保须在预产期前{weeks}周以内申请，最早可于{earliest:%Y年%-m月%-d日}申请。",
        )
    if not mother_enrolled_this_year:
        raise PreEnrollmentRefused(
            "mother_id_number", f"申请人{application_date.year}年度未参加基本医疗保险，不能申请新生儿预参保。"
        )


def placeholder_link_deadline(*, parameters: NewbornParameters, birth_or_expected: datetime.date) -> datetime.date:
    """R7.6: the real ID is due within the months after birth; past it the placeholder is listed for follow-up."""
    return birth_or_expected + relativedelta(months=parameters.pre_enrollment_link_months)


def birth_consistent_with_pregnancy(
    *,
    parameters: NewbornParameters,
    application_date: datetime.date,
    expected_delivery_date: datetime.date,
    birth_date: datetime.date,
) -> bool:
    """R7.6: a birth belongs to the pregnancy pre-enrolled for only if it happened on or after the application and
    within the region's window around the expected delivery; any other birth of the mother is registered on its own."""
    if birth_date < application_date:
        return False
    earliest = expected_delivery_date - datetime.timedelta(weeks=parameters.pre_enrollment_birth_weeks_before)
    latest = expected_delivery_date + datetime.timedelta(weeks=parameters.pre_enrollment_birth_weeks_after)
    return earliest <= birth_date <= latest
