"""Pure policy rules of the resident registry: no ORM, no clock."""

import datetime
import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from .hardship_rules import HardshipSubsidy, HardshipTier, hardship_subsidy_compute

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARACTERS = "10X98765432"


class IdNumberError(ValueError):
    """An ID number that cannot be valid; the message is shown to the clerk."""


@dataclass(frozen=True)
class IdNumberFacts:
    id_number: str
    address_code: str
    birth_date: datetime.date
    gender: str  # "M" or "F"


ID_NUMBER_PART_CACHE_SIZE = 65_536  # distinct parts remembered: more than a county has birth dates


def _weighted_sum_of(first: int, last: int) -> Callable[[str], int]:
    """The MOD 11-2 weighted sum of the digits at positions first..last-1 of an ID number, as a cached function.

    The weighted sum of a number is the sum of its parts' sums: address code, birth date and sequence. Each part
    takes few distinct values in a county's file (a few address codes, some 30,000 birth dates, 1,000 sequences),
    so a bulk file of a million numbers computes each part's sum once and looks it up after.
    """
    weights = ID_NUMBER_WEIGHTS[first:last]
    weighted_zeros = ord("0") * sum(weights)

    @functools.lru_cache(maxsize=ID_NUMBER_PART_CACHE_SIZE)
    def weighted_sum(digits: str) -> int:
        total: int = sum(map(operator.mul, digits.encode("ascii"), weights))
        return total - weighted_zeros

    return weighted_sum


_address_code_sum = _weighted_sum_of(0, 6)
_birth_date_sum = _weighted_sum_of(6, 14)
_sequence_sum = _weighted_sum_of(14, 17)


