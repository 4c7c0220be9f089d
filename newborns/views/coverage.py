"""The newborn coverage page and its Excel file (R10.2).

Refusals: parameters that cannot be read answer 400 with the form's Chinese messages; a division outside the
user's scope answers 404.
"""

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import VIEW_BIRTH_RECORD
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import DivisionOutOfScope, user_scope_code_at
from core.excel import report_xlsx_response
from divisions.models import DivisionLevel
from enrollment.coverage import CoverageTable
from subsidies.selectors import ReportParameterInvalid

from ..exports import newborn_coverage_report
from ..forms.coverage import NewbornCoverageForm
from ..selectors.coverage import newborn_coverage

TEMPLATE = "newborns/coverage.html"
# The user's own county, else city, else province is the division shown first.
COVERAGE_LEVELS = (DivisionLevel.COUNTY, DivisionLevel.CITY, DivisionLevel.PROVINCE)
DIVISION_MISSING = "请填写区划代码（省2位、市4位或区县6位）。"


def _coverage(request: AuthenticatedHttpRequest) -> tuple[dict[str, Any], CoverageTable | None, int]:
    """The page's context, the report (None when the parameters do not give one) and the status to answer."""
    default = user_scope_code_at(user=request.user, levels=COVERAGE_LEVELS) or ""
    form = NewbornCoverageForm(request.GET, today=timezone.localdate(), defaults={"division": default})
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return context, None, 400
    if not form.cleaned_data["division"]:
        return context, None, 200  # a user of the whole country chooses a division first
    try:
        coverage = newborn_coverage(
            user=request.user,
            division_code=form.cleaned_data["division"],
            year=form.cleaned_data["year"],
            as_of=form.cleaned_data["as_of"],
        )
    except DivisionOutOfScope:
        raise Http404("没有找到该区划，或不在您的管辖范围内。") from None
    except ReportParameterInvalid as error:
        form.add_error(None, str(error))
        return context, None, 400
    return {**context, "coverage": coverage}, coverage, 200


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def newborn_coverage_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    context, _, status = _coverage(request)
    return render(request, TEMPLATE, context, status=status)


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def newborn_coverage_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    context, coverage, status = _coverage(request)
    if coverage is None:
        if status == 200:
            context["form"].add_error(None, DIVISION_MISSING)
        return render(request, TEMPLATE, context, status=400)
    return report_xlsx_response(newborn_coverage_report(coverage=coverage))
