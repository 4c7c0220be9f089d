"""Approving a draft: it becomes the year's parameters, as new versions, on a simulation of what it now says.

The preparer never approves their own draft: it takes another user holding the approving permission whose scope
covers the draft's region. The approval names its document number (文号) and the simulation it was approved on; the
sets it publishes are kept on the draft, and every set they replace stays as it was (enrollment.services).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import APPROVE_POLICY_DRAFT
from accounts.scope import user_can_see_division
from core.history import history_save
from core.models import JobStatus
from divisions.models import Division
from enrollment.services import policy_parameter_set_publish

from ..models import DraftStatus, ImpactSimulation, PolicyDraft
from .drafts import draft_changes_of, policy_draft_changes, policy_draft_problems


@transaction.atomic
def policy_draft_approve(
    *, actor: User, draft: PolicyDraft, document_number: str, simulation: ImpactSimulation | None
) -> PolicyDraft:
    """Publish the draft's changes as the current version of each changed region's year. Refused in Chinese, with
    nothing written: the preparer, a user without the approving permission for the region, a draft no longer a
    draft or changing nothing, no document number, a simulation not of this draft as it now stands or not finished,
    or figures that do not hold together."""
    draft = PolicyDraft.objects.select_for_update().select_related("region").get(pk=draft.pk)
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError(f"该草案{draft.get_status_display()}，不能再审批。")
    if actor.pk == draft.prepared_by_id:
        raise ValidationError("拟稿人不能审批自己拟定的草案，请由本地区另一位有审批权限的人员审批。")
    if not actor.has_perm(APPROVE_POLICY_DRAFT) or not user_can_see_division(user=actor, division_code=draft.region_id):
        raise ValidationError(f"您没有审批{draft.region.name}政策参数的权限。")
    document_number = document_number.strip()
    if not document_number:
        raise ValidationError({"document_number": "请填写批准文号。"})
    changes = policy_draft_changes(draft)
    if not changes:
        raise ValidationError("草案未调整任何参数，无需审批。")
    _simulation_check(draft=draft, simulation=simulation, changes=changes)
    problems = policy_draft_problems(draft)
    if problems:
        raise ValidationError(["草案的参数不能发布：", *problems])
    regions = Division.objects.in_bulk(list(changes))
    published = [
        policy_parameter_set_publish(
            region=regions[code],
            insurance_year=draft.insurance_year,
            figures=draft_changes_of(changes[code]),
            document_number=document_number,
            approved_by=actor,
            reason=f"审批草案“{draft.title}”（{document_number}）",
        )
        for code in sorted(changes)
    ]
    draft.status = DraftStatus.APPROVED
    draft.document_number = document_number
    draft.approved_by = actor
    draft.approved_at = timezone.now()
    draft.approved_simulation = simulation
    history_save(draft, actor=actor, reason=f"审批通过（{document_number}）")
    draft.published_sets.set(published)
    return draft


def _simulation_check(
    *, draft: PolicyDraft, simulation: ImpactSimulation | None, changes: dict[str, dict[str, object]]
) -> None:
    if simulation is None or simulation.draft_id != draft.pk:
        raise ValidationError({"simulation": "请选择本草案的一次测算作为审批依据。"})
    if simulation.draft_changes != changes:
        raise ValidationError({"simulation": "草案在这次测算之后又有修改，请重新测算后再审批。"})
    statuses = set(simulation.county_runs.values_list("status", flat=True))
    if statuses != {JobStatus.SUCCEEDED}:
        raise ValidationError({"simulation": "这次测算尚未完成，请待测算完成后再审批。"})
