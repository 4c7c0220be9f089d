"""Pages of the population baselines (R10.2): the list, and the province importing them by file."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import IMPORT_BASELINES, VIEW_PROGRESS
from accounts.requests import AuthenticatedHttpRequest
from core.excel import xlsx_response
from core.list_files import ListFileUnreadable

from ..forms import (
    ListUploadForm,
    SplitParametersForm,
)
from ..selectors.baselines import baseline_list
from ..services.baselines import baseline_errors_file, baseline_file_preview, baseline_import_confirm, baseline_template
from .split import PREVIEW_EXPIRED, _signed, _unsigned

PREVIEW_ROWS_SHOWN = 500
BASELINE_SALT = "targets.baseline_import"
BASELINE_ERRORS_SALT = "targets.baseline_import_errors"


@login_required
@permission_required(VIEW_PROGRESS, raise_exception=True)
def baseline_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    parameters = SplitParametersForm(request.GET, today=timezone.localdate(), default_city="")
    if not parameters.is_valid():
        return render(request, "targets/baseline_list.html", {"parameters": parameters}, status=400)
    year = parameters.cleaned_data["year"]
    baselines = baseline_list(user=request.user, year=year)
    context = {"parameters": parameters, "year": year, "baselines": baselines}
    return render(request, "targets/baseline_list.html", context)


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
def baseline_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ListUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = baseline_file_preview(user=request.user, file_name=upload.name, content=upload.read())
        except ListFileUnreadable as error:
            form.add_error("file", str(error))
        else:
            context.update(
                preview=preview,
                rows_shown=PREVIEW_ROWS_SHOWN,
                shown_rows=(preview.bad_rows + preview.good_rows)[:PREVIEW_ROWS_SHOWN],
                file_name=upload.name,
            )
            if preview.good_rows and not preview.bad_rows:  # a file with a bad row is refused whole
                rows = [row.fields() for row in preview.good_rows]
                context["token"] = _signed({"user": request.user.pk, "rows": rows}, salt=BASELINE_SALT)
            if preview.bad_rows:
                errors = [{"row": row.row, "values": row.values, "errors": row.errors} for row in preview.bad_rows]
                context["errors_token"] = _signed({"user": request.user.pk, "rows": errors}, salt=BASELINE_ERRORS_SALT)
            return render(request, "targets/baseline_import.html", context)
    return render(request, "targets/baseline_import.html", context, status=400 if form.errors else 200)


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
@require_POST
def baseline_import_confirm_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    payload = _unsigned(request, salt=BASELINE_SALT)
    if payload is None:
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("baseline_import")
    try:
        result = baseline_import_confirm(actor=request.user, rows=payload["rows"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("baseline_import")
    messages.success(
        request, f"人口基数已导入：新增{result.created}条，更新{result.updated}条，无变化{result.unchanged}条。"
    )
    years = sorted({row["year"] for row in payload["rows"]})
    return redirect(f"{reverse('baseline_list')}?{urlencode({'year': years[-1]})}" if years else "baseline_list")


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
@require_POST
def baseline_import_errors(request: AuthenticatedHttpRequest) -> HttpResponse:
    payload = _unsigned(request, salt=BASELINE_ERRORS_SALT)
    if payload is None:
        raise Http404(PREVIEW_EXPIRED)
    return xlsx_response(baseline_errors_file(preview_rows=payload["rows"]), "人口基数错误行.xlsx")


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
def baseline_template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(baseline_template(), "人口基数导入模板.xlsx")
