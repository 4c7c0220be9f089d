"""R6.3: the subsidy ledger, by category and person, as pages and Excel files."""

from typing import Any

from django.utils import timezone

from accounts.personal_data import id_number_on_page
from accounts.requests import AuthenticatedHttpRequest
from core.excel import report_xlsx_response
from core.lists import list_page
from core.reports import report_page_table
from divisions.models import Division, DivisionLevel

from ..exports import subsidy_ledger_people_report, subsidy_ledger_report
from ..forms.reports import CountyReportForm, LedgerPeopleForm
from ..selectors import (
    ReportParameterInvalid,
    SubsidyLedgerRow,
    report_division_get,
    subsidy_ledger,
    subsidy_ledger_people,
    subsidy_ledger_row,
)
from .reports import PEOPLE_PER_PAGE, ReportResult, report_view

COUNTY_MISSING = "请选择区县。"


def county_required(parameters: dict[str, Any]) -> str:
    if not parameters["county"]:
        raise ReportParameterInvalid(COUNTY_MISSING)
    return str(parameters["county"])


@report_view(template="subsidies/ledger.html", form_class=CountyReportForm)
def subsidy_ledger_page(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    if not parameters["county"]:
        return {}  # city and province staff choose a county first
    ledger = subsidy_ledger(user=request.user, county_code=parameters["county"], year=parameters["year"])
    report = subsidy_ledger_report(ledger=ledger, today=timezone.localdate())
    return {"ledger": ledger, "report": report, "table": report_page_table(report)}


@report_view(template="subsidies/ledger.html", form_class=CountyReportForm)
def subsidy_ledger_export(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    county_code = county_required(parameters)
    ledger = subsidy_ledger(user=request.user, county_code=county_code, year=parameters["year"])
    return report_xlsx_response(subsidy_ledger_report(ledger=ledger, today=timezone.localdate()))


def _ledger_people(request: AuthenticatedHttpRequest, parameters: dict[str, Any]):
    arguments = {
        "user": request.user,
        "county_code": county_required(parameters),
        "year": parameters["year"],
        "category": parameters["category"],
    }
    county = report_division_get(
        user=request.user,
        division_code=arguments["county_code"],
        levels=(DivisionLevel.COUNTY,),
    )
    return county, subsidy_ledger_row(**arguments), subsidy_ledger_people(**arguments)


def _people_title(county: Division, year: int, ledger_row: SubsidyLedgerRow) -> str:
    return f"{county.name}{year}年度{ledger_row.name}资助参保人员名单"


@report_view(template="subsidies/ledger_people.html", form_class=LedgerPeopleForm)
def subsidy_ledger_people_page(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    county, ledger_row, enrollments = _ledger_people(request, parameters)
    listing = list_page(request, enrollments, per_page=PEOPLE_PER_PAGE)
    people = list(listing.page.object_list)
    report = subsidy_ledger_people_report(
        user=request.user,
        ledger_row=ledger_row,
        enrollments=people,
        title=_people_title(county, parameters["year"], ledger_row),
        unit=county.name,
        today=timezone.localdate(),
        on_page=True,
        first_number=listing.page.start_index() or 1,
    )
    return {
        "county": county,
        "year": parameters["year"],
        "ledger_row": ledger_row,
        "page": listing.page,
        "rows": [(enrollment, id_number_on_page(enrollment.resident.id_number)) for enrollment in people],
        "table": report_page_table(report),
        "query": listing.link_query,
    }


@report_view(template="subsidies/ledger_people.html", form_class=LedgerPeopleForm)
def subsidy_ledger_people_export(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    county, ledger_row, enrollments = _ledger_people(request, parameters)
    report = subsidy_ledger_people_report(
        user=request.user,
        ledger_row=ledger_row,
        enrollments=enrollments,
        title=_people_title(county, parameters["year"], ledger_row),
        unit=county.name,
        today=timezone.localdate(),
    )
    return report_xlsx_response(report)
