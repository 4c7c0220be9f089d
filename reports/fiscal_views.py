"""The fiscal pages of the newborn programme (R11): the prepay, settlement and transfer tables of a city with their
Excel files, the store button, recording transfers, and the tiers with their what-if.

Scope: a city or county outside the user's scope answers 404; a missing permission 403.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import ADD_FISCAL_TRANSFER, CHANGE_FISCAL_TIER, VIEW_FISCAL
from accounts.scope import user_can_see_division
from core.excel import report_xlsx_response
from divisions.codes import city_code_of
from divisions.models import Division

from .fiscal_exports import fiscal_prepay_report, fiscal_settlement_report, fiscal_transfer_report
from .fiscal_forms import CountyTierAssignForm, FiscalPageForm, FiscalTierForm, FiscalTransferForm, WhatIfForm
from .selectors import (
    FiscalDataMissing,
    FiscalOutOfScope,
    county_fiscal_tier_list,
    fiscal_cities,
    fiscal_city_get,
    fiscal_counties,
    fiscal_county_get,
    fiscal_default_city_code,
    fiscal_prepay_table,
    fiscal_settlement_table,
    fiscal_tier_get,
    fiscal_tier_list,
    fiscal_transfer_list,
    fiscal_transfer_table,
    fiscal_what_if,
)
from .services import county_fiscal_tier_assign, fiscal_settlement_store, fiscal_tier_update, fiscal_transfer_record

OUT_OF_SCOPE = "没有找到该区划，或不在您的管辖范围内。"


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _page_url(*, year: int, city_code: str) -> str:
    return f"{reverse('fiscal_settlement')}?{urlencode({'year': year, 'city': city_code})}"


# --- the settlement page and its three Excel files ----------------------------------------------------------------


@dataclass
class FiscalQuery:
    form: FiscalPageForm
    city: Division | None

    @property
    def year(self) -> int:
        return int(self.form.cleaned_data["year"])


def _query(request: HttpRequest) -> FiscalQuery:
    user: User = request.user  # type: ignore[assignment]
    form = FiscalPageForm(request.GET, today=timezone.localdate(), default_city=fiscal_default_city_code(user=user))
    if not form.is_valid() or not form.cleaned_data["city"]:
        return FiscalQuery(form=form, city=None)
    try:
        city = fiscal_city_get(user=user, city_code=form.cleaned_data["city"])
    except FiscalOutOfScope:
        raise Http404(OUT_OF_SCOPE) from None
    return FiscalQuery(form=form, city=city)


def _page_context(request: HttpRequest, query: FiscalQuery) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {"form": query.form, "cities": fiscal_cities(user=user), "city": query.city}
    if query.city is None:
        return context
    context["can_store"] = user.has_perm(CHANGE_FISCAL_TIER) and user_can_see_division(
        user=user, division_code=query.city.code
    )
    context["can_record"] = user.has_perm(ADD_FISCAL_TRANSFER)
    try:
        settlement = fiscal_settlement_table(user=user, year=query.year, city=query.city)
        context["settlement"] = settlement
        context["prepay"] = fiscal_prepay_table(settlement=settlement)
        context["transfers"] = fiscal_transfer_table(
            user=user, year=query.year, city=query.city, today=query.form.cleaned_data["as_of"]
        )
    except FiscalDataMissing as error:
        context["data_error"] = str(error)
    return context


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
def fiscal_settlement_page(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    status = 200 if query.form.is_valid() else 400
    return render(request, "reports/fiscal_settlement.html", _page_context(request, query), status=status)


def _export(request: HttpRequest, table: str) -> HttpResponse:
    query = _query(request)
    context = _page_context(request, query)
    if query.city is None and query.form.is_valid():
        query.form.add_error("city", "请选择设区市。")
    if query.city is None or "data_error" in context:
        return render(request, "reports/fiscal_settlement.html", context, status=400)
    as_of = query.form.cleaned_data["as_of"]
    if table == "prepay":
        return report_xlsx_response(fiscal_prepay_report(table=context["prepay"], as_of=as_of))
    if table == "settlement":
        return report_xlsx_response(fiscal_settlement_report(table=context["settlement"], as_of=as_of))
    return report_xlsx_response(fiscal_transfer_report(table=context["transfers"]))


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
def fiscal_prepay_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "prepay")


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
def fiscal_settlement_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "settlement")


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
def fiscal_transfer_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "transfers")


@login_required
@permission_required([VIEW_FISCAL, CHANGE_FISCAL_TIER], raise_exception=True)
@require_POST
def fiscal_settlement_store_view(request: HttpRequest) -> HttpResponse:
    """R11.2: the button computes the city's settlement now and stores it (the yearly job does the same)."""
    user: User = request.user  # type: ignore[assignment]
    form = FiscalPageForm(request.POST, today=timezone.localdate(), default_city=fiscal_default_city_code(user=user))
    if not form.is_valid() or not form.cleaned_data["city"]:
        messages.error(request, "请选择年度和设区市后再计算。")
        return redirect("fiscal_settlement")
    try:
        city = fiscal_city_get(user=user, city_code=form.cleaned_data["city"])
    except FiscalOutOfScope:
        raise Http404(OUT_OF_SCOPE) from None
    year = int(form.cleaned_data["year"])
    try:
        stored = fiscal_settlement_store(actor=user, year=year, city_code=city.code)
    except (ValidationError, FiscalDataMissing) as error:
        messages.error(request, "；".join(error.messages) if isinstance(error, ValidationError) else str(error))
    else:
        computed_at = timezone.localtime(stored[0].computed_at) if stored else timezone.localtime()
        messages.success(
            request,
            f"已计算并保存{city.name}{year}年度结算（{len(stored)}行），计算时间{computed_at:%Y-%m-%d %H:%M}。",
        )
    return redirect(_page_url(year=year, city_code=city.code))


