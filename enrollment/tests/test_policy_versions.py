"""Approved parameter sets are never edited: a new notice or a correction is a new version of the region's year, the
current version is the one in force, and a quote names the versions it was computed from."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from conftest import make_user
from divisions.models import Division
from enrollment.models import PolicyParameterSet
from enrollment.policy import policy_resolve
from enrollment.services import PaymentDetails, enrollment_create, policy_parameter_set_publish

pytestmark = pytest.mark.django_db

D = datetime.date
SHANYIN = "140621"


def sets_of(region_code, year):
    return list(
        PolicyParameterSet.objects.filter(region_id=region_code, insurance_year=year)
        .order_by("version")
        .values_list("version", "is_current", "contribution_standard", "document_number")
    )


@pytest.fixture
def approver(db):
    return make_user("approver", Role.POLICY_APPROVER, SHANYIN)


def test_a_correction_is_a_new_version_and_the_earlier_one_is_kept_unchanged(approver):
    shanyin = Division.objects.get(code=SHANYIN)
    before = PolicyParameterSet.objects.get(region_id=SHANYIN, insurance_year=2026)
    tiers_before = before.hardship_tiers
    # when
    published = policy_parameter_set_publish(
        region=shanyin,
        insurance_year=2026,
        figures={"accident_topup_options": ["40.00"]},
        document_number="山医保发〔2026〕9号",
        approved_by=approver,
        reason="更正意外伤害补充保险档次",
    )
    # then
    assert sets_of(SHANYIN, 2026) == [
        (1, False, Decimal("400.00"), ""),
        (2, True, Decimal("400.00"), "山医保发〔2026〕9号"),
    ]
    first = PolicyParameterSet.objects.get(pk=before.pk)
    assert (first.accident_topup_options, first.hardship_tiers) == (["30.00", "50.00"], tiers_before)
    assert (published.accident_topup_options, published.hardship_tiers) == (["40.00"], tiers_before)
    assert (published.approved_by, published.source_document) == (approver, before.source_document)
    assert [entry.history_change_reason for entry in first.history.order_by("history_id")][-1] == (
        "由第2版取代（山医保发〔2026〕9号）"
    )
    figures = policy_resolve(region_code=SHANYIN, insurance_year=2026)
    assert figures.accident_topup_options == (Decimal("40.00"),)
    assert figures.policy_versions == (
        "山阴县2026年度第2版（山医保发〔2026〕9号）",
        "山西省2026年度第1版（山西省2026年度城乡居民医保个人缴费标准）",
    )


def test_an_enrollment_names_the_versions_its_figures_came_from(clerk, yujing_resident, approver):
    policy_parameter_set_publish(
        region=Division.objects.get(code=SHANYIN),
        insurance_year=2026,
        figures={"monthly_cutoff_day": 20},
        document_number="山医保发〔2026〕9号",
        approved_by=approver,
        reason="调整每月截止日",
    )
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    assert (enrollment.contribution_standard, enrollment.policy_versions) == (
        Decimal("400.00"),
        "山阴县2026年度第2版（山医保发〔2026〕9号）、山西省2026年度第1版（山西省2026年度城乡居民医保个人缴费标准）",
    )


def test_a_new_set_for_a_year_without_one_keeps_every_figure_it_does_not_name(approver):
    before = policy_resolve(region_code=SHANYIN, insurance_year=2027)
    assert before.projected is True
    # when the province publishes only its 2027 standard
    policy_parameter_set_publish(
        region=Division.objects.get(code="14"),
        insurance_year=2027,
        figures={"contribution_standard": Decimal("420.00")},
        document_number="晋医保发〔2026〕20号",
        approved_by=approver,
        reason="2027年度缴费标准",
    )
    # then the rest is 2026's, its dates shifted, and Shanyin's own figures stand
    after = policy_resolve(region_code=SHANYIN, insurance_year=2027)
    assert (after.contribution_standard, after.projected) == (Decimal("420.00"), False)
    assert (after.calendar, after.cap, after.hardship_tiers, after.refund_reasons) == (
        before.calendar,
        before.cap,
        before.hardship_tiers,
        before.refund_reasons,
    )
    assert sets_of("14", 2027) == [(1, True, Decimal("420.00"), "晋医保发〔2026〕20号")]


def test_publishing_without_a_document_number_or_with_a_table_that_does_not_add_up_changes_nothing(approver):
    shanyin = Division.objects.get(code=SHANYIN)
    before = sets_of(SHANYIN, 2026)
    with pytest.raises(ValidationError) as no_number:
        policy_parameter_set_publish(
            region=shanyin,
            insurance_year=2026,
            figures={"contribution_standard": Decimal("420.00")},
            document_number=" ",
            approved_by=approver,
            reason="",
        )
    assert no_number.value.message_dict == {"document_number": ["请填写批准文号。"]}
    with pytest.raises(ValidationError) as not_adding_up:
        policy_parameter_set_publish(
            region=shanyin,
            insurance_year=2026,
            figures={"contribution_standard": Decimal("420.00")},
            document_number="山医保发〔2026〕9号",
            approved_by=approver,
            reason="",
        )
    assert not_adding_up.value.message_dict["hardship_tiers"] == [
        "资助档次第1行（特困人员）：个人缴费0.00元与资助400.00元之和不等于缴费标准420.00元。"
    ]
    assert sets_of(SHANYIN, 2026) == before
    assert policy_resolve(region_code=SHANYIN, insurance_year=2026).contribution_standard == Decimal("400.00")
