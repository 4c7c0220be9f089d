"""Resolving the policy figures in force for a region and insurance year (RULES.md, introduction).

A county inherits its city's figures and a city the province's, field by field; a year with no parameter set
anywhere in the chain inherits the latest earlier year's figures with every date shifted by whole years, and
the result is flagged `projected`. A figure that a year's sets leave blank is likewise the latest earlier year's:
a new notice that changes only the standard keeps the rest. Only the current version of a region's year counts;
earlier versions stay for the record (enrollment.services.policy_parameter_set_publish).
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection

from divisions.codes import code_prefix, code_reaches
from divisions.models import Division, DivisionLevel

from .models import PolicyParameterSet, PolicyRevision
from .rules import (
    CalendarParameters,
    CapParameters,
    NewbornParameters,
    PolicyFigures,
    SourcedFigure,
    SpecialGroupParameters,
    hardship_tiers_from_rows,
    insurance_year_open_check,
)

CALENDAR_FIELDS = (
    "collection_opens",
    "normal_part_ends",
    "extended_part_starts",
    "extended_part_ends",
    "monthly_cutoff_day",
)
WAITING_FIELDS = (
    "fixed_waiting_months",
    "free_break_years",
    "waiting_floor_months",
    "waiting_floor_break_years",
    "break_counting_start_year",
)
CAP_FIELDS = (
    "cap_base",
    "cap_step",
    "cap_continuity_free_years",
    "cap_bonus_limit",
    "cap_penalty_limit",
    "incentive_start_year",
)
SPECIAL_GROUP_FIELDS = (
    "special_group_window_months",
    "special_group_benefit_offset_days",
    "special_group_employee_min_years",
)
SOURCE_FIELDS = ("waiting_source", "cap_source", "special_group_source", "student_source")
ALL_FIELDS = (
    "contribution_standard",
    *CALENDAR_FIELDS,
    *WAITING_FIELDS,
    *CAP_FIELDS,
    *SPECIAL_GROUP_FIELDS,
    *SOURCE_FIELDS,
    "resident_years_per_employee_year",
)
# Figures a region may lack: then it offers no accident top-up and accepts no refund.
NEWBORN_FIELDS = (
    "newborn_registration_days",
    "newborn_source",
    "newborn_programme_from",
    "newborn_programme_source",
    "newborn_birth_year_free_from",
    "newborn_birth_year_free_source",
    "pre_enrollment_enabled",
    "pre_enrollment_weeks_before_delivery",
    "pre_enrollment_link_months",
    "pre_enrollment_birth_weeks_before",
    "pre_enrollment_birth_weeks_after",
    "pre_enrollment_source",
)
OPTIONAL_FIELDS = (
    "accident_topup_options",
    "refund_reasons",
    "refund_source",
    "refund_anytime_reasons",
    "hardship_tiers",
    "hardship_source",
    *NEWBORN_FIELDS,
)
# The refund reasons and the reasons accepted at any time, inherited together (R12.3).
REFUND_FIELDS = ("refund_reasons", "refund_source", "refund_anytime_reasons")
# Dates that name a fixed day of policy, not a day of the insurance calendar: never shifted to a later year.
UNSHIFTED_FIELDS = frozenset({"newborn_programme_from", "newborn_birth_year_free_from"})
# A region's figures are set for its county, its city and its province: the most specific first.
REGION_LEVELS = (DivisionLevel.COUNTY, DivisionLevel.CITY, DivisionLevel.PROVINCE)


class PolicyNotFound(LookupError):
    """No figures for the region; the message is shown to the clerk."""


def _region_chain(region_code: str) -> list[str]:
    return [code_prefix(region_code, level) for level in REGION_LEVELS if code_reaches(region_code, level)]


def _merge_fields(sets_in_order: list[PolicyParameterSet]) -> dict[str, tuple[object, PolicyParameterSet]]:
    """Each figure from the first set (in the order given) that has it."""
    merged: dict[str, tuple[object, PolicyParameterSet]] = {}
    for field in (*ALL_FIELDS, *OPTIONAL_FIELDS):
        for parameter_set in sets_in_order:
            value = getattr(parameter_set, field)
            if value is not None and value != "" and value != []:
                merged[field] = (value, parameter_set)
                break
    return merged


def _latest_year_first(sets: list[PolicyParameterSet]) -> list[PolicyParameterSet]:
    """The order figures are inherited in: the latest year first and, within a year, the most specific region."""
    return sorted(sets, key=lambda each: (-each.insurance_year, -len(each.region_id)))


def _by_year_most_specific_first(sets: list[PolicyParameterSet]) -> dict[int, list[PolicyParameterSet]]:
    by_year: dict[int, list[PolicyParameterSet]] = {}
    for parameter_set in sorted(sets, key=lambda each: (each.insurance_year, -len(each.region_id))):
        by_year.setdefault(parameter_set.insurance_year, []).append(parameter_set)
    return by_year


def _refund_fields(
    *, candidates: list[PolicyParameterSet], later_sets: list[PolicyParameterSet]
) -> dict[str, tuple[object, PolicyParameterSet]]:
    """R12.3: the refund reasons and window rules, inherited together from the latest year up to the insurance year
    whose sets have them, as every inherited figure (RULES.md, introduction). A year before the first one that has
    them takes the first one's, as the years before 2026 take the 2026 calendar (same introduction): the documents
    give those years only their standards. None of them are dates, so nothing is shifted.
    """
    earlier = _by_year_most_specific_first([each for each in candidates if each.refund_reasons])
    if earlier:
        return _refund_fields_of(earlier[max(earlier)])
    later = _by_year_most_specific_first([each for each in later_sets if each.refund_reasons])
    if later:
        return _refund_fields_of(later[min(later)])
    return {}


def _refund_fields_of(
    sets_most_specific_first: list[PolicyParameterSet],
) -> dict[str, tuple[object, PolicyParameterSet]]:
    merged = _merge_fields(sets_most_specific_first)
    return {field: merged[field] for field in REFUND_FIELDS if field in merged}


def _shift(value: object, years: int) -> object:
    if isinstance(value, datetime.date) and years:
        return value + relativedelta(years=years)
    return value


@dataclasses.dataclass(frozen=True)
class _ResolvedFigures:
    """The figures this process has resolved, all for the parameter sets of one PolicyRevision token."""

    token: str
    by_region_and_year: dict[tuple[str, int], PolicyFigures] = dataclasses.field(default_factory=dict)


_resolved: _ResolvedFigures | None = None
RESOLVED_FIGURES_LIMIT = 4_096  # regions × years kept at once; a process asks for far fewer


def policy_resolve(*, region_code: str, insurance_year: int) -> PolicyFigures:
    """The figures in force for a county and insurance year, or PolicyNotFound.

    Every quote, window page and enrollment asks for them, and reading and merging the parameter sets costs more
    than the rules themselves; so they are kept in this process's memory for as long as the parameter sets stay
    as they are: the token of PolicyRevision, which a database trigger replaces on any write to them, is read
    first on every call, and a different token drops everything kept. Because the token is read before the sets,
    figures are never older than the token they are kept under, even with threads. The division tree is reference
    data that migrations load, so a county found once stays found. A refusal is never kept.
    """
    return policy_resolve_many(region_codes=[region_code], insurance_year=insurance_year)[region_code]


def policy_resolve_many(*, region_codes: Iterable[str], insurance_year: int) -> dict[str, PolicyFigures]:
    """policy_resolve for many counties of one year with one read of the token: a city's or the province's
    settlement asks for every county's standard at once. The first county without figures raises PolicyNotFound."""
    global _resolved
    codes = list(dict.fromkeys(region_codes))
    token = _revision_token()
    if token is None:  # no revision row (a flushed test database): nothing can be trusted to stay
        return _policies_read(region_codes=codes, insurance_year=insurance_year)
    held = _resolved
    if held is None or held.token != token or len(held.by_region_and_year) >= RESOLVED_FIGURES_LIMIT:
        held = _resolved = _ResolvedFigures(token=token)
    missing = [code for code in codes if (code, insurance_year) not in held.by_region_and_year]
    for region_code, figures in _policies_read(region_codes=missing, insurance_year=insurance_year).items():
        held.by_region_and_year[(region_code, insurance_year)] = figures
    return {code: held.by_region_and_year[(code, insurance_year)] for code in codes}