# --- R11.3: recording transfers -----------------------------------------------------------------------------------


@login_required
@permission_required(ADD_FISCAL_TRANSFER, raise_exception=True)
def fiscal_transfer_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    counties = fiscal_counties(user=user)
    source = request.POST if request.method == "POST" else request.GET
    year = int(source["year"]) if source.get("year", "").isdigit() else today.year
    county: Division | None = None
    if source.get("county"):
        try:
            county = fiscal_county_get(user=user, county_code=source["county"])
        except FiscalOutOfScope:
            if request.method != "POST":
                raise Http404(OUT_OF_SCOPE) from None
    if request.method == "POST":
        form = FiscalTransferForm(request.POST, counties=counties, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                transfer = fiscal_transfer_record(
                    actor=user,
                    county=data["county"],
                    year=data["year"],
                    level=data["level"],
                    date=data["date"],
                    amount=data["amount"],
                    voucher_no=data["voucher_no"],
                    note=data["note"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"已录入{transfer.county.name}{transfer.get_level_display()}拨付{transfer.amount}元"
                    f"（凭证号{transfer.voucher_no}）。",
                )
                query = urlencode({"year": transfer.year, "county": transfer.county_id})
                return redirect(f"{reverse('fiscal_transfer_new')}?{query}")
    else:
        form = FiscalTransferForm(initial={"year": year, "county": county}, counties=counties, today=today)
    context: dict[str, Any] = {"form": form, "year": year, "county": county}
    if county is not None:
        context["transfer_list"] = fiscal_transfer_list(user=user, year=year, county_code=county.code)
        try:
            table = fiscal_transfer_table(
                user=user, year=year, city=fiscal_city_get(user=user, city_code=city_code_of(county.code)), today=today
            )
            context["status_rows"] = [row for row in table.rows if row.county_code == county.code]
        except (FiscalDataMissing, FiscalOutOfScope):
            context["status_rows"] = []
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "reports/fiscal_transfer_form.html", context, status=status)


# --- R11.1: tiers, county assignments, what-if ----------------------------------------------------------------------


def _tiers_context(request: HttpRequest, assign_form: CountyTierAssignForm | None = None) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    default_city = fiscal_cities(user=user).filter(code=fiscal_default_city_code(user=user) or "").first()
    tiers = fiscal_tier_list(user=user)
    governed = tiers.filter(editable=True)
    return {
        "tiers": tiers,
        "assignments": county_fiscal_tier_list(user=user),
        "assign_form": assign_form or CountyTierAssignForm(counties=fiscal_counties(user=user), tiers=governed),
        "can_assign": governed.exists(),
        "what_if_form": WhatIfForm(initial={"city": default_city}, cities=fiscal_cities(user=user), today=today),
    }


@login_required
@permission_required(CHANGE_FISCAL_TIER, raise_exception=True)
def fiscal_tier_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/fiscal_tiers.html", _tiers_context(request))


@login_required
@permission_required(CHANGE_FISCAL_TIER, raise_exception=True)
def fiscal_tier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
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
                _add_errors(form, error)
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
    history = tier.history.select_related("history_user").order_by("-history_date")  # type: ignore[attr-defined]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "reports/fiscal_tier_form.html", {"tier": tier, "form": form, "history": history}, status=status
    )


@login_required
@permission_required(CHANGE_FISCAL_TIER, raise_exception=True)
@require_POST
def fiscal_county_tier_assign(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    governed = fiscal_tier_list(user=user).filter(editable=True)
    form = CountyTierAssignForm(request.POST, counties=fiscal_counties(user=user), tiers=governed)
    if form.is_valid():
        try:
            assignment = county_fiscal_tier_assign(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"已将{assignment.county.name}自{assignment.valid_from:%Y-%m-%d}起归入“{assignment.tier.name}”。",
            )
            return redirect("fiscal_tiers")
    return render(request, "reports/fiscal_tiers.html", _tiers_context(request, assign_form=form), status=400)


@login_required
@permission_required([VIEW_FISCAL, CHANGE_FISCAL_TIER], raise_exception=True)
def fiscal_what_if_page(request: HttpRequest) -> HttpResponse:
    """R11.2: the city's settlement with other shares for one tier, beside the current one; nothing is saved."""
    user: User = request.user  # type: ignore[assignment]
    cities = fiscal_cities(user=user)
    if request.GET.get("city") and not cities.filter(code=request.GET["city"]).exists():
        raise Http404(OUT_OF_SCOPE)
    form = WhatIfForm(request.GET, cities=cities, today=timezone.localdate())
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
        return render(request, "reports/fiscal_what_if_result.html", context)
    return render(request, "reports/fiscal_what_if.html", context, status=status)
