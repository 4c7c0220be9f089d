"""The pages of a draft: the list, a new draft, the draft with its differences, problems, simulations, approval,
withdrawal and history, and the figures of one of its regions.

A draft outside the user's scope answers 404 like one that does not exist; a user without the permission 403.
"""

import datetime
import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import APPROVE_POLICY_DRAFT, PREPARE_POLICY_DRAFT, VIEW_POLICY_DRAFT
from accounts.requests import AuthenticatedHttpRequest
from core.formatting import date_table_text, yuan_text
from core.lists import list_page
from divisions.models import Division
from enrollment.policy import PolicyNotFound, policy_resolve
from enrollment.services import policy_parameter_set_with

from ..forms import (
    ApprovalForm,
    DraftCreateForm,
    DraftFilterForm,
    RegionFiguresForm,
    RegionPickForm,
    SimulationForm,
    WithdrawForm,
    draft_regions,
)
from ..models import DraftStatus, PolicyDraft
from ..selectors import impact_simulation_progress, policy_draft_get, policy_draft_list
from ..services import (
    DRAFT_FIELDS,
    FigureDifference,
    impact_simulation_request,
    policy_draft_approve,
    policy_draft_changes,
    policy_draft_create,
    policy_draft_differences,
    policy_draft_problems,
    policy_draft_region_update,
    policy_draft_withdraw,
)
from ..services.drafts import draft_changes_of

DRAFTS_PER_PAGE = 30
NOT_FOUND = "没有找到该政策调整草案，或不在您的管辖范围内。"