def _policies_read(*, region_codes: list[str], insurance_year: int) -> dict[str, PolicyFigures]:
    """Many counties' figures from one read of their parameter sets; the first county without figures raises."""
    if not region_codes:
        return {}
    sets = _parameter_sets_read(region_codes=region_codes)
    return {code: _policy_read(region_code=code, insurance_year=insurance_year, sets=sets) for code in region_codes}


def _revision_token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {PolicyRevision._meta.db_table}")
        row = cursor.fetchone()
    return row[0] if row else None


def policy_fields_in_force(*, region_code: str, insurance_year: int) -> dict[str, Any]:
    """The figures in force for any region (a province, city or county) and year, by the parameter set's field names,
    inherited as policy_resolve inherits them; a figure no set of the chain gives is absent. What a draft is
    compared with."""
    chain_sets = _current_sets_of(_region_chain(region_code))
    candidates = [each for each in chain_sets if each.insurance_year <= insurance_year]
    later_sets = [each for each in chain_sets if each.insurance_year > insurance_year]
    merged = _fields_merged(candidates=candidates, later_sets=later_sets)
    return _values_of(merged, insurance_year=insurance_year)


def _current_sets_of(regions: Iterable[str]) -> list[PolicyParameterSet]:
    """The current parameter set of every year of the regions (a chain, or the chains of many counties)."""
    return list(PolicyParameterSet.objects.filter(region_id__in=regions, is_current=True).select_related("region"))


