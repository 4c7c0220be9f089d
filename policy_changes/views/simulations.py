"""The page of a simulation: its progress while its county runs work, then what the draft changes in the division
and each division below it, the R11 figures, the distributions of the changes, the people most affected, and the
Excel files of the totals and of the people.

A simulation or division outside the user's scope answers 404 like one that does not exist."""

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.permissions import VIEW_POLICY_DRAFT
from accounts.requests import AuthenticatedHttpRequest
from core.excel import report_xlsx_response
from core.lists import list_page
from core.replica import reads_from_replica
from core.reports import Report, RowLink, report_page_table
from divisions.codes import ancestor_codes, code_is_within, code_length
from divisions.models import Division, DivisionLevel

from ..exports import category_label, impact_people_report, impact_totals_report
from ..models import ImpactSimulation
from ..selectors import (
    DivisionImpact,
    impact_distributions,
    impact_division_totals,
    impact_fiscal,
    impact_people,
    impact_simulation_get,
    impact_simulation_progress,
)
from ..services import policy_draft_differences
from .drafts import difference_rows

PEOPLE_PER_PAGE = 50
NOT_FOUND = "没有找到该测算，或不在您的管辖范围内。"
DISTRIBUTIONS = (
    ("due", "个人缴费变化（元）"),
    ("waiting", "等待期变化（月）"),
    ("cap", "大病保险限额变化（元）"),
)


def _simulation_or_404(request: AuthenticatedHttpRequest, pk: int) -> ImpactSimulation:
    simulation = impact_simulation_get(user=request.user, pk=pk)
    if simulation is None:
        raise Http404(NOT_FOUND)
    return simulation


def _division_totals(
    request: AuthenticatedHttpRequest, simulation: ImpactSimulation
) -> tuple[str, DivisionImpact, list[DivisionImpact]]:
    code = request.GET.get("division", "").strip() or simulation.division_id
    try:
        whole, children = impact_division_totals(user=request.user, simulation=simulation, division_code=code)
    except LookupError:
        raise Http404("该区划不在这次测算或您的管辖范围内。") from None
    return code, whole, children


def _division_url(simulation: ImpactSimulation, code: str) -> str:
    return f"{reverse('impact_simulation_detail', args=[simulation.pk])}?{urlencode({'division': code})}"


def _change_order(key: str) -> tuple[int, Decimal]:
    """The histogram's buckets from the largest fall to the largest rise; 不能缴费 last."""
    try:
        return 0, Decimal(key)
    except InvalidOperation:
        return 1, Decimal(0)


def _charts(request: AuthenticatedHttpRequest, simulation: ImpactSimulation, code: str) -> list[dict[str, Any]]:
    distributions = impact_distributions(user=request.user, simulation=simulation, division_code=code)
    charts = []
    for kind, title in DISTRIBUTIONS:
        buckets = sorted(distributions[kind].items(), key=lambda item: _change_order(item[0]))
        charts.append(
            {
                "id": f"chart-{kind}",
                "title": title,
                "changes": [change for change, _ in buckets],
                "people": [people for _, people in buckets],
            }
        )
    return charts


def _unit(request: AuthenticatedHttpRequest) -> str:
    return request.user.division.name if request.user.division else "全省"


def _totals_report(
    request: AuthenticatedHttpRequest,
    simulation: ImpactSimulation,
    whole: DivisionImpact,
    children: list[DivisionImpact],
    links: list[RowLink | None] | None,
) -> Report:
    return impact_totals_report(
        whole=whole,
        children=children,
        links=links,
        title=f"{simulation.draft.title}影响测算（{whole.name}）",
        unit=_unit(request),
        as_of=simulation.as_of,
    )


@login_required
@permission_required(VIEW_POLICY_DRAFT, raise_exception=True)
@reads_from_replica
def impact_simulation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    simulation = _simulation_or_404(request, pk)
    code, whole, children = _division_totals(request, simulation)
    progress = impact_simulation_progress(simulation)
    context: dict[str, Any] = {
        "simulation": simulation,
        "draft": simulation.draft,
        "progress": progress,
        "poll_url": request.get_full_path(),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "policy_changes/simulation_progress.html", context)
        if progress.finished:
            response["HX-Refresh"] = "true"  # the results replace the progress: the whole page again
        return response
    if progress.finished:
        links = [
            RowLink("下级", _division_url(simulation, child.code))
            if len(child.code) < code_length(DivisionLevel.VILLAGE)
            else None
            for child in children
        ]
        people = impact_people(user=request.user, simulation=simulation, division_code=code)
        listing = list_page(request, people, per_page=PEOPLE_PER_PAGE)
        fiscal, fiscal_notes = impact_fiscal(user=request.user, simulation=simulation, division_code=code)
        context |= {
            "division_code": code,
            "whole": whole,
            "ancestors": _ancestors(simulation, code),
            "differences": difference_rows(
                policy_draft_differences(
                    changes_by_region=simulation.draft_changes, insurance_year=simulation.draft.insurance_year
                )
            ),
            "totals": report_page_table(_totals_report(request, simulation, whole, children, links)),
            "fiscal": fiscal,
            "fiscal_notes": fiscal_notes,
            "charts": _charts(request, simulation, code),
            "people_page": listing.page,
            "people_rows": [
                (person, category_label(person.category_before), category_label(person.category_after))
                for person in listing.page
            ],
            "page_query": listing.link_query,
            "export_query": urlencode({"division": code}),
        }
    return render(request, "policy_changes/simulation.html", context)


def _ancestors(simulation: ImpactSimulation, code: str) -> list[tuple[str, str]]:
    """The links back up from the division shown to the simulation's own division: (name, url)."""
    codes = [each for each in ancestor_codes(code) if code_is_within(each, simulation.division_id)]
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    return [(names.get(each, each), _division_url(simulation, each)) for each in codes]


@login_required
@permission_required(VIEW_POLICY_DRAFT, raise_exception=True)
@reads_from_replica
def impact_simulation_totals_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    simulation = _simulation_or_404(request, pk)
    _code, whole, children = _division_totals(request, simulation)
    return report_xlsx_response(_totals_report(request, simulation, whole, children, None))


@login_required
@permission_required(VIEW_POLICY_DRAFT, raise_exception=True)
@reads_from_replica
def impact_simulation_people_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    simulation = _simulation_or_404(request, pk)
    code, whole, _children = _division_totals(request, simulation)
    people = impact_people(user=request.user, simulation=simulation, division_code=code)
    report = impact_people_report(
        people=people,
        title=f"{simulation.draft.title}受影响较大的居民（{whole.name}）",
        unit=_unit(request),
        as_of=simulation.as_of,
    )
    return report_xlsx_response(report)
