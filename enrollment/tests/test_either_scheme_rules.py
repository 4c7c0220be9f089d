"""R8.1 and R8.2 as pure functions: basic insurance under either scheme (居民医保 or 职工医保) is no break, and an
employee-insurance stopper is exempt from waiting only with the continuous employee years the policy asks for."""

import datetime
from decimal import Decimal

import pytest

from enrollment.rules import (
    ExitKind,
    PersonHistory,
    PolicyFigures,
    RecordDateRefused,
    SourcedFigure,
    SpecialGroupParameters,
    SpecialStatus,
    benefit_period_compute,
    break_years_count,
    catastrophic_cap_compute,
    employee_insured_years_check,
    employee_years_run_at_exit,
    quote_compute,
)
from enrollment.tests.test_benefit_period_rules import shanyin_calendar
from enrollment.tests.test_catastrophic_cap_rules import SHANXI_CAP

D = datetime.date
ADULT = D(1980, 5, 1)
EXIT = D(2026, 3, 1)
PAID_WITHIN_THREE_MONTHS = D(2026, 4, 10)
SPECIAL_GROUP_SOURCE = "晋医保发〔2025〕3号 一（四）"
WAITING_SOURCE = "晋医保发〔2025〕3号 一（二）"
CAP_SOURCE = "晋医保发〔2025〕3号 一（三）"


def shanyin_policy(year: int) -> PolicyFigures:
    return PolicyFigures(
        region_code="140621",
        insurance_year=year,
        projected=year > 2026,
        calendar_assumed=False,
        contribution_standard=Decimal("400.00"),
        calendar=shanyin_calendar(year),
        cap=SHANXI_CAP,
        special_groups=SpecialGroupParameters(
            3, 1, SourcedFigure(SPECIAL_GROUP_SOURCE), SourcedFigure(""), employee_min_continuous_years=2
        ),
        standard_source=SourcedFigure("山政办发〔2025〕17号"),
    )


def stopper_quote(*, employee_years=(), exit_kind=None, exit_date=EXIT, payment_date=PAID_WITHIN_THREE_MONTHS):
    """A person leaving another scheme on `exit_date` who pays 2026 after its collection period, within 3 months."""
    return quote_compute(
        policy=shanyin_policy(2026),
        payment_date=payment_date,
        history=PersonHistory(birth_date=ADULT, employee_insured_years=frozenset(employee_years)),
        special_status=SpecialStatus.EXITED_OTHER_SCHEME,
        special_date=exit_date,
        exit_kind=exit_kind,
    )


def r8_1_texts(quote):
    return [entry.text for entry in quote.explanation if entry.rule == "R8.1"]


# --- R8.2: no break year, no penalty, not counted toward the continuity bonus -----------------------------------


def test_r8_2_employee_year_is_not_a_break_year():
    # given: 2025 enrolled, 2026 insured under employee insurance; or 2025 under employee insurance, 2026 nothing
    # when / then: 2027 has no break year in the first case, one (2026) in the second; none recorded: two
    def breaks(enrolled, employee):
        return break_years_count(
            insurance_year=2027,
            enrolled_years=frozenset(enrolled),
            birth_year=1980,
            break_counting_start_year=2025,
            employee_insured_years=frozenset(employee),
        )

    assert breaks({2025}, {2026}) == 0
    assert breaks(set(), {2025}) == 1
    assert breaks(set(), set()) == 2


def test_r8_2_stopper_inside_collection_period_does_not_wait():
    # given: enrolled 2025, employee insurance in 2026, pays 2027 in its normal part
    # when
    result = benefit_period_compute(
        parameters=shanyin_calendar(2027),
        payment_date=D(2026, 11, 10),
        enrolled_years=frozenset({2025}),
        birth_date=ADULT,
        employee_insured_years=frozenset({2026}),
    )
    # then: no break, no wait, covered all 2027; not continuous (2026 was no resident year)
    assert (result.break_years, result.waiting.total_months, result.benefit_start, result.benefit_end) == (
        0,
        0,
        D(2027, 1, 1),
        D(2027, 12, 31),
    )
    assert result.continuous is False
    r8_2 = next(entry for entry in result.explanation if entry.rule == "R8.2")
    assert (r8_2.text, r8_2.source) == ("2026年参加职工基本医疗保险，同属基本医保，不计为断保年度", WAITING_SOURCE)


