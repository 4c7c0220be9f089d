"""The settlement page of the newborn programme (R11): the prepay, settlement and transfer tables of a city with their
Excel files, and the button storing a city's settlement.

Scope: a city or county outside the user's scope answers 404; a missing permission 403.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import ADD_FISCAL_TRANSFER, CHANGE_FISCAL_TIER, VIEW_FISCAL
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import user_can_see_division
from core.excel import report_xlsx_response
from core.replica import reads_from_replica
from core.reports import Report, report_page_table
from divisions.models import Division

from ..exports import fiscal_prepay_report, fiscal_settlement_report, fiscal_transfer_report
from ..forms import FiscalPageForm
from ..selectors.prepay import fiscal_prepay_table
from ..selectors.settlement import (
    FiscalDataMissing,
    FiscalOutOfScope,
    fiscal_cities,
    fiscal_city_get,
    fiscal_default_city_code,
    fiscal_settlement_table,
)
from ..selectors.transfers import fiscal_transfer_table
from ..services import fiscal_settlement_store

OUT_OF_SCOPE = "没有找到该区划，或不在您的管辖范围内。"


def form_errors_add(form: Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field where it names one of the form's fields."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def settlement_page_url(*, year: int, city_code: str) -> str:
    return f"{reverse('fiscal_settlement')}?{urlencode({'year': year, 'city': city_code})}"


# --- the settlement page and its three Excel files ----------------------------------------------------------------


@dataclass
class FiscalQuery:
    form: FiscalPageForm
    city: Division | None

    @property
    def year(self) -> int:
        return int(self.form.cleaned_data["year"])


def _query(request: AuthenticatedHttpRequest) -> FiscalQuery:
    user = request.user
    form = FiscalPageForm(request.GET, today=timezone.localdate(), default_city=fiscal_default_city_code(user=user))
    if not form.is_valid() or not form.cleaned_data["city"]:
        return FiscalQuery(form=form, city=None)
    try:
        city = fiscal_city_get(user=user, city_code=form.cleaned_data["city"])
    except FiscalOutOfScope:
        raise Http404(OUT_OF_SCOPE) from None
    return FiscalQuery(form=form, city=city)


def _page_context(request: AuthenticatedHttpRequest, query: FiscalQuery) -> dict[str, Any]:
    """The page's tables and, built once from them, the reports its three tables and Excel files show."""
    user = request.user
    context: dict[str, Any] = {"form": query.form, "cities": fiscal_cities(user=user), "city": query.city}
    if query.city is None:
        return context
    context["can_store"] = user.has_perm(CHANGE_FISCAL_TIER) and user_can_see_division(
        user=user, division_code=query.city.code
    )
    context["can_record"] = user.has_perm(ADD_FISCAL_TRANSFER)
    as_of = query.form.cleaned_data["as_of"]
    try:
        settlement = fiscal_settlement_table(user=user, year=query.year, city=query.city)
        context["settlement"] = settlement
        context["prepay"] = fiscal_prepay_table(settlement=settlement)
        context["transfers"] = fiscal_transfer_table(user=user, year=query.year, city=query.city, today=as_of)
    except FiscalDataMissing as error:
        context["data_error"] = str(error)
        return context
    reports = {
        "prepay": fiscal_prepay_report(table=context["prepay"], as_of=as_of),
        "settlement": fiscal_settlement_report(table=context["settlement"], as_of=as_of),
        "transfers": fiscal_transfer_report(table=context["transfers"], record_links=context["can_record"]),
    }
    context["reports"] = reports
    context["report_tables"] = {name: report_page_table(report) for name, report in reports.items()}
    context["export_query"] = urlencode({"year": query.year, "city": query.city.code, "as_of": as_of.isoformat()})
    return context


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
@reads_from_replica
def fiscal_settlement_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = _query(request)
    status = 200 if query.form.is_valid() else 400
    return render(request, "reports/settlement.html", _page_context(request, query), status=status)


def _export(request: AuthenticatedHttpRequest, table: str) -> HttpResponse:
    query = _query(request)
    context = _page_context(request, query)
    if query.city is None and query.form.is_valid():
        query.form.add_error("city", "请选择设区市。")
    if query.city is None or "data_error" in context:
        return render(request, "reports/settlement.html", context, status=400)
    report: Report = context["reports"][table]
    return report_xlsx_response(report)


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
@reads_from_replica
def fiscal_prepay_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, "prepay")


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
@reads_from_replica
def fiscal_settlement_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, "settlement")


@login_required
@permission_required(VIEW_FISCAL, raise_exception=True)
@reads_from_replica
def fiscal_transfer_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, "transfers")


@login_required
@permission_required([VIEW_FISCAL, CHANGE_FISCAL_TIER], raise_exception=True)
@require_POST
def fiscal_settlement_store_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """R11.2: the button computes the city's settlement now and stores it (the yearly job does the same)."""
    user = request.user
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
    return redirect(settlement_page_url(year=year, city_code=city.code))
