"""Policy figures are data: seeded per region and year, inherited by region and by year (RULES.md, R1.2, R2.1)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from enrollment.models import PolicyParameterSet
from enrollment.policy import PolicyNotFound, insurance_year_collecting, policy_resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("year", "standard"),
    [
        (2019, "250"),
        (2020, "280"),
        (2021, "320"),
        (2022, "350"),
        (2023, "380"),
        (2024, "400"),
        (2025, "400"),
        (2026, "400"),
    ],
)
def test_r1_2_shanxi_contribution_standards(year, standard):
    assert policy_resolve(region_code="140105", insurance_year=year).contribution_standard == Decimal(standard)


def test_r2_1_shanyin_2026_calendar_is_its_own_and_confirmed():
    policy = policy_resolve(region_code="140621", insurance_year=2026)
    calendar = policy.calendar
    assert (calendar.collection_opens, calendar.normal_part_ends) == (
        datetime.date(2025, 10, 17),
        datetime.date(2025, 12, 25),
    )
    assert (calendar.extended_part_starts, calendar.extended_part_ends) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 25),
    )
    assert (calendar.monthly_cutoff_day, str(calendar.collection_source)) == (25, "山政办发〔2025〕17号")
    assert (policy.projected, policy.calendar_assumed) == (False, False)
    assert str(calendar.waiting_source) == "晋医保发〔2025〕3号 一（二）"


def test_earlier_years_use_the_2026_calendar_shifted_and_marked_assumed():
    policy = policy_resolve(region_code="140621", insurance_year=2024)
    assert policy.calendar.collection_opens == datetime.date(2023, 10, 17)
    assert (policy.projected, policy.calendar_assumed) == (False, True)


def test_a_year_without_parameters_inherits_the_latest_shifted_and_is_projected():
    policy = policy_resolve(region_code="140621", insurance_year=2028)
    assert policy.calendar.collection_opens == datetime.date(2027, 10, 17)
    assert policy.calendar.extended_part_ends == datetime.date(2028, 2, 25)
    assert (policy.projected, policy.contribution_standard) == (True, Decimal("400.00"))


def test_a_county_override_wins_over_the_province_field_by_field():
    # given Shanyin raises its 2026 standard; every other figure still comes from the province
    PolicyParameterSet.objects.filter(region_id="140621", insurance_year=2026).update(
        contribution_standard=Decimal("420.00")
    )
    # when
    shanyin = policy_resolve(region_code="140621", insurance_year=2026)
    neighbour = policy_resolve(region_code="140622", insurance_year=2026)
    # then
    assert (shanyin.contribution_standard, neighbour.contribution_standard) == (Decimal("420.00"), Decimal("400.00"))
    assert shanyin.cap.base == Decimal("400000.00")


def test_unknown_region_and_years_before_the_data_are_refused():
    with pytest.raises(PolicyNotFound, match="不是已知的县级区划代码"):
        policy_resolve(region_code="149999", insurance_year=2026)
    with pytest.raises(PolicyNotFound, match="没有2018年度及以前的政策参数"):
        policy_resolve(region_code="140621", insurance_year=2018)


def test_r13_3_five_resident_years_make_one_employee_year():
    from enrollment.rules import employee_years_credit

    policy = policy_resolve(region_code="140621", insurance_year=2026)
    credit, explanation = employee_years_credit(policy=policy, resident_years_paid=7)
    assert credit == Decimal("1.40")
    assert explanation.text == "居民医保实际缴费7年，按每5年折算1年，可折算职工医保缴费年限1.40年"


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (datetime.date(2025, 10, 16), 2025),  # the day before 2026's collection opens (R2.1: 2025-10-17)
        (datetime.date(2025, 10, 17), 2026),
        (datetime.date(2026, 10, 16), 2026),  # 2027 has no set: 2026's calendar shifted a year
        (datetime.date(2026, 10, 17), 2027),
    ],
)
def test_r2_1_window_defaults_to_the_year_whose_collection_has_opened(today, year):
    assert insurance_year_collecting(region_code="140621", today=today) == year


def test_a_region_without_policy_defaults_to_the_calendar_year():
    assert insurance_year_collecting(region_code="999999", today=datetime.date(2026, 11, 26)) == 2026


# --- Resolved figures kept in memory: every write to the parameter sets is seen at once ----------------------------


def test_r1_2_a_figure_changed_in_the_admin_is_the_next_quote_s_figure():
    # given: the 2026 standard of a county inheriting the province's, resolved once, so this process keeps it
    assert policy_resolve(region_code="140622", insurance_year=2026).contribution_standard == Decimal("400.00")
    province = PolicyParameterSet.objects.get(region_id="14", insurance_year=2026)
    # when: saved as the admin saves it
    province.contribution_standard = Decimal("420.00")
    province.save()
    # then
    assert policy_resolve(region_code="140622", insurance_year=2026).contribution_standard == Decimal("420.00")


def test_r1_2_a_queryset_update_and_a_deletion_are_seen_too():
    # given
    assert policy_resolve(region_code="140621", insurance_year=2026).calendar.monthly_cutoff_day == 25
    # when: a data migration's way of writing, which sends no signal and writes no history
    PolicyParameterSet.objects.filter(region_id="140621", insurance_year=2026).update(monthly_cutoff_day=20)
    # then
    assert policy_resolve(region_code="140621", insurance_year=2026).calendar.monthly_cutoff_day == 20
    # when: the county's own set goes
    PolicyParameterSet.objects.filter(region_id="140621", insurance_year=2026).delete()
    # then: its calendar is the province's, like its neighbour's
    shanyin = policy_resolve(region_code="140621", insurance_year=2026)
    neighbour = policy_resolve(region_code="140622", insurance_year=2026)
    assert shanyin.calendar.collection_source == neighbour.calendar.collection_source
    assert str(shanyin.calendar.collection_source) != "山政办发〔2025〕17号"


def test_r1_2_a_change_rolled_back_leaves_the_figures_of_the_data():
    # given: a change seen inside its transaction, then abandoned
    with pytest.raises(RuntimeError), transaction.atomic():
        PolicyParameterSet.objects.filter(region_id="14", insurance_year=2026).update(
            contribution_standard=Decimal("999.00")
        )
        assert policy_resolve(region_code="140622", insurance_year=2026).contribution_standard == Decimal("999.00")
        raise RuntimeError("the change is abandoned")
    # then: its figures are not kept
    assert policy_resolve(region_code="140622", insurance_year=2026).contribution_standard == Decimal("400.00")


def test_r1_2_a_new_year_s_set_replaces_the_projection():
    # given: 2027 projected from 2026
    assert policy_resolve(region_code="140622", insurance_year=2027).projected is True
    # when: the province publishes 2027
    published = PolicyParameterSet.objects.get(region_id="14", insurance_year=2026)
    published.pk, published.insurance_year = None, 2027
    published.contribution_standard = Decimal("430.00")
    published.save()
    # then
    policy = policy_resolve(region_code="140622", insurance_year=2027)
    assert (policy.projected, policy.contribution_standard) == (False, Decimal("430.00"))
