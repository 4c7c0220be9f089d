"""Preparing a draft: created for a region's year, its figures changed region by region, withdrawn.

A draft stores only what it changes (PolicyDraftRegion.changes, as JSON); what it would make of the policy is the
current parameter sets with those changes in place (policy_draft_replacements), resolved by the same inheritance as
the live figures (enrollment.policy.policy_resolve_with). Nothing here writes a parameter set.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Q
from django.utils import timezone

from accounts.models import User
from accounts.permissions import PREPARE_POLICY_DRAFT
from accounts.scope import user_can_see_division
from core.history import history_save
from divisions.codes import code_is_within
from divisions.models import Division, DivisionLevel
from enrollment.models import PolicyParameterSet
from enrollment.policy import (
    ALL_FIELDS,
    OPTIONAL_FIELDS,
    PolicyNotFound,
    policy_fields_in_force,
    policy_resolver_with,
)
from enrollment.rules import REFUND_REASON_LABELS, HardshipTableInvalid, hardship_tiers_from_rows
from enrollment.services import policy_parameter_set_with

from ..models import DraftStatus, PolicyDraft, PolicyDraftRegion

# The figures a draft may change: every figure of a parameter set, and the document the standard and calendar cite.
DRAFT_FIELDS = ("source_document", *ALL_FIELDS, *OPTIONAL_FIELDS)
DRAFT_REGION_LEVELS = (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY)
# A draft is for next year's notice or a correction of this year's (or of a year still being settled).
DRAFT_YEARS_BACK = 1
DRAFT_YEARS_AHEAD = 1


def draft_field(name: str) -> "Field[object, object]":
    field = PolicyParameterSet._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def change_to_json(name: str, value: object) -> object:
    """A figure as a draft stores it: dates as YYYY-MM-DD, amounts as strings, lists and numbers as they are."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def change_from_json(name: str, stored: object) -> object:
    return draft_field(name).to_python(stored)


def draft_changes_of(region_changes: Mapping[str, object]) -> dict[str, object]:
    """A region's stored changes as the parameter set's own values."""
    return {name: change_from_json(name, value) for name, value in region_changes.items()}


def policy_draft_replacements(
    *, changes_by_region: Mapping[str, Mapping[str, object]], insurance_year: int
) -> list[PolicyParameterSet]:
    """The unsaved parameter sets a draft stands in for the current ones (enrollment.policy.policy_resolve_with):
    each changed region's current set of the year with the draft's values in place. `changes_by_region` is a draft's
    (or a simulation's copy of it): region code → stored changes."""
    regions = Division.objects.in_bulk([code for code, changes in changes_by_region.items() if changes])
    return [
        policy_parameter_set_with(
            region=regions[code], insurance_year=insurance_year, figures=draft_changes_of(changes_by_region[code])
        )
        for code in sorted(regions)
    ]


def policy_draft_changes(draft: PolicyDraft) -> dict[str, dict[str, object]]:
    """Region code → the figures the draft changes there, as stored."""
    return {region.region_id: dict(region.changes) for region in draft.regions.all() if region.changes}


def _check_can_prepare(*, actor: User, region_code: str) -> None:
    if not actor.has_perm(PREPARE_POLICY_DRAFT) or not user_can_see_division(user=actor, division_code=region_code):
        raise ValidationError({"region": "您无权为该地区拟定政策参数。"})


def _check_still_a_draft(draft: PolicyDraft) -> None:
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError(f"该草案{draft.get_status_display()}，不能再修改。")


@transaction.atomic
def policy_draft_create(*, actor: User, region_code: str, insurance_year: int, title: str) -> PolicyDraft:
    """A new draft of a region's (province, city or county) figures for the year, changing nothing yet."""
    region = Division.objects.filter(code=region_code, level__in=DRAFT_REGION_LEVELS).first()
    if region is None:
        raise ValidationError({"region": f"{region_code} 不是省、市或县级区划代码。"})
    _check_can_prepare(actor=actor, region_code=region_code)
    this_year = timezone.localdate().year
    first, last = this_year - DRAFT_YEARS_BACK, this_year + DRAFT_YEARS_AHEAD
    if not first <= insurance_year <= last:
        raise ValidationError({"insurance_year": f"只能为{first}至{last}年度拟定政策参数。"})
    title = title.strip() or f"{region.name}{insurance_year}年度政策参数调整"
    draft = PolicyDraft(region=region, insurance_year=insurance_year, title=title, prepared_by=actor)
    draft.full_clean()
    history_save(draft, actor=actor, reason="创建草案")
    PolicyDraftRegion.objects.create(draft=draft, region=region, changes={})
    return draft