@functools.lru_cache(maxsize=ID_NUMBER_PART_CACHE_SIZE)
def _birth_date_of(digits: str) -> datetime.date | None:
    """The date written as 8 digits YYYYMMDD, or None when there is no such day."""
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def id_number_check_character(first_seventeen: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643 (R13.4) of 17 ASCII digits."""
    if len(first_seventeen) != len(ID_NUMBER_WEIGHTS) or not _ascii_digits(first_seventeen):
        raise ValueError(f"not 17 ASCII digits: {first_seventeen!r}")
    return _check_character(first_seventeen)


def _check_character(first_seventeen: str) -> str:
    total = (
        _address_code_sum(first_seventeen[:6])
        + _birth_date_sum(first_seventeen[6:14])
        + _sequence_sum(first_seventeen[14:17])
    )
    return ID_NUMBER_CHECK_CHARACTERS[total % 11]


def _ascii_digits(text: str) -> bool:
    """0-9 only: str.isdigit() alone also takes full-width and other Unicode digits."""
    return text.isascii() and text.isdigit()


def id_number_read(raw: str) -> tuple[str, datetime.date, str]:
    """(ID number, birth date, sex "M"/"F") of a valid 18-character ID number, or IdNumberError (R13.4).

    The plain tuple is what a bulk file's million rows need; id_number_parse gives the same as IdNumberFacts.
    """
    id_number = raw.strip().upper()
    if len(id_number) != 18:
        raise IdNumberError("身份证号应为18位。")
    if not _ascii_digits(id_number[:17]) or id_number[17] not in "0123456789X":
        raise IdNumberError("身份证号前17位应为数字，最后一位应为数字或X。")
    birth_date = _birth_date_of(id_number[6:14])
    if birth_date is None:
        raise IdNumberError(f"身份证号中的出生日期 {id_number[6:14]} 不存在。")
    if _check_character(id_number) != id_number[17]:
        raise IdNumberError("身份证号校验位不正确，请核对后重新输入。")
    return id_number, birth_date, "M" if id_number[16] in "13579" else "F"


def id_number_parse(raw: str) -> IdNumberFacts:
    """Validate an 18-character ID number and derive its birth date and sex (R13.4).

    Whether the address code is still in today's division table is not checked here: an old code is only a
    warning, decided by the caller that has the table.
    """
    id_number, birth_date, gender = id_number_read(raw)
    return IdNumberFacts(id_number=id_number, address_code=id_number[:6], birth_date=birth_date, gender=gender)


def id_number_compose(*, address_code: str, birth_date: datetime.date, sequence: int) -> str:
    """The valid ID number for an address code, birth date and 3-digit sequence (odd: male, even: female)."""
    first_seventeen = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first_seventeen + id_number_check_character(first_seventeen)


# --- Collection period, waiting period and benefit period (R2, R3, R4) ---------------------------------------


@dataclass(frozen=True)
class SourcedFigure:
    """Where a figure comes from, cited in explanations."""

    document: str
    clause: str = ""

    def __str__(self) -> str:
        return f"{self.document} {self.clause}".strip()


@dataclass(frozen=True)
class CalendarParameters:
    """The collection calendar and waiting-period figures of one region and insurance year (R2, R4)."""

    insurance_year: int
    collection_opens: datetime.date
    normal_part_ends: datetime.date
    extended_part_starts: datetime.date
    extended_part_ends: datetime.date
    monthly_cutoff_day: int
    fixed_waiting_months: int
    free_break_years: int
    waiting_floor_months: int
    waiting_floor_break_years: int
    break_counting_start_year: int
    collection_source: SourcedFigure
    waiting_source: SourcedFigure


class PaymentDateRefused(ValueError):
    """A payment date the collection rules refuse (R2.2, R2.3); the message is shown to the clerk."""


class BackPaymentRefused(ValueError):
    """More back-paid years than break years (R4.5); the message is shown to the clerk."""


class PaymentPart:
    NORMAL = "normal"
    EXTENDED = "extended"
    OUT_OF_PERIOD = "out_of_period"


def _next_open_day(parameters: CalendarParameters, date: datetime.date) -> datetime.date:
    """The first day a refused date's payment is accepted: the 1st of next month, or the extended part's start."""
    first_of_next_month = (date.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    if parameters.normal_part_ends < first_of_next_month < parameters.extended_part_starts:
        return parameters.extended_part_starts
    return first_of_next_month


def payment_part(parameters: CalendarParameters, payment_date: datetime.date) -> str:
    """Which part of the collection period a payment date falls in, or a refusal (R2.1-R2.3).

    Callers exempt from the period (newborns R7, first-time students R9) do not ask.
    """
    if payment_date < parameters.collection_opens:
        raise PaymentDateRefused(
            f"{parameters.insurance_year}年度集中征缴期自{parameters.collection_opens:%Y年%-m月%-d日}起，该日期尚未开始征缴。"
        )
    if payment_date > parameters.extended_part_ends:
        return PaymentPart.OUT_OF_PERIOD
    if parameters.normal_part_ends < payment_date < parameters.extended_part_starts:
        next_day = parameters.extended_part_starts
        raise PaymentDateRefused(f"该日期不在征缴期内，下一个可缴费日为{next_day:%Y年%-m月%-d日}。")
    if payment_date.day > parameters.monthly_cutoff_day:
        next_day = _next_open_day(parameters, payment_date)
        raise PaymentDateRefused(
            f"征缴期内每月{parameters.monthly_cutoff_day}日后不受理缴费（节假日不顺延），"
            f"下一个可缴费日为{next_day:%Y年%-m月%-d日}。"
        )
    return PaymentPart.NORMAL if payment_date <= parameters.normal_part_ends else PaymentPart.EXTENDED


@dataclass(frozen=True)
class Explanation:
    rule: str
    text: str
    source: str


@dataclass(frozen=True)
class Waiting:
    fixed_months: int = 0
    variable_months: int = 0
    repaired_months: int = 0
    total_months: int = 0


@dataclass(frozen=True)
class BenefitPeriod:
    payment_part: str
    continuous: bool
    break_years: int
    waiting: Waiting
    benefit_start: datetime.date | None
    benefit_end: datetime.date | None
    explanation: tuple[Explanation, ...]

    @property
    def counts_as_enrolled_year(self) -> bool:
        """R4.1: only a non-empty benefit period makes the year an enrolled year."""
        return self.benefit_start is not None


def break_years_count(
    *,
    insurance_year: int,
    enrolled_years: frozenset[int],
    birth_year: int,
    break_counting_start_year: int,
    employee_insured_years: frozenset[int] = frozenset(),
) -> int:
    """R4.2: consecutive non-enrolled years right before the insurance year, from the counting start and birth.

    R8.2: a year recorded as insured under employee insurance is basic insurance too, so it is not a break year: the
    run of break years stops at it as at an enrolled year."""
    earliest = max(break_counting_start_year, birth_year)
    count = 0
    year = insurance_year - 1
    while year >= earliest and year not in enrolled_years and year not in employee_insured_years:
        count += 1
        year -= 1
    return count


def _employee_years_text(years: Iterable[int]) -> str:
    return "、".join(f"{year}年" for year in sorted(years))


def _employee_years_stopping_breaks(
    *, insurance_year: int, enrolled_years: frozenset[int], employee_insured_years: frozenset[int], earliest: int
) -> tuple[int, ...]:
    """The employee years (R8.2) that end the run of non-enrolled years before the insurance year, latest first:
    the years the break count would have gone through had they not been recorded."""
    stopping: list[int] = []
    year = insurance_year - 1
    while year >= earliest and year not in enrolled_years and year in employee_insured_years:
        stopping.append(year)
        year -= 1
    return tuple(stopping)


def waiting_compute(
    *, parameters: CalendarParameters, break_years: int, out_of_period: bool, back_paid_years: int
) -> Waiting:
    """R4.3-R4.6: fixed months, variable months for each break year past the free ones, repair, floor."""
    if not out_of_period and break_years == 0:
        return Waiting()
    fixed = parameters.fixed_waiting_months
    variable = max(0, break_years - parameters.free_break_years)
    repaired = min(back_paid_years, variable)
    total = fixed + variable - repaired
    if break_years >= parameters.waiting_floor_break_years:
        total = max(total, parameters.waiting_floor_months)
    return Waiting(fixed_months=fixed, variable_months=variable, repaired_months=repaired, total_months=total)


def months_after(date: datetime.date, months: int) -> datetime.date:
    """R4.7: same day of month, clamped to the month's last day (2026-11-30 + 3 months = 2027-02-28)."""
    return date + relativedelta(months=months)


def benefit_period_compute(
    *,
    parameters: CalendarParameters,
    payment_date: datetime.date,
    enrolled_years: frozenset[int],
    birth_date: datetime.date,
    back_paid_years: int = 0,
    employee_insured_years: frozenset[int] = frozenset(),
) -> BenefitPeriod:
    """R2-R4 for an ordinary payment: which part of the period, break years, waiting and the benefit period.

    R8.2: recorded employee years are not break years, so they shorten or remove the wait; `continuous` keeps its
    meaning of R4.1 (the year before was an enrolled year), so a person whose year before was an employee year is
    not continuous but has no break."""
    year = parameters.insurance_year
    part = payment_part(parameters, payment_date)
    breaks = break_years_count(
        insurance_year=year,
        enrolled_years=enrolled_years,
        birth_year=birth_date.year,
        break_counting_start_year=parameters.break_counting_start_year,
        employee_insured_years=employee_insured_years,
    )
    continuous = breaks == 0 and not _employee_years_stopping_breaks(
        insurance_year=year,
        enrolled_years=enrolled_years,
        employee_insured_years=employee_insured_years,
        earliest=max(parameters.break_counting_start_year, birth_date.year),
    )
    if back_paid_years > breaks:
        raise BackPaymentRefused(f"补缴年数不能超过断保年数（{breaks}年）。")
    out_of_period = part == PaymentPart.OUT_OF_PERIOD
    waiting = waiting_compute(
        parameters=parameters, break_years=breaks, out_of_period=out_of_period, back_paid_years=back_paid_years
    )
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    collection = str(parameters.collection_source)
    waiting_source = str(parameters.waiting_source)
    explanation: list[Explanation] = []
    if out_of_period:
        explanation.append(Explanation("R2.3", f"缴费日期在{year}年度集中征缴期结束之后，属于征缴期外参保", collection))
    explanation.extend(
        _employee_years_not_breaks(
            insurance_year=year,
            enrolled_years=enrolled_years,
            employee_insured_years=employee_insured_years,
            earliest=max(parameters.break_counting_start_year, birth_date.year),
            source=waiting_source,
        )
    )
    if breaks:
        explanation.append(Explanation("R4.2", f"{year}年度之前连续断保{breaks}年", waiting_source))
    if waiting.total_months == 0:
        if part == PaymentPart.NORMAL:
            start = year_start
            explanation.append(
                Explanation("R3.1", f"集中征缴期正常缴费期内缴费且未断保，待遇期为{year}年全年", collection)
            )
        else:
            start = max(payment_date, year_start)
            explanation.append(Explanation("R3.2", "集中征缴期延长期内缴费且未断保，自缴费之日起享受待遇", collection))
    else:
        anchor = max(payment_date, year_start)
        start = months_after(anchor, waiting.total_months)
        reason = f"断保{breaks}年" if breaks else "未断保、征缴期外缴费"
        waiting_text = f"{reason}：固定等待期{waiting.fixed_months}个月，变动等待期{waiting.variable_months}个月"
        explanation.append(Explanation("R4.4", waiting_text, waiting_source))
        if waiting.repaired_months:
            explanation.append(
                Explanation(
                    "R4.5", f"补缴{back_paid_years}年，变动等待期减少{waiting.repaired_months}个月", waiting_source
                )
            )
        if waiting.total_months > waiting.fixed_months + waiting.variable_months - waiting.repaired_months:
            explanation.append(
                Explanation(
                    "R4.6",
                    f"断保{breaks}年（不少于{parameters.waiting_floor_break_years}年），等待期不少于"
                    f"{parameters.waiting_floor_months}个月",
                    waiting_source,
                )
            )
        explanation.append(
            Explanation("R4.7", f"等待期自{anchor:%Y年%-m月%-d日}起算{waiting.total_months}个月", waiting_source)
        )
    if start > year_end:
        explanation.append(
            Explanation("R4.1", f"等待期超过{year}年12月31日，本年度无待遇期，不计为参保年度", waiting_source)
        )
        return BenefitPeriod(part, continuous, breaks, waiting, None, None, tuple(explanation))
    return BenefitPeriod(part, continuous, breaks, waiting, start, year_end, tuple(explanation))


def _employee_years_not_breaks(
    *,
    insurance_year: int,
    enrolled_years: frozenset[int],
    employee_insured_years: frozenset[int],
    earliest: int,
    source: str,
) -> tuple[Explanation, ...]:
    """R8.2, said when it changes the break count: the employee years that end the run of non-enrolled years."""
    stopping = _employee_years_stopping_breaks(
        insurance_year=insurance_year,
        enrolled_years=enrolled_years,
        employee_insured_years=employee_insured_years,
        earliest=earliest,
    )
    if not stopping:
        return ()
    text = f"{_employee_years_text(stopping)}参加职工基本医疗保险，同属基本医保，不计为断保年度"
    return (Explanation("R8.2", text, source),)


# --- Catastrophic-illness cap (R5) ---------------------------------------------------------------------------


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
            f"{_employee_years_text(set(unpenalised) | set(passed_over))}参加职工基本医疗保险，不属断保，不扣减限额；"
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


# --- The quote: every rule for one payment (参保测算) -----------------------------------------------------------


@dataclass(frozen=True)
class SpecialGroupParameters:
    window_months: int
    benefit_offset_days: int
    source: SourcedFigure
    student_source: SourcedFigure
    # R8.1: continuous employee years an employee-insurance stopper needs (连续2年（含2年）以上). Policy data always
    # gives it; 0, for figures built by hand, asks for none.
    employee_min_continuous_years: int = 0


@dataclass(frozen=True)
class NewbornParameters:
    """R7: the registration window after birth, the provincial programme, and pre-enrollment (R7.6)."""

    registration_days: int = 0
    source: SourcedFigure = SourcedFigure("")
    programme_from: datetime.date | None = None  # births on or after it: the birth year paid by finance (R7.2)
    programme_source: SourcedFigure = SourcedFigure("")
    # births on or after it and before the programme, registered within the window: the birth year costs the
    # individual nothing, borne by the fund, not a fiscal subsidy (R7.2a)
    birth_year_free_from: datetime.date | None = None
    birth_year_free_source: SourcedFigure = SourcedFigure("")
    pre_enrollment_enabled: bool = False
    pre_enrollment_weeks_before_delivery: int = 0
    pre_enrollment_link_months: int = 0
    # the window around the expected delivery in which a birth belongs to the pregnancy pre-enrolled for (R7.6)
    pre_enrollment_birth_weeks_before: int = 0
    pre_enrollment_birth_weeks_after: int = 0
    pre_enrollment_source: SourcedFigure = SourcedFigure("")


NEWBORN_PROGRAMME = "newborn_programme"


@dataclass(frozen=True)
class PolicyFigures:
    """Everything the rules need of one region and insurance year, resolved from the parameter sets."""

    region_code: str
    insurance_year: int
    projected: bool
    calendar_assumed: bool
    contribution_standard: Decimal
    calendar: CalendarParameters
    cap: CapParameters
    special_groups: SpecialGroupParameters
    standard_source: SourcedFigure
    accident_topup_options: tuple[Decimal, ...] = ()
    refund_reasons: frozenset[str] = frozenset()
    refund_source: SourcedFigure = SourcedFigure("")
    resident_years_per_employee_year: int = 0
    hardship_tiers: tuple[HardshipTier, ...] = ()
    newborns: NewbornParameters = NewbornParameters()
    refund_anytime_reasons: frozenset[str] = frozenset()


class SpecialStatus:
    NEWBORN = "newborn"
    EXITED_OTHER_SCHEME = "exited_other_scheme"
    STUDENT_FIRST_ENROLLMENT = "student_first_enrollment"


class ExitKind:
    """R8.1: which scheme a person leaving another scheme left (退出类别)."""

    EMPLOYEE_INSURANCE = "employee_insurance"
    VETERAN = "veteran"
    VETERAN_SPOUSE = "veteran_spouse"
    PRISON_RELEASE = "prison_release"


EXIT_KIND_LABELS = {
    ExitKind.EMPLOYEE_INSURANCE: "职工医保停保",
    ExitKind.VETERAN: "退役军人",
    ExitKind.VETERAN_SPOUSE: "随军未就业配偶",
    ExitKind.PRISON_RELEASE: "刑满释放",
}


@dataclass(frozen=True)
class PersonHistory:
    """What the rules know of a person: enrolled years (R4.1) before the insurance year, claims, birth date,
    and the hardship identities valid on the payment date (R6.1)."""

    birth_date: datetime.date
    enrolled_years: frozenset[int] = frozenset()
    zero_claim_years: frozenset[int] = frozenset()
    reward_used_years: frozenset[int] = frozenset()
    hardship_categories: frozenset[str] = frozenset()
    disability_grade: int | None = None
    # R8.2: years recorded as insured under employee insurance (the exit record's years, an employee refund, the
    # employee system's stop list); any year, the insurance year's included, for R8.1's run ending at the exit
    employee_insured_years: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PaymentSituation:
    """Which group's rules a payment follows (R7, R8, R9), and the date those rules count from."""

    special_status: str | None
    special_date: datetime.date | None


@dataclass(frozen=True)
class Quote:
    insurance_year: int
    projected: bool
    contribution_standard: Decimal
    in_collection_period: bool
    continuous: bool
    break_years: int
    individual_due: Decimal
    subsidy_amount: Decimal
    subsidy_category: str | None
    back_payment_due: Decimal
    waiting: Waiting
    benefit_start: datetime.date | None
    benefit_end: datetime.date | None
    counts_as_enrolled_year: bool
    catastrophic_cap: CatastrophicCap
    explanation: tuple[Explanation, ...]
    # Which identity of the subsidy table applied, and where the table comes from (shown at the window).
    subsidy_name: str = ""
    subsidy_source: str = ""
    # The group whose rules applied (payment_situation); what an enrollment stores as its special status.
    situation: PaymentSituation | None = None


def money(value: Decimal) -> Decimal:
    """The one rounding of money: to the fen, half up."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _exempt_benefit_period(
    *,
    policy: PolicyFigures,
    payment_date: datetime.date,
    history: PersonHistory,
    special_status: str | None,
    special_date: datetime.date | None,
    exit_kind: str | None = None,
) -> BenefitPeriod | None:
    """R8.1 and R9.1: the groups that do not wait, when their conditions hold; None when ordinary rules apply."""
    year = policy.insurance_year
    groups = policy.special_groups
    breaks = break_years_count(
        insurance_year=year,
        enrolled_years=history.enrolled_years,
        birth_year=history.birth_date.year,
        break_counting_start_year=policy.calendar.break_counting_start_year,
        employee_insured_years=history.employee_insured_years,
    )
    # R4.1: continuous means the year before was an enrolled year; an employee year (R8.2) is no break but not that
    continuous = (
        break_years_count(
            insurance_year=year,
            enrolled_years=history.enrolled_years,
            birth_year=history.birth_date.year,
            break_counting_start_year=policy.calendar.break_counting_start_year,
        )
        == 0
    )
    if special_status == SpecialStatus.STUDENT_FIRST_ENROLLMENT:
        if payment_date.year != year - 1:
            raise PaymentDateRefused(f"首次在学籍地参保的学生应在{year - 1}年缴纳{year}年度的参保费。")
        text = f"大中专学生首次在学籍地参保，待遇期自缴费之日起至{year}年12月31日，无等待期"
        explanation = (Explanation("R9.1", text, str(groups.student_source)),)
        return BenefitPeriod(
            PaymentPart.OUT_OF_PERIOD,
            continuous,
            breaks,
            Waiting(),
            payment_date,
            datetime.date(year, 12, 31),
            explanation,
        )
    if special_status == SpecialStatus.NEWBORN:
        return _newborn_benefit_period(policy=policy, registration_date=payment_date, birth_date=history.birth_date)
    if special_status != SpecialStatus.EXITED_OTHER_SCHEME or special_date is None:
        return None
    part = payment_part(policy.calendar, payment_date)
    deadline = months_after(special_date, groups.window_months)
    if part != PaymentPart.OUT_OF_PERIOD or not special_date <= payment_date <= deadline:
        return None
    kind = exit_kind_of(exit_kind=exit_kind, history=history)
    if kind == ExitKind.EMPLOYEE_INSURANCE and not employee_exit_condition_met(
        policy=policy, history=history, exit_date=special_date
    ):
        return None
    start = payment_date + datetime.timedelta(days=groups.benefit_offset_days)
    when = "次日" if groups.benefit_offset_days == 1 else "之日"
    text = (
        f"退出其他制度保障{groups.window_months}个月内（{special_date:%Y年%-m月%-d日}起）于征缴期后参保，"
        f"无等待期，自缴费{when}起享受待遇"
    )
    reasons = (
        Explanation("R8.1", text, str(groups.source)),
        _exit_kind_explanation(policy=policy, history=history, exit_date=special_date, kind=kind),
    )
    if start > datetime.date(year, 12, 31):
        return BenefitPeriod(part, continuous, breaks, Waiting(), None, None, reasons)
    return BenefitPeriod(part, continuous, breaks, Waiting(), start, datetime.date(year, 12, 31), reasons)


def exit_kind_of(*, exit_kind: str | None, history: PersonHistory) -> str | None:
    """R8.1: the kind of exit as given; not given, an employee-insurance stop when employee years are recorded for the
    person, else unknown (None: the clerk's declaration of the exit stands, as before exits had a kind)."""
    if exit_kind:
        return exit_kind
    return ExitKind.EMPLOYEE_INSURANCE if history.employee_insured_years else None


def employee_years_run_at_exit(*, employee_insured_years: frozenset[int], exit_year: int) -> tuple[int, ...]:
    """R8.1: the run of consecutive recorded employee years ending in the exit year, or in the year before it (a stop
    on 1 January ends the previous year's insurance), earliest first."""
    year = exit_year if exit_year in employee_insured_years else exit_year - 1
    run: list[int] = []
    while year in employee_insured_years:
        run.append(year)
        year -= 1
    return tuple(reversed(run))


def employee_exit_condition_met(*, policy: PolicyFigures, history: PersonHistory, exit_date: datetime.date) -> bool:
    """R8.1: an employee-insurance stopper has at least the minimum of continuous employee years ending at the exit."""
    run = employee_years_run_at_exit(employee_insured_years=history.employee_insured_years, exit_year=exit_date.year)
    return len(run) >= policy.special_groups.employee_min_continuous_years


def _exit_kind_explanation(
    *, policy: PolicyFigures, history: PersonHistory, exit_date: datetime.date, kind: str | None
) -> Explanation:
    """R8.1: why the exit's own condition holds (or fails, for an employee-insurance stopper)."""
    groups = policy.special_groups
    source = str(groups.source)
    minimum = groups.employee_min_continuous_years
    if kind is None:
        text = "未填写退出类别，也未登记职工医保参保年度，按经办人申报的退出其他制度保障办理，未核对连续参保年限"
        return Explanation("R8.1", text, source)
    if kind != ExitKind.EMPLOYEE_INSURANCE:
        text = f"退出类别为{EXIT_KIND_LABELS.get(kind, kind)}，不要求职工医保连续参保年限"
        return Explanation("R8.1", text, source)
    run = employee_years_run_at_exit(employee_insured_years=history.employee_insured_years, exit_year=exit_date.year)
    if not history.employee_insured_years:
        found = "未登记职工医保参保年度"
    else:
        found = f"登记的职工医保参保年度为{_employee_years_text(history.employee_insured_years)}，截至停保"
        found += f"{_employee_years_text(run)}连续{len(run)}年" if run else "无连续参保年度"
    if len(run) >= minimum:
        text = f"职工医保停保（{exit_date:%Y年%-m月%-d日}），{found}，满足连续{minimum}年（含{minimum}年）以上的条件"
    else:
        text = (
            f"职工医保停保（{exit_date:%Y年%-m月%-d日}），{found}，不满足连续{minimum}年（含{minimum}年）以上的条件，"
            "不适用免等待期，按一般规定计算等待期"
        )
    return Explanation("R8.1", text, source)


def exit_not_exempt_explanation(
    *,
    policy: PolicyFigures,
    history: PersonHistory,
    payment_date: datetime.date,
    special_date: datetime.date,
    exit_kind: str | None = None,
) -> Explanation:
    """R8.1, for a person leaving another scheme whom the ordinary rules cover: past the window or inside the
    collection period, or an employee-insurance stopper without the continuous years (naming the years found)."""
    groups = policy.special_groups
    deadline = months_after(special_date, groups.window_months)
    in_window = special_date <= payment_date <= deadline
    out_of_period = payment_date > policy.calendar.extended_part_ends
    kind = exit_kind_of(exit_kind=exit_kind, history=history)
    if in_window and out_of_period and kind == ExitKind.EMPLOYEE_INSURANCE:
        return _exit_kind_explanation(policy=policy, history=history, exit_date=special_date, kind=kind)
    text = f"未在退出其他制度保障{groups.window_months}个月内于征缴期后参保，按一般规定计算等待期"
    return Explanation("R8.1", text, str(groups.source))


def newborn_registration_deadline(*, policy: PolicyFigures, birth_date: datetime.date) -> datetime.date:
    """R7.1: the last day of the window, counted from the day after birth (民法典 day counting)."""
    return birth_date + datetime.timedelta(days=policy.newborns.registration_days)


def _newborn_benefit_period(
    *, policy: PolicyFigures, registration_date: datetime.date, birth_date: datetime.date
) -> BenefitPeriod | None:
    """R7.1, R7.1a, R7.3 and R7.4: no waiting and no collection period for the birth year (registered within the
    window after birth, even in the next calendar year, or within the birth year), nor for the next year when it is
    paid within the window, also the year of a pre-enrollment paid before a birth that came before its 1 January
    (R7.6: from 1 January, never before); None when neither holds and the ordinary rules apply."""
    year = policy.insurance_year
    parameters = policy.newborns
    source = str(parameters.source)
    year_end = datetime.date(year, 12, 31)
    deadline = newborn_registration_deadline(policy=policy, birth_date=birth_date)
    within = registration_date <= deadline
    if registration_date < birth_date and year == birth_date.year + 1:
        linked = (
            f"新生儿预参保（出生前登记缴费），{birth_date:%Y年%-m月%-d日}出生，早于{year}年1月1日："
            f"出生当年即{birth_date.year}年度另行参保，{year}年度为出生次年"
        )
        second_year = (
            f"出生次年参保，出生前已缴费（在出生后{parameters.registration_days}日内），不受集中征缴期限制，"
            f"自{year}年1月1日起享受待遇，无等待期"
        )
        linked_reasons = (
            Explanation("R7.6", linked, str(parameters.pre_enrollment_source)),
            Explanation("R7.4", second_year, source),
        )
        return BenefitPeriod(
            PaymentPart.OUT_OF_PERIOD, True, 0, Waiting(), datetime.date(year, 1, 1), year_end, linked_reasons
        )
    if registration_date < birth_date:
        text = "新生儿预参保（出生前登记缴费），自出生之日起享受待遇，无等待期"
        period = (Explanation("R7.6", text, str(parameters.pre_enrollment_source)),)
        return BenefitPeriod(PaymentPart.OUT_OF_PERIOD, True, 0, Waiting(), birth_date, year_end, period)
    if year == birth_date.year:
        if registration_date > year_end and not within:
            raise PaymentDateRefused(f"{year}年已结束，不能再办理{year}年度的新生儿参保，请办理{year + 1}年度参保。")
        if within:
            text = (
                f"新生儿出生后{parameters.registration_days}日内（{deadline:%Y年%-m月%-d日}前）参保登记，"
                f"自出生之日起享受待遇，不受集中征缴期限制，无等待期"
            )
            reasons = [Explanation("R7.1", text, source)]
            if registration_date > year_end:
                text = (
                    f"{registration_date:%Y年%-m月%-d日}登记，在出生后{parameters.registration_days}日内，"
                    f"仍参加出生当年即{year}年度的参保，{year + 1}年度按出生次年另行缴费"
                )
                reasons.append(Explanation("R7.1a", text, source))
            return BenefitPeriod(PaymentPart.OUT_OF_PERIOD, True, 0, Waiting(), birth_date, year_end, tuple(reasons))
        text = f"出生后超过{parameters.registration_days}日、在出生当年参保登记，自登记之日起享受待遇，无等待期"
        period = (Explanation("R7.3", text, source),)
        return BenefitPeriod(PaymentPart.OUT_OF_PERIOD, True, 0, Waiting(), registration_date, year_end, period)
    if year == birth_date.year + 1 and within:
        text = (
            f"出生次年参保，于出生后{parameters.registration_days}日内缴费，不受集中征缴期限制，"
            f"自{year}年1月1日起享受待遇，无等待期"
        )
        period = (Explanation("R7.4", text, source),)
        return BenefitPeriod(PaymentPart.OUT_OF_PERIOD, True, 0, Waiting(), datetime.date(year, 1, 1), year_end, period)
    return None


def newborn_first_insurance_year(
    *, policy: PolicyFigures, birth_date: datetime.date, registration_date: datetime.date
) -> int:
    """R7.1a: a baby registered within the window after birth is first enrolled for its birth year, even when the
    registration falls in the next calendar year; otherwise for the year of its registration. `policy` is the birth
    year's, whose window counts."""
    if registration_date.year == birth_date.year:
        return birth_date.year
    if registration_date <= newborn_registration_deadline(policy=policy, birth_date=birth_date):
        return birth_date.year
    return registration_date.year


def newborn_rules_apply(*, policy: PolicyFigures, birth_date: datetime.date, payment_date: datetime.date) -> bool:
    """R7: a payment for the birth year, or for the next year within the window after birth, follows the newborn
    rules whether or not the clerk said so."""
    if policy.newborns.registration_days == 0:
        return False
    if policy.insurance_year == birth_date.year:
        return True
    deadline = newborn_registration_deadline(policy=policy, birth_date=birth_date)
    return policy.insurance_year == birth_date.year + 1 and payment_date <= deadline


def _newborn_programme_applies(*, policy: PolicyFigures, birth_date: datetime.date) -> bool:
    """R7.2: the birth year of a baby born on or after the programme's start is paid by finance."""
    start = policy.newborns.programme_from
    return start is not None and policy.insurance_year == birth_date.year and birth_date >= start


def payment_situation(
    *,
    policy: PolicyFigures,
    birth_date: datetime.date,
    payment_date: datetime.date,
    special_status: str | None,
    special_date: datetime.date | None,
) -> PaymentSituation:
    """The one derivation of a payment's situation, for every caller (quote, window, enrollment, newborn paths).

    The newborn rules (R7) follow from the birth date whether or not anyone said so, and count from the birth date;
    the other groups (R8, R9) are facts only the clerk or the caller knows, with the date they give. Only a
    pre-enrolled baby (R7.6, named a newborn by the pre-enrollment) is paid for before it is born."""
    if payment_date < birth_date and special_status != SpecialStatus.NEWBORN:
        raise PaymentDateRefused(
            f"缴费日期（{payment_date:%Y年%-m月%-d日}）早于出生日期（{birth_date:%Y年%-m月%-d日}）。"
        )
    if not special_status and newborn_rules_apply(policy=policy, birth_date=birth_date, payment_date=payment_date):
        return PaymentSituation(SpecialStatus.NEWBORN, birth_date)
    if special_status == SpecialStatus.NEWBORN:
        return PaymentSituation(special_status, birth_date)
    return PaymentSituation(special_status or None, special_date)


def _newborn_birth_year_subsidy(
    *,
    policy: PolicyFigures,
    payment_date: datetime.date,
    birth_date: datetime.date,
    special_status: str | None,
    standard: Decimal,
) -> HardshipSubsidy | None:
    """Who bears a newborn's birth year: finance under the programme (R7.2, counted in R10.1 and R11), or the fund
    for a baby born before the programme but on or after the region's free-birth-year date and registered within
    the window after birth (R7.2a: no fiscal subsidy, so no subsidy category, counted in neither). None when the
    individual pays as anyone else (hardship subsidies then apply)."""
    if special_status != SpecialStatus.NEWBORN:
        return None
    parameters = policy.newborns
    if _newborn_programme_applies(policy=policy, birth_date=birth_date):
        text = f"{parameters.programme_from:%Y年%-m月%-d日}以后出生的新生儿，出生当年个人缴费{standard}元由财政全额资助"
        return HardshipSubsidy(
            Decimal("0.00"),
            standard,
            NEWBORN_PROGRAMME,
            "新生儿参保财政资助",
            "R7.2",
            text,
            str(parameters.programme_source),
        )
    free_from = parameters.birth_year_free_from
    if (
        free_from is None
        or policy.insurance_year != birth_date.year
        or birth_date < free_from
        or payment_date > newborn_registration_deadline(policy=policy, birth_date=birth_date)
    ):
        return None
    text = (
        f"{free_from:%Y年%-m月%-d日}以后出生的新生儿，出生后{parameters.registration_days}日内参保登记，"
        f"出生当年不缴费，个人缴费{standard}元由基金承担，不属于财政资助"
    )
    return HardshipSubsidy(
        Decimal("0.00"), Decimal("0.00"), None, "", "R7.2a", text, str(parameters.birth_year_free_source)
    )


def quote_compute(
    *,
    policy: PolicyFigures,
    payment_date: datetime.date,
    history: PersonHistory,
    back_paid_years: int = 0,
    special_status: str | None = None,
    special_date: datetime.date | None = None,
    exit_kind: str | None = None,
) -> Quote:
    """R1-R6, R8, R9 for one payment: what is owed, the subsidy, when coverage starts and why.

    The payment's situation is derived here (payment_situation), so that every caller computes the same thing from
    the same facts; the quote names the situation it applied."""
    payment_year_check(insurance_year=policy.insurance_year, payment_date=payment_date)
    situation = payment_situation(
        policy=policy,
        birth_date=history.birth_date,
        payment_date=payment_date,
        special_status=special_status,
        special_date=special_date,
    )
    special_status, special_date = situation.special_status, situation.special_date
    period = _exempt_benefit_period(
        policy=policy,
        payment_date=payment_date,
        history=history,
        special_status=special_status,
        special_date=special_date,
        exit_kind=exit_kind,
    )
    explanation: list[Explanation] = []
    if period is None:
        if special_status == SpecialStatus.EXITED_OTHER_SCHEME and special_date is not None:
            explanation.append(
                exit_not_exempt_explanation(
                    policy=policy,
                    history=history,
                    payment_date=payment_date,
                    special_date=special_date,
                    exit_kind=exit_kind,
                )
            )
        period = benefit_period_compute(
            parameters=policy.calendar,
            payment_date=payment_date,
            enrolled_years=history.enrolled_years,
            birth_date=history.birth_date,
            back_paid_years=back_paid_years,
            employee_insured_years=history.employee_insured_years,
        )
    elif back_paid_years > period.break_years:
        raise BackPaymentRefused(f"补缴年数不能超过断保年数（{period.break_years}年）。")
    standard = money(policy.contribution_standard)
    explanation.insert(
        0, Explanation("R1.2", f"{policy.insurance_year}年度个人缴费标准{standard}元", str(policy.standard_source))
    )
    explanation.extend(period.explanation)
    subsidy = _newborn_birth_year_subsidy(
        policy=policy,
        payment_date=payment_date,
        birth_date=history.birth_date,
        special_status=special_status,
        standard=standard,
    )
    if subsidy is None:
        subsidy = hardship_subsidy_compute(
            tiers=policy.hardship_tiers,
            standard=standard,
            categories=history.hardship_categories,
            disability_grade=history.disability_grade,
        )
    if subsidy is not None:
        explanation.append(Explanation(subsidy.rule, subsidy.text, subsidy.source))
    back_payment_due = money(standard * back_paid_years)
    if back_paid_years:
        text = f"补缴{back_paid_years}年，按{policy.insurance_year}年度个人缴费标准计{back_payment_due}元"
        explanation.append(Explanation("R4.5", text, str(policy.calendar.waiting_source)))
        if subsidy is not None and subsidy.subsidy_amount:
            explanation.append(Explanation("R6.4", "补缴部分不享受资助", subsidy.source))
    cap = catastrophic_cap_compute(
        parameters=policy.cap,
        insurance_year=policy.insurance_year,
        enrolled_years=history.enrolled_years,
        current_year_counts=period.counts_as_enrolled_year,
        zero_claim_years=history.zero_claim_years,
        reward_used_years=history.reward_used_years,
        birth_year=history.birth_date.year,
        employee_insured_years=history.employee_insured_years,
    )
    explanation.extend(cap.explanation)
    return Quote(
        insurance_year=policy.insurance_year,
        projected=policy.projected,
        contribution_standard=standard,
        in_collection_period=period.payment_part != PaymentPart.OUT_OF_PERIOD,
        continuous=period.continuous,
        break_years=period.break_years,
        individual_due=subsidy.individual_due if subsidy else standard,
        subsidy_amount=subsidy.subsidy_amount if subsidy else Decimal("0.00"),
        subsidy_category=subsidy.category if subsidy else None,
        back_payment_due=back_payment_due,
        waiting=period.waiting,
        benefit_start=period.benefit_start,
        benefit_end=period.benefit_end,
        counts_as_enrolled_year=period.counts_as_enrolled_year,
        catastrophic_cap=cap,
        explanation=tuple(explanation),
        subsidy_name=subsidy.name if subsidy and subsidy.category else "",
        subsidy_source=subsidy.source if subsidy and subsidy.category else "",
        situation=situation,
    )


# --- Record dates (R13.0) ---------------------------------------------------------------------------------------


class RecordDateRefused(ValueError):
    """A date or year no record can carry (R13.0); `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def date_not_in_future_check(*, value: datetime.date, today: datetime.date, field: str, label: str) -> None:
    """R13.0: no record is dated after today. `label` is the field's Chinese name (缴费日期), named in the message;
    `field` is the request field the refusal belongs to."""
    if value > today:
        raise RecordDateRefused(field, f"{label}（{value:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。")


def employee_insured_years_check(
    *, years: Sequence[int], birth_date: datetime.date, today: datetime.date, paid_ahead: bool = False
) -> None:
    """R13.0 and R8.2: a year recorded as insured under employee insurance has begun (not after today's year) and is
    not before the person's birth year; at least one year is given. `paid_ahead`: the year is known from a refund of
    a resident enrollment because employee insurance is paid for it (R12.2), which may be next year's, whose
    collection period opens this autumn (R2.1)."""
    if not years:
        raise RecordDateRefused("employee_years", "请填写职工医保参保年度。")
    latest = today.year + 1 if paid_ahead else today.year
    too_late = sorted(year for year in set(years) if year > latest)
    if too_late:
        raise RecordDateRefused(
            "employee_years",
            f"职工医保参保年度{_employee_years_text(too_late)}晚于{latest}年，不能登记尚未开始的年度。",
        )
    too_early = sorted(year for year in set(years) if year < birth_date.year)
    if too_early:
        raise RecordDateRefused(
            "employee_years",
            f"职工医保参保年度{_employee_years_text(too_early)}早于出生年份（{birth_date.year}年）。",
        )


def insurance_year_open_check(*, insurance_year: int, today: datetime.date) -> None:
    """The latest insurance year anything can be recorded for is next year: its collection period opens in the
    autumn of this one (R2.1). Whether next year's period has opened yet is the payment date's question (R2.3)."""
    latest = today.year + 1
    if insurance_year > latest:
        raise RecordDateRefused(
            "insurance_year", f"{insurance_year}年度尚未开始征缴，目前最晚可办理{latest}年度的参保缴费。"
        )


def payment_date_check(*, insurance_year: int, payment_date: datetime.date, today: datetime.date) -> None:
    """R13.0 and R1.1: a payment is not dated after today, nor before 1 January of the year before the insurance
    year. No payment for Y can be earlier: the collection period of Y opens in the autumn of Y-1 (R2.1), a
    first-time student pays Y in Y-1 (R9.1), and a pre-enrollment is applied for at most some weeks before a delivery
    expected in Y (R7.6). The collection rules (R2) then judge the date inside that range."""
    date_not_in_future_check(value=payment_date, today=today, field="payment_date", label="缴费日期")
    try:
        payment_year_check(insurance_year=insurance_year, payment_date=payment_date)
    except PaymentDateRefused as error:
        raise RecordDateRefused("payment_date", str(error)) from None


def payment_year_check(*, insurance_year: int, payment_date: datetime.date) -> None:
    """R1.1: no payment for Y is dated before 1 January of Y-1 (see payment_date_check); part of every quote."""
    earliest = datetime.date(insurance_year - 1, 1, 1)
    if payment_date < earliest:
        raise PaymentDateRefused(
            f"缴费日期（{payment_date.isoformat()}）早于{earliest:%Y年%-m月%-d日}，不能缴纳{insurance_year}年度参保费。"
        )


# --- Payment details and refunds (R12, R13.1, R13.2) ------------------------------------------------------------

FAMILY_ACCOUNT_RELATIONS = frozenset({"spouse", "parent", "child", "sibling", "grandparent", "grandchild"})
REFUND_REASON_LABELS = {
    "duplicate_payment": "重复缴纳本县城乡居民医保",
    "employee_insured": "已缴纳省内职工医保",
    "multi_channel": "同一人不同渠道重复缴费",
    "died_before_benefit": "待遇享受期前死亡",
    "pregnancy_terminated": "预参保后终止妊娠（流产、引产）",
}


class PaymentDetailRefused(ValueError):
    """A payer, relation or top-up the rules refuse; `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def payment_details_check(
    *,
    policy: PolicyFigures,
    channel: str,
    payer_id_number: str,
    payer_relation: str,
    accident_topup: Decimal | None,
) -> None:
    """R13.1: a family-account payment names an eligible relative; R13.2: a top-up is one of the region's options."""
    if channel == "family_account":
        if not payer_id_number:
            raise PaymentDetailRefused("payer_id_number", "家庭共济缴费须填写代缴人（职工医保参保人）身份证号。")
        try:
            id_number_parse(payer_id_number)
        except IdNumberError as error:
            raise PaymentDetailRefused("payer_id_number", str(error)) from None
        if payer_relation not in FAMILY_ACCOUNT_RELATIONS:
            raise PaymentDetailRefused(
                "payer_relation",
                "家庭共济仅限配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女代缴。",
            )
    elif payer_id_number or payer_relation:
        raise PaymentDetailRefused("payer_id_number", "只有家庭共济缴费才填写代缴人。")
    if accident_topup is not None and money(accident_topup) not in policy.accident_topup_options:
        offered = "、".join(f"{option:.0f}元" for option in policy.accident_topup_options) or "无"
        raise PaymentDetailRefused("accident_topup", f"意外伤害补充保险可选档次为：{offered}。")


class RefundRefused(ValueError):
    """A refund the rules refuse (R12.1); `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


PREGNANCY_TERMINATED = "pregnancy_terminated"
DIED_BEFORE_BENEFIT = "died_before_benefit"
EMPLOYEE_INSURED = "employee_insured"  # R12.2: the year is recorded as insured under employee insurance (R8.2)
# R12.2: reasons that return an extra payment and leave the enrollment and its cover as they are.
EXTRA_PAYMENT_REASONS = frozenset({"duplicate_payment", "multi_channel"})


def refund_check(
    *,
    policy: PolicyFigures,
    reason: str,
    date: datetime.date,
    today: datetime.date,
    paid_on: datetime.date,
    unborn_placeholder: bool,
    death_date: datetime.date | None = None,
    benefit_start: datetime.date | None = None,
) -> Explanation:
    """R12.1: only the listed reasons, each on an enrollment it fits, only inside the collection period of the year
    paid (a reason of `refund_anytime_reasons` at any time), never before the last payment it returns (`paid_on`)
    and never after today (R13.0).

    A terminated pregnancy (R7.6) fits only the enrollment of a pre-enrolled baby not yet born
    (`unborn_placeholder`, which the caller knows from the person's record). A death (R12.2) needs the date of death,
    not after today and before the enrollment's `benefit_start` (an empty benefit period has no start to reach).
    """
    if reason not in policy.refund_reasons:
        accepted = "、".join(REFUND_REASON_LABELS.get(code, code) for code in sorted(policy.refund_reasons)) or "无"
        raise RefundRefused("reason", f"不予退费：仅受理以下情形：{accepted}。")
    if reason == PREGNANCY_TERMINATED and not unborn_placeholder:
        raise RefundRefused("reason", "不予退费：终止妊娠退费仅适用于尚未出生的预参保新生儿（临时身份）的参保记录。")
    if reason == DIED_BEFORE_BENEFIT:
        _death_date_check(death_date=death_date, benefit_start=benefit_start, today=today)
    elif death_date is not None:
        raise RefundRefused("death_date", "只有“待遇享受期前死亡”退费才填写死亡日期。")
    try:
        date_not_in_future_check(value=date, today=today, field="date", label="退费日期")
    except RecordDateRefused as error:
        raise RefundRefused(error.field, str(error)) from None
    if date < paid_on:
        raise RefundRefused("date", f"不予退费：退费日期不能早于缴费日期（{paid_on:%Y年%-m月%-d日}）。")
    calendar = policy.calendar
    if (
        reason not in policy.refund_anytime_reasons
        and not calendar.collection_opens <= date <= calendar.extended_part_ends
    ):
        raise RefundRefused(
            "date",
            f"不予退费：退费申请仅在{policy.insurance_year}年度集中征缴期"
            f"（{calendar.collection_opens:%Y年%-m月%-d日}至{calendar.extended_part_ends:%Y年%-m月%-d日}）内受理。",
        )
    label = REFUND_REASON_LABELS.get(reason, reason)
    if reason in EXTRA_PAYMENT_REASONS:
        text = f"因{label}退费，退还多缴的一笔个人缴费；本年度参保记录和待遇期保持不变"
    elif reason == DIED_BEFORE_BENEFIT and death_date is not None:
        text = (
            f"因{label}退费（死亡日期{death_date:%Y年%-m月%-d日}），作废本年度待遇期，"
            "个人缴费退还缴费人、资助退回原资金，人员状态记为死亡"
        )
    else:
        text = f"因{label}退费，作废本年度待遇期，个人缴费退还缴费人、资助退回原资金"
    return Explanation("R12.2", text, str(policy.refund_source))


def _death_date_check(
    *, death_date: datetime.date | None, benefit_start: datetime.date | None, today: datetime.date
) -> None:
    if death_date is None:
        raise RefundRefused("death_date", "因待遇享受期前死亡退费须填写死亡日期。")
    try:
        date_not_in_future_check(value=death_date, today=today, field="death_date", label="死亡日期")
    except RecordDateRefused as error:
        raise RefundRefused(error.field, str(error)) from None
    if benefit_start is not None and death_date >= benefit_start:
        raise RefundRefused(
            "death_date",
            f"不予退费：死亡日期（{death_date:%Y年%-m月%-d日}）不早于待遇开始日期"
            f"（{benefit_start:%Y年%-m月%-d日}），不属于待遇享受期前死亡。",
        )


def refund_extra_payment(*, contributions: Sequence[Decimal], individual_due: Decimal, returned: Decimal) -> Decimal:
    """R12.2: what a duplicate or two-channel refund returns: the individual contributions beyond what the year is
    due, less what such refunds returned before (`returned`, negative). The enrollment stays paid once; a refund
    for a duplicate that does not exist is refused."""
    extra = money(sum(contributions, Decimal("0")) - individual_due + returned)
    if extra <= 0:
        raise RefundRefused(
            "reason", "不予退费：本年度只有一笔个人缴费（或多缴的缴费已退还），不存在重复缴费，无可退还的多缴金额。"
        )
    return extra


def contribution_balance(*, individual_due: Decimal, contributions: Sequence[Decimal]) -> Decimal:
    """What is still owed of the year's individual part: a pre-enrolled baby born before its placeholder's year
    pays that year as its second (R7.6, R7.4), though the pre-enrollment collected the birth year's nothing."""
    return max(Decimal("0.00"), money(individual_due - sum(contributions, Decimal("0"))))


def employee_years_credit(*, policy: PolicyFigures, resident_years_paid: int) -> tuple[Decimal, Explanation]:
    """R13.3: resident years paid, converted to employee-insurance years on transfer (每5年折算1年)."""
    per_year = policy.resident_years_per_employee_year
    credit = money(Decimal(resident_years_paid) / per_year)
    text = f"居民医保实际缴费{resident_years_paid}年，按每{per_year}年折算1年，可折算职工医保缴费年限{credit}年"
    return credit, Explanation("R13.3", text, str(policy.cap.source))