def _fields_merged(
    *, candidates: list[PolicyParameterSet], later_sets: list[PolicyParameterSet]
) -> dict[str, tuple[object, PolicyParameterSet]]:
    """Each figure with the set it comes from, from the sets of the chain up to the insurance year (`candidates`).
    A figure a year's sets leave blank is the latest earlier year's (RULES.md, introduction); the refund figures come
    together (R12.3), from the sets of later years when no earlier one has them."""
    merged = _merge_fields(_latest_year_first(candidates))
    merged.update(_refund_fields(candidates=candidates, later_sets=later_sets))
    return merged


def _values_of(merged: dict[str, tuple[object, PolicyParameterSet]], *, insurance_year: int) -> dict[str, Any]:
    """The merged figures' values, of as many types as the fields (dates, amounts, counts, JSON lists), each date
    shifted by the years between its set's year and the insurance year."""
    return {
        field: figure if field in UNSHIFTED_FIELDS else _shift(figure, insurance_year - parameter_set.insurance_year)
        for field, (figure, parameter_set) in merged.items()
    }


def policy_resolve_with(
    *, region_code: str, insurance_year: int, replacements: Iterable[PolicyParameterSet]
) -> PolicyFigures:
    """The figures a county would have if `replacements`, unsaved sets each for a region and year, stood in for the
    current sets of their region and year (or were added where there is none): what a draft would make of the
    policy (policy_changes). The same inheritance as policy_resolve; never kept."""
    return _policy_read(region_code=region_code, insurance_year=insurance_year, replacements=list(replacements))


