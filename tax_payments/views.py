"""The reconciliation page of the tax payment records (征缴入库对账), its Excel file and the re-match button."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import BULK_IMPORT, VIEW_TAX_PAYMENT
from accounts.scope import DivisionOutOfScope, user_scope_code_at
from core.excel import report_xlsx_response
from core.lists import list_page
from divisions.models import Division, DivisionLevel
from subsidies.selectors import report_counties

from .exports import tax_payment_report
from .forms import TaxPaymentQueryForm
from .models import TaxPaymentMatch
from .selectors import (
    TaxPaymentCountyUnknown,
    tax_payment_county_get,
    tax_payment_records,
    tax_payment_summary,
)
from .services import tax_payment_rematch

RECORDS_PER_PAGE = 25
TEMPLATE = "tax_payments/reconciliation.html"
COUNTY_MISSING = "请选择区县。"


def _parameters(request: HttpRequest, data: Any) -> tuple[TaxPaymentQueryForm, Division | None]:
    """The checked form and its county (None until one is chosen); 404 for a county outside the user's scope."""
    user: User = request.user  # type: ignore[assignment]
    default = user_scope_code_at(user=user, levels=(DivisionLevel.COUNTY,)) or ""
    form = TaxPaymentQueryForm(data, today=timezone.localdate(), defaults={"county": default})
    if not form.is_valid() or not form.cleaned_data["county"]:
        return form, None
    try:
        return form, tax_payment_county_get(user=user, county_code=form.cleaned_data["county"])
    except DivisionOutOfScope:
        raise Http404("没有找到该区县，或不在您的管辖范围内。") from None
    except TaxPaymentCountyUnknown as error:
        form.add_error("county", str(error))
        return form, None


def _page_query(form: TaxPaymentQueryForm, county: Division) -> str:
    """The page's filters, for the pagination links and the file."""
    values = {
        "county": county.code,
        "year": form.cleaned_data["year"],
        "status": form.cleaned_data["status"],
        "id_number": form.cleaned_data["id_number"],
    }
    return urlencode({name: value for name, value in values.items() if value})


@login_required
@permission_required(VIEW_TAX_PAYMENT, raise_exception=True)
def tax_payment_reconciliation(request: HttpRequest) -> HttpResponse:
    form, county = _parameters(request, request.GET)
    context: dict[str, Any] = {
        "form": form,
        "counties": report_counties(user=request.user),  # type: ignore[arg-type]
        "statuses": TaxPaymentMatch.choices,
    }
    if form.errors:
        return render(request, TEMPLATE, context, status=400)
    if county is None:
        return render(request, TEMPLATE, context)  # city and province staff choose a county first
    year, status = form.cleaned_data["year"], form.cleaned_data["status"]
    records = tax_payment_records(county=county, year=year, status=status, id_number=form.cleaned_data["id_number"])
    query = _page_query(form, county)
    listing = list_page(request, records, per_page=RECORDS_PER_PAGE, link_query=query)
    return render(
        request,
        TEMPLATE,
        {
            **context,
            "county": county,
            "year": year,
            "status_name": TaxPaymentMatch(status).label if status else "",
            "summary": tax_payment_summary(county=county, year=year),
            "page": listing.page,
            "query": query,
        },
    )


@login_required
@permission_required(VIEW_TAX_PAYMENT, raise_exception=True)
def tax_payment_export(request: HttpRequest) -> HttpResponse:
    form, county = _parameters(request, request.GET)
    if county is None:
        if not form.errors:
            form.add_error("county", COUNTY_MISSING)
        return render(request, TEMPLATE, {"form": form, "counties": report_counties(user=request.user)}, status=400)  # type: ignore[arg-type]
    year, status = form.cleaned_data["year"], form.cleaned_data["status"]
    records = tax_payment_records(county=county, year=year, status=status, id_number=form.cleaned_data["id_number"])
    title = f"{county.name}{year}年度征缴入库对账明细" + (f"（{TaxPaymentMatch(status).label}）" if status else "")
    report = tax_payment_report(
        user=request.user,  # type: ignore[arg-type]
        records=records,
        title=title,
        unit=county.name,
        today=timezone.localdate(),
    )
    return report_xlsx_response(report)


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
@require_POST
def tax_payment_rematch_view(request: HttpRequest) -> HttpResponse:
    form, county = _parameters(request, request.POST)
    if county is None:
        if not form.errors:
            form.add_error("county", COUNTY_MISSING)
        return render(request, TEMPLATE, {"form": form, "counties": report_counties(user=request.user)}, status=400)  # type: ignore[arg-type]
    year = form.cleaned_data["year"]
    try:
        result = tax_payment_rematch(actor=request.user, county=county, insurance_year=year)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, result.explanation)
    return redirect(f"{reverse('tax_payment_reconciliation')}?{urlencode({'county': county.code, 'year': year})}")
