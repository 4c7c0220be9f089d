"""R6: the Shanyin 2026 table (山政办发〔2025〕17号 四), most favourable identity, back-payment never subsidised."""

import datetime
from decimal import Decimal
from importlib import import_module

import pytest

from enrollment.rules import HardshipTableInvalid, hardship_subsidy_compute, hardship_tiers_from_rows

STANDARD = Decimal("400.00")
SHANYIN = hardship_tiers_from_rows(
    import_module("enrollment.migrations.0011_seed_shanyin_hardship_tiers").SHANYIN_2026_TIERS,
    source="山政办发〔2025〕17号",
    standard=STANDARD,
)


def subsidy(categories, grade=None):
    return hardship_subsidy_compute(
        tiers=SHANYIN, standard=STANDARD, categories=frozenset(categories), disability_grade=grade
    )


@pytest.mark.parametrize(
    ("categories", "grade", "expected"),
    [
        ({"tekun"}, None, ("0", "400", "tekun")),
        ({"disability"}, 2, ("0", "400", "severe_disability")),
        ({"dibao", "disability"}, 3, ("0", "400", "dibao_disability")),
        ({"family_planning_hardship"}, None, ("0", "400", "family_planning_hardship")),
        ({"dibao"}, None, ("80", "320", "dibao")),
        ({"edge_poverty"}, None, ("120", "280", "edge_poverty")),
        ({"sudden_hardship"}, None, ("120", "280", "sudden_hardship")),
        ({"unstable_poverty_alleviated"}, None, ("120", "280", "unstable_poverty_alleviated")),
        ({"returned_to_poverty"}, None, ("40", "360", "returned_to_poverty")),
    ],
)
def test_r6_each_category_of_the_table(categories, grade, expected):
    result = subsidy(categories, grade)
    individual, amount, category = expected
    assert (result.individual_due, result.subsidy_amount, result.category) == (
        Decimal(individual),
        Decimal(amount),
        category,
    )


def test_r6_grade_3_disability_without_dibao_gives_nothing():
    assert subsidy({"disability"}, 3) is None


def test_r6_stable_poverty_alleviated_pays_in_full():
    result = subsidy({"stable_poverty_alleviated"})
    assert (result.individual_due, result.subsidy_amount, result.category) == (Decimal("400"), Decimal("0"), None)


def test_r6_2_several_identities_the_lowest_payment_applies_and_is_named():
    result = subsidy({"dibao", "returned_to_poverty", "edge_poverty"})
    assert (result.individual_due, result.category) == (Decimal("40"), "returned_to_poverty")
    assert result.text == "返贫致贫人口：个人缴费40.00元，医疗救助基金资助360.00元（另有2项身份，按个人缴费最低的一项）"
    assert result.source == "山政办发〔2025〕17号 四（4）"


def test_r6_2_no_identity_no_subsidy():
    assert subsidy(set()) is None


def test_r6_4_back_payment_is_never_subsidised():
    from enrollment.rules import PersonHistory, PolicyFigures, SourcedFigure, SpecialGroupParameters, quote_compute
    from enrollment.tests.test_benefit_period_rules import shanyin_calendar
    from enrollment.tests.test_catastrophic_cap_rules import SHANXI_CAP

    policy = PolicyFigures(
        region_code="140621",
        insurance_year=2027,
        projected=True,
        calendar_assumed=False,
        contribution_standard=STANDARD,
        calendar=shanyin_calendar(2027),
        cap=SHANXI_CAP,
        special_groups=SpecialGroupParameters(3, 1, SourcedFigure("山政办发〔2025〕17号"), SourcedFigure("")),
        standard_source=SourcedFigure("山政办发〔2025〕17号"),
        hardship_tiers=SHANYIN,
    )
    history = PersonHistory(
        birth_date=datetime.date(1980, 1, 1), enrolled_years=frozenset({2024}), hardship_categories=frozenset({"tekun"})
    )
    quote = quote_compute(policy=policy, payment_date=datetime.date(2026, 11, 10), history=history, back_paid_years=2)
    assert (quote.individual_due, quote.subsidy_amount, quote.back_payment_due) == (
        Decimal("0"),
        STANDARD,
        Decimal("800.00"),
    )
    assert "R6.4" in [entry.rule for entry in quote.explanation]


def test_r6_a_grade_1_or_2_disability_is_severe_on_its_own_and_named():
    result = subsidy({"disability"}, 1)
    assert (result.category, result.text) == (
        "severe_disability",
        "二级及以上重度残疾人：个人缴费0.00元，医疗救助基金资助400.00元",
    )


def test_r6_dibao_with_grade_4_prefers_the_free_tier_over_dibao():
    result = subsidy({"dibao", "disability"}, 4)
    assert (result.individual_due, result.subsidy_amount, result.category) == (
        Decimal("0.00"),
        Decimal("400.00"),
        "dibao_disability",
    )


def test_r6_table_rows_must_add_up_to_the_standard():
    rows = [
        {
            "category": "dibao",
            "name": "低保对象",
            "individual_payment": "80",
            "subsidy_amount": "300",
            "department": "民政",
        }
    ]
    with pytest.raises(HardshipTableInvalid, match=r"个人缴费80元与资助300元之和不等于缴费标准400\.00元"):
        hardship_tiers_from_rows(rows, source="", standard=STANDARD)