def test_r8_2_without_the_employee_year_the_same_payment_waits():
    # given: the same person with 2026 not recorded as an employee year
    result = benefit_period_compute(
        parameters=shanyin_calendar(2027),
        payment_date=D(2026, 11, 10),
        enrolled_years=frozenset({2025}),
        birth_date=ADULT,
    )
    # then: one break year, the fixed 3 months
    assert (result.break_years, result.waiting.total_months, result.benefit_start) == (1, 3, D(2027, 4, 1))
    assert "R8.2" not in [entry.rule for entry in result.explanation]


def test_r8_2_employee_year_carries_no_penalty():
    # given: enrolled 2025 and 2027, employee insurance in 2026
    # when
    result = catastrophic_cap_compute(
        parameters=SHANXI_CAP,
        insurance_year=2027,
        enrolled_years=frozenset({2025}),
        current_year_counts=True,
        zero_claim_years=frozenset(),
        reward_used_years=frozenset(),
        birth_year=1980,
        employee_insured_years=frozenset({2026}),
    )
    # then
    assert (result.break_penalty, result.effective) == (Decimal("0.00"), Decimal("400000.00"))
    r8_2 = next(entry for entry in result.explanation if entry.rule == "R8.2")
    assert (r8_2.text, r8_2.source) == (
        "2026年参加职工基本医疗保险，不属断保，不扣减限额；不计入连续参保年数，也不中断连续参保",
        CAP_SOURCE,
    )


def test_r8_2_employee_year_does_not_count_toward_continuity_bonus():
    # given: resident insurance 2025-2027 and 2029-2030, employee insurance in 2028
    # when
    result = catastrophic_cap_compute(
        parameters=SHANXI_CAP,
        insurance_year=2030,
        enrolled_years=frozenset({2025, 2026, 2027, 2029}),
        current_year_counts=True,
        zero_claim_years=frozenset(),
        reward_used_years=frozenset(),
        birth_year=1980,
        employee_insured_years=frozenset({2028}),
    )
    # then: n = 5 (2028 neither counted, which would give 6, nor a reset, which would give 2): 3,000 x (5 - 4)
    assert (result.continuity_bonus, result.break_penalty, result.effective) == (
        Decimal("3000.00"),
        Decimal("0.00"),
        Decimal("403000.00"),
    )
    assert ("R5.2", "连续参保5年，提高3,000元") in [(entry.rule, entry.text) for entry in result.explanation]


def test_r8_2_quote_of_a_stopper_inside_the_period_neither_waits_nor_is_penalised():
    # given: not enrolled 2025, employee insurance 2025 and 2026, pays 2027 in its normal part
    quote = quote_compute(
        policy=shanyin_policy(2027),
        payment_date=D(2026, 11, 10),
        history=PersonHistory(birth_date=ADULT, employee_insured_years=frozenset({2025, 2026})),
    )
    # then
    assert (quote.break_years, quote.waiting.total_months, quote.benefit_start) == (0, 0, D(2027, 1, 1))
    assert (quote.catastrophic_cap.break_penalty, quote.continuous) == (Decimal("0.00"), False)


# --- R8.1: the continuous employee years of an employee-insurance stopper -----------------------------------------


def test_r8_1_run_ends_in_the_exit_year_or_the_year_before():
    assert employee_years_run_at_exit(employee_insured_years=frozenset({2024, 2025}), exit_year=2026) == (2024, 2025)
    assert employee_years_run_at_exit(employee_insured_years=frozenset({2025, 2026}), exit_year=2026) == (2025, 2026)
    assert employee_years_run_at_exit(employee_insured_years=frozenset({2023, 2025}), exit_year=2026) == (2025,)
    assert employee_years_run_at_exit(employee_insured_years=frozenset({2023, 2024}), exit_year=2026) == ()


def test_r8_1_one_employee_year_is_not_enough():
    # given: employee insurance in 2025 only, stopped 2026-03-01, pays 2026 on 2026-04-10 (kind inferred from the years)
    quote = stopper_quote(employee_years={2025})
    # then: the ordinary rules: no break (2025 is an employee year, R8.2), out of period, the fixed 3 months
    assert (quote.break_years, quote.waiting.total_months, quote.benefit_start) == (0, 3, D(2026, 7, 10))
    assert r8_1_texts(quote) == [
        "职工医保停保（2026年3月1日），登记的职工医保参保年度为2025年，截至停保2025年连续1年，"
        "不满足连续2年（含2年）以上的条件，不适用免等待期，按一般规定计算等待期"
    ]
    assert next(entry.source for entry in quote.explanation if entry.rule == "R8.1") == SPECIAL_GROUP_SOURCE


