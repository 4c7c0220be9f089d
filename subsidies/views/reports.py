"""What the pages and Excel files of the subsidy ledger (R6.3) and the hardship coverage rate (R10.2) share.

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
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import DivisionOutOfScope, user_scope_code_at
from divisions.models import DivisionLevel

from ..forms.reports import ReportParametersForm
from ..selectors import ReportParameterInvalid, report_counties

PEOPLE_PER_PAGE = 50

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
