"""R2-R4 as pure functions, with the worked examples of RULES.md. Calendars follow R2.1 shifted by whole years."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrollment.rules import (
    BackPaymentRefused,
    CalendarParameters,
    PaymentDateRefused,
    PaymentPart,
    SourcedFigure,
    benefit_period_compute,
    break_years_count,
    months_after,
    payment_part,
)

D = datetime.date
ADULT = D(1980, 5, 1)


def shanyin_calendar(year: int) -> CalendarParameters:
    """The Shanyin 2026 calendar (山政办发〔2025〕17号) shifted to another year, as RULES.md prescribes."""
    shift = year - 2026
    return CalendarParameters(
        insurance_year=year,
        collection_opens=D(2025 + shift, 10, 17),
        normal_part_ends=D(2025 + shift, 12, 25),
        extended_part_starts=D(2026 + shift, 1, 1),
        extended_part_ends=D(2026 + shift, 2, 25),
        monthly_cutoff_day=25,
        fixed_waiting_months=3,
        free_break_years=1,
        waiting_floor_months=6,
        waiting_floor_break_years=4,
        break_counting_start_year=2025,
        collection_source=SourcedFigure("山政办发〔2025〕17号"),
        waiting_source=SourcedFigure("晋医保发〔2025〕3号", "一（二）"),
    )


# given / when / then in one line each: the date, and the part or refusal it gets
@pytest.mark.parametrize(
    ("payment_date", "expected"),
    [
        (D(2025, 10, 17), PaymentPart.NORMAL),
        (D(2025, 12, 25), PaymentPart.NORMAL),
        (D(2026, 1, 1), PaymentPart.EXTENDED),
        (D(2026, 2, 25), PaymentPart.EXTENDED),
        (D(2026, 2, 26), PaymentPart.OUT_OF_PERIOD),
        (D(2026, 7, 31), PaymentPart.OUT_OF_PERIOD),
    ],
)
def test_r2_1_collection_parts(payment_date, expected):
    assert payment_part(shanyin_calendar(2026), payment_date) == expected


@pytest.mark.parametrize(
    ("payment_date", "message"),
    [
        (D(2025, 11, 26), "征缴期内每月25日后不受理缴费（节假日不顺延），下一个可缴费日为2025年12月1日。"),
        (D(2026, 1, 31), "征缴期内每月25日后不受理缴费（节假日不顺延），下一个可缴费日为2026年2月1日。"),
        (D(2025, 12, 26), "该日期不在征缴期内，下一个可缴费日为2026年1月1日。"),
    ],
)
def test_r2_2_after_the_25th_inside_the_period_is_refused_naming_the_next_open_day(payment_date, message):
    with pytest.raises(PaymentDateRefused) as refusal:
        payment_part(shanyin_calendar(2026), payment_date)
    assert str(refusal.value) == message


def test_r2_3_before_the_period_opens_is_refused():
    with pytest.raises(PaymentDateRefused, match="2025年10月17日起"):
        payment_part(shanyin_calendar(2026), D(2025, 10, 16))


def test_r2_3_out_of_period_is_accepted_on_any_day():
    assert payment_part(shanyin_calendar(2026), D(2026, 3, 31)) == PaymentPart.OUT_OF_PERIOD


def test_r3_1_normal_part_without_break_covers_the_whole_year():
    result = benefit_period_compute(
        parameters=shanyin_calendar(2026),
        payment_date=D(2025, 11, 3),
        enrolled_years=frozenset({2025}),
        birth_date=ADULT,
    )
    assert (result.benefit_start, result.benefit_end, result.waiting.total_months) == (
        D(2026, 1, 1),
        D(2026, 12, 31),
        0,
    )
    assert [entry.rule for entry in result.explanation] == ["R3.1"]


def test_r3_2_extended_part_without_break_starts_on_payment_date():
    result = benefit_period_compute(
        parameters=shanyin_calendar(2026),
        payment_date=D(2026, 2, 10),
        enrolled_years=frozenset({2025}),
        birth_date=ADULT,
    )
    assert (result.benefit_start, result.benefit_end) == (D(2026, 2, 10), D(2026, 12, 31))


def test_r4_4_out_of_period_without_break_waits_fixed_months_only():
    # 官方示例: paid the current year out of period on 2025-07-03, no break: benefits from 2025-10-03
    result = benefit_period_compute(
        parameters=shanyin_calendar(2025),
        payment_date=D(2025, 7, 3),
        enrolled_years=frozenset({2024}),
        birth_date=ADULT,
    )
    assert result.benefit_start == D(2025, 10, 3)
    assert (result.waiting.fixed_months, result.waiting.variable_months, result.waiting.total_months) == (3, 0, 3)


def test_r4_3_one_year_break_waits_three_months_from_1_january():
    # 官方示例: not enrolled in 2025, paid 2026 in the normal part on 2025-12-03: benefits 2026-04-01
    result = benefit_period_compute(
        parameters=shanyin_calendar(2026),
        payment_date=D(2025, 12, 3),
        enrolled_years=frozenset({2024}),
        birth_date=ADULT,
    )
    assert (result.break_years, result.continuous, result.benefit_start) == (1, False, D(2026, 4, 1))


def test_r4_4_two_year_break_adds_one_month_and_r4_5_repair_removes_it():
    # 官方示例: not enrolled 2025 and 2026, paid 2027 in its normal part: 4 months; one year back-paid: 3
    common = dict(parameters=shanyin_calendar(2027), payment_date=D(2026, 11, 10), enrolled_years=frozenset({2024}))
    plain = benefit_period_compute(**common, birth_date=ADULT)
    repaired = benefit_period_compute(**common, birth_date=ADULT, back_paid_years=1)
    assert (plain.waiting.total_months, plain.benefit_start) == (4, D(2027, 5, 1))
    assert (repaired.waiting.repaired_months, repaired.benefit_start) == (1, D(2027, 4, 1))
    assert repaired.continuous is False


def test_r4_6_floor_after_four_year_break():
    # 官方示例: broke 2025..2028, pays 2029 in the normal part: 3 + 3 = 6; back-paying 3 years still gives 6
    common = dict(parameters=shanyin_calendar(2029), payment_date=D(2028, 11, 10), enrolled_years=frozenset({2024}))
    plain = benefit_period_compute(**common, birth_date=ADULT)
    repaired = benefit_period_compute(**common, birth_date=ADULT, back_paid_years=3)
    assert plain.waiting.total_months == repaired.waiting.total_months == 6
    assert repaired.benefit_start == D(2029, 7, 1)
    assert "R4.6" in [entry.rule for entry in repaired.explanation]


def test_r4_5_repair_is_bounded_by_break_years():
    with pytest.raises(BackPaymentRefused, match="补缴年数不能超过断保年数（1年）"):
        benefit_period_compute(
            parameters=shanyin_calendar(2026),
            payment_date=D(2025, 12, 3),
            enrolled_years=frozenset({2024}),
            birth_date=ADULT,
            back_paid_years=2,
        )


def test_r4_7_month_end_clamp():
    assert months_after(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_r4_1_waiting_past_year_end_gives_empty_period_that_does_not_count():
    result = benefit_period_compute(
        parameters=shanyin_calendar(2026), payment_date=D(2026, 10, 5), enrolled_years=frozenset(), birth_date=ADULT
    )
    assert (result.benefit_start, result.benefit_end, result.counts_as_enrolled_year) == (None, None, False)
    assert result.explanation[-1].rule == "R4.1"


def test_r4_2_break_counting_starts_in_2025_and_at_birth():
    assert (
        break_years_count(
            insurance_year=2027, enrolled_years=frozenset(), birth_year=1980, break_counting_start_year=2025
        )
        == 2
    )
    assert (
        break_years_count(
            insurance_year=2027, enrolled_years=frozenset(), birth_year=2026, break_counting_start_year=2025
        )
        == 1
    )
    assert (
        break_years_count(
            insurance_year=2027, enrolled_years=frozenset({2026}), birth_year=1980, break_counting_start_year=2025
        )
        == 0
    )


def test_api_example_waiting_and_benefit_start():
    # API.md quote example: 2027 paid 2027-03-10, enrolled 2023 and 2024, one year back-paid
    result = benefit_period_compute(
        parameters=shanyin_calendar(2027),
        payment_date=D(2027, 3, 10),
        enrolled_years=frozenset({2023, 2024}),
        birth_date=D(1990, 5, 1),
        back_paid_years=1,
    )
    assert (result.break_years, result.benefit_start, result.benefit_end) == (2, D(2027, 6, 10), D(2027, 12, 31))
    waiting = result.waiting
    assert (waiting.fixed_months, waiting.variable_months, waiting.repaired_months, waiting.total_months) == (
        3,
        1,
        1,
        3,
    )
    r4_4 = next(entry for entry in result.explanation if entry.rule == "R4.4")
    assert (r4_4.text, r4_4.source) == ("断保2年：固定等待期3个月，变动等待期1个月", "晋医保发〔2025〕3号 一（二）")


@given(
    payment_date=st.dates(min_value=D(2025, 10, 17), max_value=D(2026, 12, 31)),
    enrolled=st.sets(st.integers(min_value=2019, max_value=2025)),
    back_paid=st.integers(min_value=0, max_value=6),
)
def test_r4_properties_period_within_year_floor_and_fixed_months_hold(payment_date, enrolled, back_paid):
    parameters = shanyin_calendar(2026)
    try:
        result = benefit_period_compute(
            parameters=parameters,
            payment_date=payment_date,
            enrolled_years=frozenset(enrolled),
            birth_date=ADULT,
            back_paid_years=back_paid,
        )
    except (PaymentDateRefused, BackPaymentRefused):
        return
    if result.benefit_start is not None:
        assert D(2026, 1, 1) <= result.benefit_start <= result.benefit_end == D(2026, 12, 31)
    if result.waiting.total_months:
        assert result.waiting.total_months >= result.waiting.fixed_months
    if result.break_years >= 4:
        assert result.waiting.total_months >= 6
    again = benefit_period_compute(
        parameters=parameters,
        payment_date=payment_date,
        enrolled_years=frozenset(enrolled),
        birth_date=ADULT,
        back_paid_years=back_paid,
    )
    assert again == result
