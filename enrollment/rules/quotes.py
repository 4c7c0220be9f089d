"""The quote (参保测算): every rule for one payment, the special groups (R8) and newborns (R7), hardship (R6)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .base import Explanation, SourcedFigure, employee_years_text, money
from .caps import CapParameters, CatastrophicCap, catastrophic_cap_compute
from .hardship import HardshipSubsidy, HardshipTier, hardship_subsidy_compute
from .periods import (
    BackPaymentRefused,
    BenefitPeriod,
    CalendarParameters,
    PaymentDateRefused,
    PaymentPart,
    Waiting,
    benefit_period_compute,
    break_years_count,
    months_after,
    payment_part,
)
from .record_dates import payment_year_check


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
    # The parameter sets the figures came from, each with its version and document (shown with every quote).
    policy_versions: tuple[str, ...] = ()
    region_name: str = ""  # the county's name, for the messages that name it


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
    # The versions of the parameter sets the quote was computed from (PolicyFigures.policy_versions).
    policy_versions: tuple[str, ...] = ()


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
        found = f"登记的职工医保参保年度为{employee_years_text(history.employee_insured_years)}，截至停保"
        found += f"{employee_years_text(run)}连续{len(run)}年" if run else "无连续参保年度"
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
        policy_versions=policy.policy_versions,
    )
