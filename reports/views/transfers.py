"""R11.3: recording a level's transfer."""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import ADD_FISCAL_TRANSFER
from accounts.requests import AuthenticatedHttpRequest
from core.formatting import yuan_text
from core.reports import report_page_table
from divisions.codes import city_code_of
from divisions.models import Division

from ..exports import fiscal_transfer_report
from ..forms import FiscalTransferForm
from ..selectors.settlement import (
    FiscalDataMissing,
    FiscalOutOfScope,
    fiscal_city_get,
)
from ..selectors.transfers import fiscal_counties, fiscal_county_get, fiscal_transfer_list, fiscal_transfer_table
from ..services import fiscal_transfer_record
from .settlement import OUT_OF_SCOPE, form_errors_add

# --- R11.3: recording transfers -----------------------------------------------------------------------------------


@login_required
@permission_required(ADD_FISCAL_TRANSFER, raise_exception=True)
def fiscal_transfer_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
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
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    f"已录入{transfer.county.name}{transfer.get_level_display()}拨付{yuan_text(transfer.amount)}元"
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
        except (FiscalDataMissing, FiscalOutOfScope):
            context["status_rows"] = []
        else:
            county_table = replace(table, rows=[row for row in table.rows if row.county_code == county.code])
            context["status_rows"] = county_table.rows
            context["status_table"] = report_page_table(fiscal_transfer_report(table=county_table))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "reports/transfer_form.html", context, status=status)
