"""R7.5 and R7.6 as pure functions: placeholder identities, the conditions of pre-enrollment, and the validity of a
newborn's 医保码."""

import datetime
import enum
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from core.formatting import date_prose_text
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


# --- 新生儿医保码 (陕医保发〔2024〕7号 二（三）; the ID number follows later, R7.5) ---------------------------------

MEDICAL_CODE_RULE = "R7.5"


@dataclass(frozen=True)
class MedicalCodeFigures:
    """The region's figure for the births of a year: the code is valid for `validity_days` days after birth."""

    validity_days: int
    source: str  # the document and its clause: 陕医保发〔2024〕7号 二（三）


class MedicalCodeStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


MEDICAL_CODE_STATUS_LABELS = {
    MedicalCodeStatus.VALID: "有效",
    MedicalCodeStatus.EXPIRED: "已过期",
    MedicalCodeStatus.REVOKED: "已停用",
}
MEDICAL_CODE_STATUS_CHOICES = [(status.value, label) for status, label in MEDICAL_CODE_STATUS_LABELS.items()]


@dataclass(frozen=True)
class MedicalCodeStanding:
    """A code as of one day: valid, expired or revoked, and why, in the shape of an enrollment's explanation."""

    status: MedicalCodeStatus
    label: str
    explanation: list[dict[str, str]]

    @property
    def valid(self) -> bool:
        return self.status == MedicalCodeStatus.VALID


def medical_code_valid_until(*, birth_date: datetime.date, figures: MedicalCodeFigures) -> datetime.date:
    """The last day the code can be settled on: "出生后180天内" read as the birth date plus the region's days (a baby
    born 2026-03-01 is covered by its code until 2026-08-28 with 180 days)."""
    return birth_date + datetime.timedelta(days=figures.validity_days)


def medical_code_standing(
    *,
    valid_from: datetime.date,
    valid_until: datetime.date,
    validity_days: int,
    source: str,
    revoked_on: datetime.date | None,
    revocation_reason: str,
    today: datetime.date,
) -> MedicalCodeStanding:
    """Revoked once the ID number is known (the enrollment stays and is settled on by the ID number); else valid from
    birth through `valid_until`, expired after it."""
    explanation = [
        {
            "rule": MEDICAL_CODE_RULE,
            "text": f"凭出生医学证明参保、尚无身份证号的新生儿发放医保码，自出生之日（{date_prose_text(valid_from)}）起"
            f"{validity_days}天内（至{date_prose_text(valid_until)}）可凭医保码在定点医疗机构直接就医结算",
            "source": source,
        }
    ]
    if revoked_on is not None:
        status = MedicalCodeStatus.REVOKED
        reason = f"：{revocation_reason}" if revocation_reason else ""
        text = f"{date_prose_text(revoked_on)}停用{reason}；参保记录不变，此后凭身份证号就医结算"
    elif today > valid_until:
        status = MedicalCodeStatus.EXPIRED
        text = f"{date_prose_text(today)}已超过有效期，不能再凭医保码就医结算，请尽快补录身份证号"
    else:
        status = MedicalCodeStatus.VALID
        remaining = (valid_until - today).days
        text = f"{date_prose_text(today)}在有效期内，还可使用{remaining}天"
    explanation.append({"rule": MEDICAL_CODE_RULE, "text": text, "source": source})
    return MedicalCodeStanding(status=status, label=MEDICAL_CODE_STATUS_LABELS[status], explanation=explanation)
