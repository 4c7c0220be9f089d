"""Pages and Excel files of the subsidy ledger (R6.3) and the hardship coverage rate (R10.2).

Each view receives its checked parameters from `report_view`, which also answers the refusals: parameters that
cannot be read (400, with the form's Chinese messages), a division outside the user's scope (404).
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import VIEW_HARDSHIP_IDENTITY
from accounts.personal_data import id_number_on_page
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import DivisionOutOfScope, user_scope_code_at
from core.excel import report_xlsx_response
from core.lists import list_page
from divisions.models import DivisionLevel

from .report_exports import (
    hardship_unenrolled_report,
    identities_text,
    subsidy_ledger_people_report,
    subsidy_ledger_report,
)
from .report_forms import CountyReportForm, CoverageForm, LedgerPeopleForm, ReportParametersForm, UnenrolledForm
from .selectors import (
    ReportParameterInvalid,
    hardship_coverage,
    hardship_unenrolled,
    report_counties,
    report_division_get,
    subsidy_ledger,
    subsidy_ledger_people,
    subsidy_ledger_row,
)

PEOPLE_PER_PAGE = 50
COUNTY_MISSING = "请选择区县。"

ReportResult = dict[str, Any] | HttpResponse


def report_view(
    *,
    template: str,
    form_class: type[ReportParametersForm],
    division_field: str = "county",
    default_levels: tuple[DivisionLevel, ...] = (DivisionLevel.COUNTY,),
) -> Callable[
    [Callable[[AuthenticatedHttpRequest, dict[str, Any]], ReportResult]],
    Callable[[AuthenticatedHttpRequest], HttpResponse],
]:
    """Checks the user's permission and the parameters (the division defaults to the user's own, at the first of
    `default_levels` their scope reaches), then renders the view's context with `template`, or returns its file."""

    def decorate(
        view: Callable[[AuthenticatedHttpRequest, dict[str, Any]], ReportResult],
    ) -> Callable[[AuthenticatedHttpRequest], HttpResponse]:
        @functools.wraps(view)
        @login_required
        @permission_required(VIEW_HARDSHIP_IDENTITY, raise_exception=True)
        def wrapper(request: AuthenticatedHttpRequest) -> HttpResponse:
            user = request.user
            default = user_scope_code_at(user=user, levels=default_levels) or ""
            form = form_class(request.GET, today=timezone.localdate(), defaults={division_field: default})
            context: dict[str, Any] = {"form": form, "counties": report_counties(user=user)}
            if not form.is_valid():
                return render(request, template, context, status=400)
            try:
                result = view(request, form.cleaned_data)
            except DivisionOutOfScope:
                raise Http404("没有找到该区划，或不在您的管辖范围内。") from None
            except ReportParameterInvalid as error:
                form.add_error(None, str(error))
                return render(request, template, context, status=400)
            if isinstance(result, HttpResponse):
                return result
            return render(request, template, {**context, **result})

        return wrapper

    return decorate


def _county_required(parameters: dict[str, Any]) -> str:
    if not parameters["county"]:
        raise ReportParameterInvalid(COUNTY_MISSING)
    return str(parameters["county"])


# --- R6.3: the subsidy ledger -----------------------------------------------------------------------------------


@report_view(template="subsidies/ledger.html", form_class=CountyReportForm)
def subsidy_ledger_page(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    if not parameters["county"]:
        return {}  # city and province staff choose a county first
    ledger = subsidy_ledger(user=request.user, county_code=parameters["county"], year=parameters["year"])
    return {"ledger": ledger}


@report_view(template="subsidies/ledger.html", form_class=CountyReportForm)
def subsidy_ledger_export(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    county_code = _county_required(parameters)
    ledger = subsidy_ledger(user=request.user, county_code=county_code, year=parameters["year"])
    return report_xlsx_response(subsidy_ledger_report(ledger=ledger, today=timezone.localdate()))


def _ledger_people(request: AuthenticatedHttpRequest, parameters: dict[str, Any]):
    arguments = {
        "user": request.user,
        "county_code": _county_required(parameters),
        "year": parameters["year"],
        "category": parameters["category"],
    }
    county = report_division_get(
        user=request.user,
        division_code=arguments["county_code"],
        levels=(DivisionLevel.COUNTY,),
    )
    return county, subsidy_ledger_row(**arguments), subsidy_ledger_people(**arguments)


@report_view(template="subsidies/ledger_people.html", form_class=LedgerPeopleForm)
def subsidy_ledger_people_page(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    county, ledger_row, enrollments = _ledger_people(request, parameters)
    listing = list_page(request, enrollments, per_page=PEOPLE_PER_PAGE)
    rows = [(enrollment, id_number_on_page(enrollment.resident.id_number)) for enrollment in listing.page.object_list]
    return {
        "county": county,
        "year": parameters["year"],
        "ledger_row": ledger_row,
        "page": listing.page,
        "rows": rows,
        "query": listing.link_query,
    }


@report_view(template="subsidies/ledger_people.html", form_class=LedgerPeopleForm)
def subsidy_ledger_people_export(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    county, ledger_row, enrollments = _ledger_people(request, parameters)
    title = f"{county.name}{parameters['year']}年度{ledger_row.name}资助参保人员名单"
    report = subsidy_ledger_people_report(
        user=request.user,
        ledger_row=ledger_row,
        enrollments=enrollments,
        title=title,
        unit=county.name,
        today=timezone.localdate(),
    )
    return report_xlsx_response(report)


# --- R10.2: the hardship coverage rate --------------------------------------------------------------------------


@report_view(template="subsidies/coverage.html", form_class=CoverageForm)
def hardship_coverage_page(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    if not parameters["county"]:
        return {}  # city and province staff choose a county first
    coverage = hardship_coverage(
        user=request.user,
        county_code=parameters["county"],
        year=parameters["year"],
        as_of=parameters["as_of"],
    )
    return {"coverage": coverage}


def _unenrolled(request: AuthenticatedHttpRequest, parameters: dict[str, Any]):
    division = report_division_get(
        user=request.user,
        division_code=parameters["division"],
        levels=(DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP),
    )
    residents = hardship_unenrolled(
        user=request.user,
        year=parameters["year"],
        as_of=parameters["as_of"],
        division_code=division.code,
    )
    return division, residents


UNENROLLED_REPORT = {
    "template": "subsidies/coverage_unenrolled.html",
    "form_class": UnenrolledForm,
    "division_field": "division",
    "default_levels": (DivisionLevel.TOWNSHIP, DivisionLevel.COUNTY),
}


@report_view(**UNENROLLED_REPORT)  # type: ignore[arg-type]
def hardship_unenrolled_page(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    division, residents = _unenrolled(request, parameters)
    listing = list_page(request, residents, per_page=PEOPLE_PER_PAGE)
    rows = [
        (resident, id_number_on_page(resident.id_number), identities_text(resident))
        for resident in listing.page.object_list
    ]
    return {
        "division": division,
        "year": parameters["year"],
        "as_of": parameters["as_of"],
        "page": listing.page,
        "rows": rows,
        "query": listing.link_query,
    }


@report_view(**UNENROLLED_REPORT)  # type: ignore[arg-type]
def hardship_unenrolled_export(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    division, residents = _unenrolled(request, parameters)
    title = f"{division.name}{parameters['year']}年度未参保困难群众名单"
    report = hardship_unenrolled_report(
        user=request.user,
        residents=residents,
        title=title,
        unit=division.name,
        as_of=parameters["as_of"],
    )
    return report_xlsx_response(report)
