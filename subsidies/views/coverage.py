"""R10.2: the hardship coverage rate and the people not yet enrolled, as pages and an Excel file."""

from typing import Any

from django.shortcuts import redirect
from django.urls import reverse

from accounts.personal_data import id_number_on_page
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import user_scope_code_at
from core.excel import report_xlsx_response
from core.lists import list_page
from divisions.codes import PROVINCE_CODE, code_level
from divisions.models import DivisionLevel

from ..exports import hardship_unenrolled_report, identities_text
from ..forms.reports import CoverageForm, UnenrolledForm
from ..selectors import hardship_coverage, hardship_coverage_overview, hardship_unenrolled, report_division_get
from .reports import PEOPLE_PER_PAGE, ReportResult, report_view


@report_view(template="subsidies/coverage.html", form_class=CoverageForm)
def hardship_coverage_page(request: AuthenticatedHttpRequest, parameters: dict[str, Any]) -> ReportResult:
    if not parameters["county"]:
        # city and province staff first see their counties (or the province's cities), each row leading further down
        division_code = (
            parameters["city"]
            or user_scope_code_at(user=request.user, levels=(DivisionLevel.CITY, DivisionLevel.PROVINCE))
            or PROVINCE_CODE
        )
        overview = hardship_coverage_overview(
            user=request.user, division_code=division_code, year=parameters["year"], as_of=parameters["as_of"]
        )
        return {"overview": overview, "rows_are_counties": code_level(overview.division_code) == DivisionLevel.CITY}
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
    if not parameters["division"]:
        return {"year": parameters["year"], "as_of": parameters["as_of"]}  # city and province staff choose a county
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
    if not parameters["division"]:  # no list to export before a county is chosen: the page says so
        return redirect(f"{reverse('hardship_unenrolled')}?{request.GET.urlencode()}")
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
