"""R11.1: the tiers, a county's tier, and the what-if of a tier's shares."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE_FISCAL_TIER, VIEW_FISCAL
from accounts.requests import AuthenticatedHttpRequest
from core.lists import list_page

from ..forms import CountyTierAssignForm, FiscalTierForm, WhatIfForm
from ..selectors.settlement import (
    FiscalDataMissing,
    FiscalOutOfScope,
    fiscal_cities,
    fiscal_default_city_code,
)
from ..selectors.tiers import county_fiscal_tier_list, fiscal_tier_get, fiscal_tier_list, fiscal_what_if
from ..selectors.transfers import fiscal_counties
from ..services import county_fiscal_tier_assign, fiscal_tier_update
from .settlement import OUT_OF_SCOPE, form_errors_add

# --- R11.1: tiers, county assignments, what-if ----------------------------------------------------------------------

ASSIGNMENTS_PER_PAGE = 50


def _tiers_context(
    request: AuthenticatedHttpRequest, assign_form: CountyTierAssignForm | None = None
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    default_city = fiscal_cities(user=user).filter(code=fiscal_default_city_code(user=user) or "").first()
    tiers = fiscal_tier_list(user=user)
    governed = tiers.filter(editable=True)  # type: ignore[misc]  # editable is annotated by fiscal_tier_list
    assignments = list_page(
        request,
        county_fiscal_tier_list(user=user),
        per_page=ASSIGNMENTS_PER_PAGE,
        search_fields=("county__name", "county__parent__name", "tier__name"),
        sort_fields={"county": "区县", "tier__name": "财政分档", "valid_from": "生效日期"},
    )
    return {
        "tiers": tiers,
        "assignments": assignments.page,
        "assignment_list": assignments,
        "page": assignments.page,
        "page_query": assignments.link_query,
        "assign_form": assign_form or CountyTierAssignForm(counties=fiscal_counties(user=user), tiers=governed),
        "can_assign": governed.exists(),
        "what_if_form": WhatIfForm(initial={"city": default_city}, cities=fiscal_cities(user=user), today=today),
    }


@login_required
@permission_required(CHANGE_FISCAL_TIER, raise_exception=True)
def fiscal_tier_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "reports/tiers.html", _tiers_context(request))


@login_required
@permission_required(CHANGE_FISCAL_TIER, raise_exception=True)
def fiscal_tier_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        tier = fiscal_tier_get(user=user, pk=pk)
    except FiscalOutOfScope:
        raise Http404("没有找到该财政分档，或该分档不由您管理。") from None
    if request.method == "POST":
        form = FiscalTierForm(request.POST)
        if form.is_valid():
            try:
                fiscal_tier_update(actor=user, tier=tier, **form.cleaned_data)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, f"已保存“{tier.name}”的负担比例，原比例保留在变更记录中。")
                return redirect("fiscal_tiers")
    else:
        form = FiscalTierForm(
            initial={
                "province_share": tier.province_share,
                "city_share": tier.city_share,
                "county_share": tier.county_share,
                "source_document": tier.source_document,
                "provisional": tier.provisional,
            }
        )
    history = tier.history.select_related("history_user").order_by("-history_date")
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "reports/tier_form.html", {"tier": tier, "form": form, "history": history}, status=status)


@login_required
@permission_required(CHANGE_FISCAL_TIER, raise_exception=True)
@require_POST
def fiscal_county_tier_assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    governed = fiscal_tier_list(user=user).filter(editable=True)  # type: ignore[misc]  # editable is annotated by fiscal_tier_list
    form = CountyTierAssignForm(request.POST, counties=fiscal_counties(user=user), tiers=governed)
    if form.is_valid():
        try:
            assignment = county_fiscal_tier_assign(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                f"已将{assignment.county.name}自{assignment.valid_from:%Y-%m-%d}起归入“{assignment.tier.name}”。",
            )
            return redirect("fiscal_tiers")
    return render(request, "reports/tiers.html", _tiers_context(request, assign_form=form), status=400)


@login_required
@permission_required([VIEW_FISCAL, CHANGE_FISCAL_TIER], raise_exception=True)
def fiscal_what_if_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """R11.2: the city's settlement with other shares for one tier, beside the current one; nothing is saved."""
    user = request.user
    cities = fiscal_cities(user=user)
    if request.GET.get("city") and not cities.filter(code=request.GET["city"]).exists():
        raise Http404(OUT_OF_SCOPE)
    today = timezone.localdate()
    if not request.GET:  # opened, not yet submitted: the form to fill in, no errors
        default_city = cities.filter(code=fiscal_default_city_code(user=user) or "").first()
        form = WhatIfForm(initial={"city": default_city}, cities=cities, today=today)
        return render(request, "reports/what_if.html", {"what_if_form": form})
    form = WhatIfForm(request.GET, cities=cities, today=today)
    context: dict[str, Any] = {"what_if_form": form}
    status = 200
    if form.is_valid():
        try:
            context["what_if"] = fiscal_what_if(
                user=user,
                year=form.cleaned_data["year"],
                city=form.cleaned_data["city"],
                tier=form.cleaned_data["tier"],
                shares=form.shares,
            )
        except FiscalDataMissing as error:
            form.add_error(None, str(error))
            status = 400
    else:
        status = 400
    if request.headers.get("HX-Request"):  # htmx swaps only successful answers: the errors show in the panel
        return render(request, "reports/what_if_result.html", context)
    return render(request, "reports/what_if.html", context, status=status)