def policy_resolver_with(
    *, region_codes: Iterable[str], insurance_year: int, replacements: Iterable[PolicyParameterSet]
) -> Callable[[str], PolicyFigures]:
    """policy_resolve_with for many counties of one year: their names and parameter sets are read once, here, and
    the function returned resolves any of them (raising PolicyNotFound as policy_resolve_with does). A draft of the
    province is checked against every county's figures."""
    sets = _parameter_sets_read(region_codes=list(region_codes))
    kept = list(replacements)

    def resolve(region_code: str) -> PolicyFigures:
        return _policy_read(region_code=region_code, insurance_year=insurance_year, replacements=kept, sets=sets)

    return resolve


@dataclasses.dataclass(frozen=True)
class _ParameterSetsRead:
    """What resolving some counties' figures reads: their names, and the current sets of every year of their
    chains."""

    county_names: dict[str, str]
    current_sets: list[PolicyParameterSet]


def _parameter_sets_read(*, region_codes: list[str]) -> _ParameterSetsRead:
    return _ParameterSetsRead(
        county_names=dict(
            Division.objects.filter(code__in=region_codes, level=DivisionLevel.COUNTY).values_list("code", "name")
        ),
        current_sets=_current_sets_of({code for region_code in region_codes for code in _region_chain(region_code)}),
    )


def _policy_read(
    *,
    region_code: str,
    insurance_year: int,
    replacements: list[PolicyParameterSet] | None = None,
    sets: _ParameterSetsRead | None = None,
) -> PolicyFigures:
    if sets is None:
        sets = _parameter_sets_read(region_codes=[region_code])
    region_name = sets.county_names.get(region_code)
    if region_name is None:
        raise PolicyNotFound(f"{region_code} 不是已知的县级区划代码。")
    chain = _region_chain(region_code)
    chain_sets = [each for each in sets.current_sets if each.region_id in chain]
    candidates = [each for each in chain_sets if each.insurance_year <= insurance_year]
    later_sets = [each for each in chain_sets if each.insurance_year > insurance_year]
    if replacements:
        standing_in = [
            each for each in replacements if each.region_id in chain and each.insurance_year <= insurance_year
        ]
        replaced = {(each.region_id, each.insurance_year) for each in standing_in}
        candidates = [
            each for each in candidates if (each.region_id, each.insurance_year) not in replaced
        ] + standing_in
    if not candidates:
        raise PolicyNotFound(f"{region_code} 没有{insurance_year}年度及以前的政策参数。")
    source_year = max(parameter_set.insurance_year for parameter_set in candidates)
    merged = _fields_merged(candidates=candidates, later_sets=later_sets)
    missing = [field for field in ALL_FIELDS if field not in merged]
    if missing:
        raise PolicyNotFound(f"{region_code} {source_year}年度政策参数不完整：{'、'.join(missing)}。")
    value = _values_of(merged, insurance_year=insurance_year)
    sets_used = sorted(
        {id(parameter_set): parameter_set for _, parameter_set in merged.values()}.values(),
        key=lambda each: (-len(each.region_id), -each.insurance_year),
    )

    def source_of(field: str) -> SourcedFigure:
        return SourcedFigure(merged[field][1].source_document)

    calendar = CalendarParameters(
        insurance_year=insurance_year,
        **{field: value[field] for field in CALENDAR_FIELDS},
        **{field: value[field] for field in WAITING_FIELDS},
        collection_source=source_of("collection_opens"),
        waiting_source=SourcedFigure(value["waiting_source"]),
    )
    cap = CapParameters(
        base=value["cap_base"],
        step=value["cap_step"],
        continuity_free_years=value["cap_continuity_free_years"],
        bonus_limit=value["cap_bonus_limit"],
        penalty_limit=value["cap_penalty_limit"],
        incentive_start_year=value["incentive_start_year"],
        break_counting_start_year=value["break_counting_start_year"],
        source=SourcedFigure(value["cap_source"]),
    )
    special_groups = SpecialGroupParameters(
        window_months=value["special_group_window_months"],
        benefit_offset_days=value["special_group_benefit_offset_days"],
        source=SourcedFigure(value["special_group_source"]),
        student_source=SourcedFigure(value["student_source"]),
        employee_min_continuous_years=value["special_group_employee_min_years"],
    )
    return PolicyFigures(
        region_code=region_code,
        region_name=region_name,
        insurance_year=insurance_year,
        projected=source_year < insurance_year,
        calendar_assumed=merged["collection_opens"][1].calendar_assumed,
        contribution_standard=value["contribution_standard"],
        calendar=calendar,
        cap=cap,
        special_groups=special_groups,
        standard_source=source_of("contribution_standard"),
        accident_topup_options=tuple(Decimal(option) for option in value.get("accident_topup_options") or ()),
        refund_reasons=frozenset(value.get("refund_reasons") or ()),
        refund_source=SourcedFigure(str(value.get("refund_source") or "")),
        resident_years_per_employee_year=value["resident_years_per_employee_year"],
        newborns=NewbornParameters(
            registration_days=value.get("newborn_registration_days") or 0,
            source=SourcedFigure(str(value.get("newborn_source") or "")),
            programme_from=value.get("newborn_programme_from"),
            programme_source=SourcedFigure(str(value.get("newborn_programme_source") or "")),
            birth_year_free_from=value.get("newborn_birth_year_free_from"),
            birth_year_free_source=SourcedFigure(str(value.get("newborn_birth_year_free_source") or "")),
            pre_enrollment_enabled=bool(value.get("pre_enrollment_enabled")),
            pre_enrollment_weeks_before_delivery=value.get("pre_enrollment_weeks_before_delivery") or 0,
            pre_enrollment_link_months=value.get("pre_enrollment_link_months") or 0,
            pre_enrollment_birth_weeks_before=value.get("pre_enrollment_birth_weeks_before") or 0,
            pre_enrollment_birth_weeks_after=value.get("pre_enrollment_birth_weeks_after") or 0,
            pre_enrollment_source=SourcedFigure(str(value.get("pre_enrollment_source") or "")),
        ),
        refund_anytime_reasons=frozenset(value.get("refund_anytime_reasons") or ()),
        hardship_tiers=hardship_tiers_from_rows(
            value.get("hardship_tiers") or [],
            source=str(value.get("hardship_source") or ""),
        ),
        policy_versions=tuple(parameter_set.version_label for parameter_set in sets_used),
    )