@transaction.atomic
def policy_draft_region_update(
    *, actor: User, draft: PolicyDraft, region_code: str, figures: Mapping[str, object]
) -> PolicyDraftRegion:
    """Set the figures the draft gives a region (the draft's region or one below it): `figures` holds every figure of
    the form; those equal to the region's current ones are not changes, those that differ are. Each figure is checked
    as the parameter set checks it; a refusal names the figure, in Chinese, and changes nothing."""
    draft = PolicyDraft.objects.select_for_update().get(pk=draft.pk)
    _check_still_a_draft(draft)
    _check_can_prepare(actor=actor, region_code=draft.region_id)
    region = Division.objects.filter(code=region_code, level__in=DRAFT_REGION_LEVELS).first()
    if region is None or not code_is_within(region_code, draft.region_id):
        raise ValidationError({"region": f"{region_code} 不在草案的地区{draft.region.name}之内。"})
    unknown = sorted(set(figures) - set(DRAFT_FIELDS))
    if unknown:
        raise ValidationError({"figures": f"不能调整的参数：{'、'.join(unknown)}。"})
    current = policy_parameter_set_with(region=region, insurance_year=draft.insurance_year, figures={})
    candidate = policy_parameter_set_with(region=region, insurance_year=draft.insurance_year, figures=figures)
    changed = [name for name in figures if getattr(candidate, name) != getattr(current, name)]
    try:
        candidate.clean_fields(exclude=[name for name in _all_field_names() if name not in changed])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    _lists_check(candidate, changed)
    draft_region, _ = PolicyDraftRegion.objects.get_or_create(draft=draft, region=region)
    draft_region.changes = {name: change_to_json(name, getattr(candidate, name)) for name in changed}
    draft_region.save(update_fields=["changes"])
    history_save(draft, actor=actor, reason=f"修改{region.name}的参数：{'、'.join(changed) or '无调整'}")
    return draft_region


def _lists_check(candidate: PolicyParameterSet, changed: list[str]) -> None:
    """The figures stored as JSON lists must read as the rules read them: a subsidy table with its required columns
    and amounts, refund reasons the rules know, top-up amounts that are positive amounts."""
    for name in ("hardship_tiers", "refund_reasons", "refund_anytime_reasons", "accident_topup_options"):
        value = getattr(candidate, name)
        if name in changed and value not in (None, "") and not isinstance(value, list):
            raise ValidationError({name: "应为列表。"})
    if "hardship_tiers" in changed and candidate.hardship_tiers:
        try:
            if not all(isinstance(row, dict) for row in candidate.hardship_tiers):
                raise HardshipTableInvalid("资助档次的每一档应为一个对象。")
            hardship_tiers_from_rows(candidate.hardship_tiers, source="")
        except HardshipTableInvalid as error:
            raise ValidationError({"hardship_tiers": str(error)}) from None
    for name in ("refund_reasons", "refund_anytime_reasons"):
        unknown = [str(code) for code in getattr(candidate, name) or [] if code not in REFUND_REASON_LABELS]
        if name in changed and unknown:
            raise ValidationError({name: f"未知的退费原因：{'、'.join(unknown)}。"})
    if "accident_topup_options" in changed and candidate.accident_topup_options:
        try:
            amounts = [Decimal(str(option)) for option in candidate.accident_topup_options]
        except ArithmeticError:
            amounts = []
        if not amounts or any(amount <= 0 for amount in amounts):
            raise ValidationError({"accident_topup_options": "意外伤害补充保险档次应为正的金额列表，如 30.00、50.00。"})


def _all_field_names() -> list[str]:
    return [field.name for field in PolicyParameterSet._meta.concrete_fields]