def figure_text(value: object) -> str:
    """A figure of a parameter set as the differences table writes it: money to the fen, a date as 2026-10-17, a list
    as the JSON the region's form holds; a figure no parameter set gives says so."""
    if value is None or value == "":
        return "（未规定）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return yuan_text(value)
    if isinstance(value, datetime.date):
        return date_table_text(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def difference_rows(differences: list[FigureDifference]) -> list[tuple[str, str, str, str]]:
    """The differences table: region, figure, 现行, 草案."""
    return [
        (difference.region_name, difference.label, figure_text(difference.current), figure_text(difference.draft))
        for difference in differences
    ]


def form_errors_add(form: Form, error: ValidationError) -> None:
    """A service's refusal on the form: each message at its field, the others above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def draft_or_404(request: AuthenticatedHttpRequest, pk: int) -> PolicyDraft:
    draft = policy_draft_get(user=request.user, pk=pk)
    if draft is None:
        raise Http404(NOT_FOUND)
    return draft


@login_required
@permission_required(VIEW_POLICY_DRAFT, raise_exception=True)
def policy_draft_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DraftFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    drafts = policy_draft_list(user=request.user)
    if status:
        drafts = drafts.filter(status=status)
    listing = list_page(request, drafts, per_page=DRAFTS_PER_PAGE, search_fields=("title",))
    context = {
        "form": form,
        "page": listing.page,
        "page_query": listing.link_query,
        "search": listing.search,
        "statuses": DraftStatus.choices,
    }
    return render(request, "policy_changes/draft_list.html", context)


@login_required
@permission_required(PREPARE_POLICY_DRAFT, raise_exception=True)
def policy_draft_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DraftCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            draft = policy_draft_create(
                actor=request.user,
                region_code=form.cleaned_data["region"].code,
                insurance_year=form.cleaned_data["insurance_year"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"已创建草案“{draft.title}”。")
            return redirect("policy_draft_detail", pk=draft.pk)
    return render(request, "policy_changes/draft_new.html", {"form": form})


def payment_date_default(*, draft: PolicyDraft, today: datetime.date) -> datetime.date:
    """The day the simulation supposes people pay on, unless the user says otherwise: the year's current collection
    opening when the figures have one for that year (on or after 1 January of the year before), else today."""
    try:
        figures = policy_resolve(region_code=draft.region_id, insurance_year=draft.insurance_year)
    except PolicyNotFound:
        return today
    opens = figures.calendar.collection_opens
    return opens if opens >= datetime.date(draft.insurance_year - 1, 1, 1) else today


def _detail_context(request: AuthenticatedHttpRequest, draft: PolicyDraft, **forms: Form) -> dict[str, Any]:
    today = timezone.localdate()
    changes = policy_draft_changes(draft)
    simulations = [
        (simulation, impact_simulation_progress(simulation))
        for simulation in draft.simulations.select_related("division", "requested_by")
    ]
    context: dict[str, Any] = {
        "draft": draft,
        "is_draft": draft.status == DraftStatus.DRAFT,
        "regions": draft.regions.select_related("region").order_by("region_id"),
        "differences": difference_rows(
            policy_draft_differences(changes_by_region=changes, insurance_year=draft.insurance_year)
        ),
        "problems": policy_draft_problems(draft) if draft.status == DraftStatus.DRAFT else [],
        "simulations": simulations,
        "history": draft.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "region_form": RegionPickForm(draft=draft, user=request.user),
        "simulation_form": SimulationForm(
            draft=draft,
            user=request.user,
            initial={"as_of": today, "payment_date": payment_date_default(draft=draft, today=today)},
        ),
        "approval_form": ApprovalForm(draft=draft),
        "withdraw_form": WithdrawForm(),
    }
    context.update({f"{name}_form": form for name, form in forms.items()})
    # a refusal of a form the page no longer offers (the draft is no longer a draft) is shown above the page
    context["refusals"] = [error for form in forms.values() for error in form.non_field_errors()]
    return context


@login_required
@permission_required(VIEW_POLICY_DRAFT, raise_exception=True)
def policy_draft_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    if "region" in request.GET:  # the form adding a region below the draft's: its figures' page
        pick = RegionPickForm(request.GET, draft=draft, user=request.user)
        if pick.is_valid():
            return redirect("policy_draft_region", pk=draft.pk, code=pick.cleaned_data["region"].code)
        return render(
            request, "policy_changes/draft_detail.html", _detail_context(request, draft, region=pick), status=400
        )
    return render(request, "policy_changes/draft_detail.html", _detail_context(request, draft))


@login_required
@permission_required(PREPARE_POLICY_DRAFT, raise_exception=True)
@require_POST
def policy_draft_simulate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    form = SimulationForm(request.POST, draft=draft, user=request.user)
    if form.is_valid():
        try:
            simulation = impact_simulation_request(
                actor=request.user,
                draft=draft,
                division_code=form.cleaned_data["division"].code,
                as_of=form.cleaned_data["as_of"],
                payment_date=form.cleaned_data["payment_date"],
                elasticity=form.cleaned_data["elasticity"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"已发起测算（第{simulation.pk}号）。")
            return redirect("impact_simulation_detail", pk=simulation.pk)
    context = _detail_context(request, draft, simulation=form)
    return render(request, "policy_changes/draft_detail.html", context, status=400)


@login_required
@permission_required(APPROVE_POLICY_DRAFT, raise_exception=True)
@require_POST
def policy_draft_approve_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    form = ApprovalForm(request.POST, draft=draft)
    if form.is_valid():
        try:
            policy_draft_approve(
                actor=request.user,
                draft=draft,
                document_number=form.cleaned_data["document_number"],
                simulation=form.cleaned_data["simulation"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            document_number = form.cleaned_data["document_number"].strip()
            messages.success(request, f"草案已批准（{document_number}），新的政策参数已发布。")
            return redirect("policy_draft_detail", pk=draft.pk)
    draft = draft_or_404(request, pk)
    context = _detail_context(request, draft, approval=form)
    return render(request, "policy_changes/draft_detail.html", context, status=400)


@login_required
@permission_required(PREPARE_POLICY_DRAFT, raise_exception=True)
@require_POST
def policy_draft_withdraw_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            policy_draft_withdraw(actor=request.user, draft=draft, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "草案已撤回。")
            return redirect("policy_draft_detail", pk=draft.pk)
    draft = draft_or_404(request, pk)
    context = _detail_context(request, draft, withdraw=form)
    return render(request, "policy_changes/draft_detail.html", context, status=400)


def _region_or_404(request: AuthenticatedHttpRequest, draft: PolicyDraft, code: str) -> Division:
    region = draft_regions(user=request.user, within=draft.region_id).filter(code=code).first()
    if region is None:
        raise Http404(f"{code} 不是草案地区{draft.region.name}内、您管辖范围内的省、市或县。")
    return region


@login_required
@permission_required(PREPARE_POLICY_DRAFT, raise_exception=True)
def policy_draft_region(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    draft = draft_or_404(request, pk)
    region = _region_or_404(request, draft, code)
    status = 200
    if request.method == "POST":
        form = RegionFiguresForm(request.POST)
        if form.is_valid():
            try:
                policy_draft_region_update(
                    actor=request.user, draft=draft, region_code=region.code, figures=form.cleaned_data
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, f"已保存{region.name}的参数。")
                return redirect("policy_draft_detail", pk=draft.pk)
        status = 400
    else:
        stored = draft.regions.filter(region=region).values_list("changes", flat=True).first() or {}
        drafted = policy_parameter_set_with(
            region=region, insurance_year=draft.insurance_year, figures=draft_changes_of(stored)
        )
        form = RegionFiguresForm(initial={name: getattr(drafted, name) for name in DRAFT_FIELDS})
    context = {"draft": draft, "region": region, "form": form, "is_draft": draft.status == DraftStatus.DRAFT}
    return render(request, "policy_changes/region_edit.html", context, status=status)
