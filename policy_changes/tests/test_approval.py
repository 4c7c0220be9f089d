"""A draft becomes the year's parameters only when another user with the approving role of its region approves it,
on a simulation of the draft as it stands, under a document number; a refusal changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from conftest import SHANYIN, make_user
from enrollment.models import PolicyParameterSet
from enrollment.policy import policy_resolve
from policy_changes.models import DraftStatus, PolicyDraft
from policy_changes.services import policy_draft_approve, policy_draft_region_update
from policy_changes.tests.conftest import YEAR
from policy_changes.tests.factories import draft_with

pytestmark = pytest.mark.django_db
DOCUMENT = "山医保发〔2026〕30号"


def parameter_sets():
    return list(
        PolicyParameterSet.objects.order_by("region_id", "insurance_year", "version").values_list(
            "region_id", "insurance_year", "version", "is_current"
        )
    )


def draft_state(draft):
    draft.refresh_from_db()
    return (draft.status, draft.document_number, draft.approved_by_id, draft.approved_simulation_id)


def refused(actor, draft, simulation, document=DOCUMENT):
    before = (parameter_sets(), draft_state(draft))
    with pytest.raises(ValidationError) as refusal:
        policy_draft_approve(actor=actor, draft=draft, document_number=document, simulation=simulation)
    assert (parameter_sets(), draft_state(draft)) == before
    return refusal.value.messages


def test_the_preparer_cannot_approve_their_own_draft(preparer, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    preparer.role = Role.POLICY_APPROVER  # even holding the approving role
    preparer.save()
    assert refused(preparer, draft, simulation) == [
        "拟稿人不能审批自己拟定的草案，请由本地区另一位有审批权限的人员审批。"
    ]


def test_an_approver_of_another_county_or_without_the_role_is_refused(preparer, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    neighbour = make_user("neighbour", Role.POLICY_APPROVER, "140622")
    assert refused(neighbour, draft, simulation) == ["您没有审批山阴县政策参数的权限。"]
    colleague = make_user("colleague", Role.CITY_STAFF, "1406")
    assert refused(colleague, draft, simulation) == ["您没有审批山阴县政策参数的权限。"]


def test_approval_needs_a_finished_simulation_of_the_draft_as_it_stands(preparer, approver, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    assert refused(approver, draft, None) == ["请选择本草案的一次测算作为审批依据。"]
    simulation = simulate(preparer, draft)
    policy_draft_region_update(actor=preparer, draft=draft, region_code=SHANYIN, figures={"fixed_waiting_months": 5})
    assert refused(approver, draft, simulation) == ["草案在这次测算之后又有修改，请重新测算后再审批。"]
    assert refused(approver, draft, simulate(preparer, draft), document=" ") == ["请填写批准文号。"]


def test_figures_that_do_not_hold_together_are_not_published(preparer, approver, population, simulate):
    # Shanyin's subsidy table adds up to 400: a standard of 420 needs a new table as well
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"))
    messages = refused(approver, draft, simulate(preparer, draft))
    assert messages[:2] == [
        "草案的参数不能发布：",
        "山阴县：资助档次第1行（特困人员）：个人缴费0.00元与资助400.00元之和不等于缴费标准420.00元。",
    ]


def test_an_approved_draft_is_the_new_version_of_the_year(preparer, approver, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    before = policy_resolve(region_code=SHANYIN, insurance_year=YEAR)
    # when
    policy_draft_approve(actor=approver, draft=draft, document_number=DOCUMENT, simulation=simulation)
    # then
    draft = PolicyDraft.objects.get(pk=draft.pk)
    assert (draft.status, draft.document_number, draft.approved_by, draft.approved_simulation) == (
        DraftStatus.APPROVED,
        DOCUMENT,
        approver,
        simulation,
    )
    published = PolicyParameterSet.objects.get(region_id=SHANYIN, insurance_year=YEAR)
    assert list(draft.published_sets.all()) == [published]
    assert (published.version, published.is_current, published.document_number, published.approved_by) == (
        1,
        True,
        DOCUMENT,
        approver,
    )
    after = policy_resolve(region_code=SHANYIN, insurance_year=YEAR)
    assert after.calendar.fixed_waiting_months == 6
    assert (after.contribution_standard, after.cap, after.hardship_tiers) == (
        before.contribution_standard,
        before.cap,
        before.hardship_tiers,
    )
    assert after.policy_versions[0] == f"山阴县{YEAR}年度第1版（{DOCUMENT}）"
    # and it is never edited again
    with pytest.raises(ValidationError) as again:
        policy_draft_approve(actor=approver, draft=draft, document_number=DOCUMENT, simulation=simulation)
    assert again.value.messages == ["该草案已批准，不能再审批。"]