@transaction.atomic
def policy_draft_withdraw(*, actor: User, draft: PolicyDraft, reason: str) -> PolicyDraft:
    draft = PolicyDraft.objects.select_for_update().get(pk=draft.pk)
    _check_still_a_draft(draft)
    _check_can_prepare(actor=actor, region_code=draft.region_id)
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤回原因。"})
    draft.status = DraftStatus.WITHDRAWN
    history_save(draft, actor=actor, reason=f"撤回：{reason.strip()}")
    return draft


@dataclass(frozen=True)
class FigureDifference:
    """A figure the draft changes: where, which, the current set's own value and the draft's."""

    region_code: str
    region_name: str
    field: str
    label: str
    current: object
    draft: object


def policy_draft_differences(
    *, changes_by_region: Mapping[str, Mapping[str, object]], insurance_year: int
) -> list[FigureDifference]:
    """Every figure the draft (or a simulation's copy of it) changes, with the value in force for the region today,
    its own or inherited (None when no set gives it), in the order of the regions and of the parameter set's
    fields."""
    regions = Division.objects.in_bulk(list(changes_by_region))
    differences = []
    for code in sorted(changes_by_region):
        own = policy_parameter_set_with(region=regions[code], insurance_year=insurance_year, figures={})
        in_force = policy_fields_in_force(region_code=code, insurance_year=insurance_year)
        changes = draft_changes_of(changes_by_region[code])
        for name in DRAFT_FIELDS:
            if name in changes:
                differences.append(
                    FigureDifference(
                        region_code=code,
                        region_name=regions[code].name,
                        field=name,
                        label=str(draft_field(name).verbose_name),
                        current=in_force.get(name, getattr(own, name)),
                        draft=changes[name],
                    )
                )
    return differences


def policy_draft_problems(draft: PolicyDraft) -> list[str]:
    """What would stop the draft's sets being published as they are, in Chinese; empty when none: a figure its set
    refuses (dates out of order), or a county whose figures under the draft no longer hold together (a subsidy
    table, its own or inherited, whose rows do not add up to the standard)."""
    problems: list[str] = []
    changes = policy_draft_changes(draft)
    replacements = policy_draft_replacements(changes_by_region=changes, insurance_year=draft.insurance_year)
    for candidate in replacements:
        if not candidate.source_document:
            candidate.source_document = "（批准文号）"
        try:
            candidate.full_clean(validate_unique=False, validate_constraints=False)
            _dates_in_order_check(candidate)
        except ValidationError as error:
            for messages in error.message_dict.values():
                problems.extend(f"{candidate.region.name}：{message}" for message in messages)
    counties_changed = Division.objects.filter(level=DivisionLevel.COUNTY).filter(
        Q.create([("code__startswith", code) for code in changes], connector=Q.OR)
    )
    counties = list(counties_changed.order_by("code")) if changes else []
    resolve = policy_resolver_with(
        region_codes=[county.code for county in counties],
        insurance_year=draft.insurance_year,
        replacements=replacements,
    )
    for county in counties:
        try:
            figures = resolve(county.code)
        except (PolicyNotFound, HardshipTableInvalid) as error:
            problems.append(f"{county.name}：{error}")
            continue
        standard = figures.contribution_standard
        for number, tier in enumerate(figures.hardship_tiers, start=1):
            if tier.individual_payment + tier.subsidy_amount != standard:
                problems.append(
                    f"{county.name}：资助档次第{number}行（{tier.name}）：个人缴费{tier.individual_payment}元"
                    f"与资助{tier.subsidy_amount}元之和不等于缴费标准{standard}元。"
                )
    return problems


def _dates_in_order_check(candidate: PolicyParameterSet) -> None:
    """The parameter set's own check constraints, as messages (the database refuses them too)."""
    if (
        candidate.collection_opens
        and candidate.normal_part_ends
        and candidate.collection_opens > candidate.normal_part_ends
    ):
        raise ValidationError({"collection_opens": "集中征缴期开始日期晚于正常缴费期截止日期。"})
    if (
        candidate.extended_part_starts
        and candidate.extended_part_ends
        and candidate.extended_part_starts > candidate.extended_part_ends
    ):
        raise ValidationError({"extended_part_starts": "延长缴费期开始日期晚于截止日期。"})
