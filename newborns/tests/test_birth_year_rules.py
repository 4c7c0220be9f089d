"""R7.2a and R7.6 in the pure rules, without the database: who bears a newborn's birth year before the programme,
and the placeholder's year of a baby born before it."""

import datetime
from decimal import Decimal

import pytest

from enrollment.rules import (
    NewbornParameters,
    PersonHistory,
    PolicyFigures,
    SourcedFigure,
    SpecialGroupParameters,
    SpecialStatus,
    quote_compute,
)
from enrollment.tests.test_benefit_period_rules import shanyin_calendar
from enrollment.tests.test_catastrophic_cap_rules import SHANXI_CAP

D = datetime.date
STANDARD = Decimal("400.00")
FREE_SOURCE = "晋医保发〔2025〕3号 一（四）"
FREE_FROM = D(2025, 1, 1)


def shanxi(year, *, free_from=FREE_FROM):
    return PolicyFigures(
        region_code="140621",
        insurance_year=year,
        projected=False,
        calendar_assumed=True,
        contribution_standard=STANDARD,
        calendar=shanyin_calendar(year),
        cap=SHANXI_CAP,
        special_groups=SpecialGroupParameters(3, 1, SourcedFigure("山政办发〔2025〕17号"), SourcedFigure("")),
        standard_source=SourcedFigure(f"山西省{year}年度城乡居民医保个人缴费标准"),
        newborns=NewbornParameters(
            registration_days=90,
            source=SourcedFigure("晋医保发〔2025〕3号 一（四）"),
            programme_from=D(2026, 1, 1),
            programme_source=SourcedFigure("晋医保发〔2026〕4号"),
            birth_year_free_from=free_from,
            birth_year_free_source=SourcedFigure(FREE_SOURCE),
            pre_enrollment_enabled=True,
            pre_enrollment_source=SourcedFigure("阳医保通〔2022〕11号"),
        ),
    )


def newborn_quote(year, *, born, paid, enrolled_years=frozenset(), free_from=FREE_FROM):
    return quote_compute(
        policy=shanxi(year, free_from=free_from),
        payment_date=paid,
        history=PersonHistory(birth_date=born, enrolled_years=enrolled_years),
        special_status=SpecialStatus.NEWBORN,
        special_date=born,
    )


def test_r7_2a_born_2025_registered_within_90_days_owes_nothing_borne_by_the_fund():
    # when a baby born 2025-06-01 is registered on 2025-07-01
    quote = newborn_quote(2025, born=D(2025, 6, 1), paid=D(2025, 7, 1))
    # then the birth year costs the individual nothing, with no fiscal subsidy and no subsidy category
    assert (quote.individual_due, quote.subsidy_amount, quote.subsidy_category) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )
    assert (quote.benefit_start, quote.benefit_end, quote.subsidy_name, quote.subsidy_source) == (
        D(2025, 6, 1),
        D(2025, 12, 31),
        "",
        "",
    )
    assert [entry.rule for entry in quote.explanation] == ["R1.2", "R7.1", "R7.2a", "R5.1"]
    entry = quote.explanation[2]
    assert entry.text == (
        "2025年1月1日以后出生的新生儿，出生后90日内参保登记，出生当年不缴费，个人缴费400.00元由基金承担，不属于财政资助"
    )
    assert entry.source == FREE_SOURCE


def test_r7_2a_r7_1a_born_in_december_2025_registered_in_january_is_free_for_2025():
    quote = newborn_quote(2025, born=D(2025, 12, 20), paid=D(2026, 1, 15))
    assert (quote.individual_due, quote.subsidy_amount, quote.subsidy_category) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )
    assert [entry.rule for entry in quote.explanation] == ["R1.2", "R7.1", "R7.1a", "R7.2a", "R5.1"]


def test_r7_2a_registered_after_90_days_within_the_birth_year_pays_r7_3():
    # when registered on day 91: R7.2a covers registration under R7.1 only
    quote = newborn_quote(2025, born=D(2025, 3, 1), paid=D(2025, 5, 31))
    # then the birth year is paid by the individual, covered from the registration (R7.3)
    assert (quote.individual_due, quote.subsidy_category, quote.benefit_start) == (STANDARD, None, D(2025, 5, 31))
    assert "R7.2a" not in [entry.rule for entry in quote.explanation]


@pytest.mark.parametrize(
    ("born", "free_from"),
    [
        (D(2024, 12, 31), D(2025, 1, 1)),  # born the day before the free-birth-year date
        (D(2025, 6, 1), None),  # a region without the parameter
    ],
)
def test_r7_2a_not_before_its_date_nor_without_the_parameter(born, free_from):
    quote = newborn_quote(born.year, born=born, paid=born + datetime.timedelta(days=10), free_from=free_from)
    assert (quote.individual_due, quote.subsidy_amount, quote.subsidy_category) == (STANDARD, Decimal("0.00"), None)
    assert "R7.2a" not in [entry.rule for entry in quote.explanation]


def test_r7_2a_the_year_after_birth_is_paid_normally():
    quote = newborn_quote(2026, born=D(2025, 12, 20), paid=D(2026, 2, 10), enrolled_years=frozenset({2025}))
    assert (quote.individual_due, quote.subsidy_category, quote.benefit_start) == (STANDARD, None, D(2026, 1, 1))
    assert [entry.rule for entry in quote.explanation] == ["R1.2", "R7.4", "R5.1"]


def test_r7_2_births_from_the_programme_stay_under_the_programme():
    quote = newborn_quote(2026, born=D(2026, 1, 1), paid=D(2026, 1, 5))
    assert (quote.individual_due, quote.subsidy_amount, quote.subsidy_category) == (
        Decimal("0.00"),
        STANDARD,
        "newborn_programme",
    )
    assert [entry.rule for entry in quote.explanation] == ["R1.2", "R7.1", "R7.2", "R5.1"]


def test_r7_6_r7_4_a_placeholder_year_after_the_birth_year_starts_on_1_january():
    # given a placeholder enrollment for 2027 paid on 2026-10-01 (before birth); the baby is born 2026-12-28
    quote = newborn_quote(2027, born=D(2026, 12, 28), paid=D(2026, 10, 1), enrolled_years=frozenset({2026}))
    # then 2027 is its second year: from 1 January, never from the birth date in 2026 (R1.1), paid normally
    assert (quote.benefit_start, quote.benefit_end, quote.individual_due, quote.subsidy_category) == (
        D(2027, 1, 1),
        D(2027, 12, 31),
        STANDARD,
        None,
    )
    assert [entry.rule for entry in quote.explanation] == ["R1.2", "R7.6", "R7.4", "R5.1"]
    assert quote.explanation[1].text == (
        "新生儿预参保（出生前登记缴费），2026年12月28日出生，早于2027年1月1日：出生当年即2026年度另行参保，"
        "2027年度为出生次年"
    )
    assert quote.explanation[2].text == (
        "出生次年参保，出生前已缴费（在出生后90日内），不受集中征缴期限制，自2027年1月1日起享受待遇，无等待期"
    )