def insurance_year_collecting(*, region_code: str, today: datetime.date) -> int:
    """The insurance year a payment taken today is for by default: next year once the region's collection period
    for it has opened (R2.1, from the policy data), this year before that or when the region has no policy."""
    try:
        next_year = policy_resolve(region_code=region_code, insurance_year=today.year + 1)
    except PolicyNotFound:
        return today.year
    return today.year + 1 if next_year.calendar.collection_opens <= today else today.year


def policy_resolve_covered(*, region_code: str, insurance_year: int, today: datetime.date) -> PolicyFigures:
    """The figures for a new record of an insurance year the policy data covers; PolicyNotFound or
    RecordDateRefused (on `insurance_year`) for a year it does not.

    A year is covered from the first year that has a parameter set for the region (the county, its city or the
    province) up to the year after today's. Before that first year nothing can be inherited, because a year without
    parameters inherits only from an earlier year (RULES.md, introduction): policy_resolve refuses it. After it, every
    year would inherit the latest set with its dates shifted, without end, so inheritance alone bounds nothing; but
    nothing can be paid for a year whose collection period has not opened (R2.1), and the earliest that happens is
    in the autumn before the year, so the year after today's is the last one a record can be for. Whether its
    period has opened by the payment date is then the collection rules' question (R2.3).
    """
    insurance_year_open_check(insurance_year=insurance_year, today=today)
    return policy_resolve(region_code=region_code, insurance_year=insurance_year)
