"""The collection period, the waiting period and the benefit period (R2, R3, R4)."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from .base import Explanation, SourcedFigure, employee_years_text


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
    text = f"{employee_years_text(stopping)}参加职工基本医疗保险，同属基本医保，不计为断保年度"
    return (Explanation("R8.2", text, source),)