def test_r8_1_two_employee_years_with_a_gap_are_not_continuous():
    quote = stopper_quote(employee_years={2023, 2025}, exit_kind=ExitKind.EMPLOYEE_INSURANCE)
    assert (quote.waiting.total_months, quote.benefit_start) == (3, D(2026, 7, 10))
    assert r8_1_texts(quote) == [
        "职工医保停保（2026年3月1日），登记的职工医保参保年度为2023年、2025年，截至停保2025年连续1年，"
        "不满足连续2年（含2年）以上的条件，不适用免等待期，按一般规定计算等待期"
    ]


def test_r8_1_two_continuous_employee_years_exempt():
    # given: employee insurance 2024 and 2025, stopped 2026-03-01, pays on 2026-04-10
    quote = stopper_quote(employee_years={2024, 2025})
    # then: no waiting, from the day after payment
    assert (quote.waiting.total_months, quote.benefit_start, quote.benefit_end) == (0, D(2026, 4, 11), D(2026, 12, 31))
    assert r8_1_texts(quote) == [
        "退出其他制度保障3个月内（2026年3月1日起）于征缴期后参保，无等待期，自缴费次日起享受待遇",
        "职工医保停保（2026年3月1日），登记的职工医保参保年度为2024年、2025年，截至停保2024年、2025年连续2年，"
        "满足连续2年（含2年）以上的条件",
    ]


def test_r8_1_the_exit_year_itself_counts():
    quote = stopper_quote(employee_years={2025, 2026})
    assert (quote.waiting.total_months, quote.benefit_start) == (0, D(2026, 4, 11))


def test_r8_1_employee_stopper_without_recorded_years_waits():
    quote = stopper_quote(exit_kind=ExitKind.EMPLOYEE_INSURANCE)
    assert (quote.break_years, quote.waiting.total_months, quote.benefit_start) == (1, 3, D(2026, 7, 10))
    assert r8_1_texts(quote) == [
        "职工医保停保（2026年3月1日），未登记职工医保参保年度，"
        "不满足连续2年（含2年）以上的条件，不适用免等待期，按一般规定计算等待期"
    ]


@pytest.mark.parametrize(
    ("exit_kind", "label"),
    [
        (ExitKind.VETERAN, "退役军人"),
        (ExitKind.VETERAN_SPOUSE, "随军未就业配偶"),
        (ExitKind.PRISON_RELEASE, "刑满释放"),
    ],
)
def test_r8_1_veterans_spouses_and_prison_releases_need_no_employee_years(exit_kind, label):
    quote = stopper_quote(exit_kind=exit_kind)
    assert (quote.waiting.total_months, quote.benefit_start) == (0, D(2026, 4, 11))
    assert r8_1_texts(quote)[1] == f"退出类别为{label}，不要求职工医保连续参保年限"


def test_r8_1_kind_and_years_unknown_keeps_the_declared_exemption_and_says_the_years_were_not_recorded():
    quote = stopper_quote()
    assert (quote.waiting.total_months, quote.benefit_start) == (0, D(2026, 4, 11))
    assert r8_1_texts(quote)[1] == (
        "未填写退出类别，也未登记职工医保参保年度，按经办人申报的退出其他制度保障办理，未核对连续参保年限"
    )


def test_r8_1_past_the_window_the_ordinary_rules_apply_as_before():
    quote = stopper_quote(employee_years={2024, 2025}, payment_date=D(2026, 6, 2))
    assert (quote.waiting.total_months, quote.benefit_start) == (3, D(2026, 9, 2))
    assert r8_1_texts(quote) == ["未在退出其他制度保障3个月内于征缴期后参保，按一般规定计算等待期"]


# --- R13.0: the years that can be recorded ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "paid_ahead", "message"),
    [
        ([], False, "请填写职工医保参保年度。"),
        ([2026, 2027], False, "职工医保参保年度2027年晚于2026年，不能登记尚未开始的年度。"),
        ([2028], True, "职工医保参保年度2028年晚于2027年，不能登记尚未开始的年度。"),
        ([1979, 1980], False, "职工医保参保年度1979年早于出生年份（1980年）。"),
    ],
)
def test_r13_0_employee_years_not_after_this_year_nor_before_birth(years, paid_ahead, message):
    with pytest.raises(RecordDateRefused) as refusal:
        employee_insured_years_check(years=years, birth_date=ADULT, today=D(2026, 11, 20), paid_ahead=paid_ahead)
    assert (refusal.value.field, str(refusal.value)) == ("employee_years", message)


def test_r13_0_next_year_may_be_recorded_from_an_employee_refund():
    employee_insured_years_check(years=[2027], birth_date=ADULT, today=D(2026, 11, 20), paid_ahead=True)
