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

from ..forms import (
    ConfirmForm,
    ListUploadForm,
    SplitParametersForm,
)
from ..models import BaselineImportBatch
from ..selectors.baselines import baseline_import_batches, baseline_list
from ..services.baselines import baseline_errors_file, baseline_import_confirm, baseline_import_stage, baseline_template

PREVIEW_ROWS_SHOWN = 500


def _batch_or_404(request: AuthenticatedHttpRequest) -> BaselineImportBatch:
    batch_id = ConfirmForm.batch_id(request.POST)
    batch = baseline_import_batches(user=request.user).filter(pk=batch_id).first() if batch_id else None
    if batch is None:
        raise Http404(BaselineImportBatch.not_found_message)
    return batch


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
        batch = baseline_import_stage(actor=request.user, file_name=upload.name, content=upload.read())
        if batch.file_error:
            form.add_error("file", batch.file_error)
        else:
            context.update(
                batch=batch,
                rows_shown=PREVIEW_ROWS_SHOWN,
                shown_rows=(batch.row_errors + batch.checked_rows)[:PREVIEW_ROWS_SHOWN],  # a file's bad rows first
            )
            return render(request, "targets/baseline_import.html", context)
    return render(request, "targets/baseline_import.html", context, status=400 if form.errors else 200)


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
@require_POST
def baseline_import_confirm_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    batch = _batch_or_404(request)
    try:
        batch = baseline_import_confirm(actor=request.user, batch=batch)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("baseline_import")
    messages.success(
        request,
        f"人口基数已导入：新增{batch.created_count}条，更新{batch.updated_count}条，无变化{batch.unchanged_count}条。",
    )
    years = sorted({row["year"] for row in batch.checked_rows})
    return redirect(f"{reverse('baseline_list')}?{urlencode({'year': years[-1]})}" if years else "baseline_list")


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
@require_POST
def baseline_import_errors(request: AuthenticatedHttpRequest) -> HttpResponse:
    batch = _batch_or_404(request)
    if not batch.row_errors:
        raise Http404("该文件没有错误行。")
    return xlsx_response(baseline_errors_file(preview_rows=batch.row_errors), "人口基数错误行.xlsx")


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
def baseline_template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(baseline_template(), "人口基数导入模板.xlsx")
