"""Pages of the population baselines (R10.2): the list, and the province importing them by file."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import IMPORT_BASELINES, VIEW_PROGRESS
from accounts.requests import AuthenticatedHttpRequest
from core.batch_views import action_response, batch_or_404, batch_upload_stage
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
    return batch_or_404(baseline_import_batches(user=request.user), ConfirmForm.batch_id(request.POST))


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
    batch = batch_upload_stage(
        request,
        form,
        lambda _data, **upload: baseline_import_stage(actor=request.user, **upload),
        file_error_on_form=True,
    )
    if batch is not None:
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
    years = sorted({row["year"] for row in batch.checked_rows})
    return action_response(
        request,
        action=lambda: baseline_import_confirm(actor=request.user, batch=batch),
        success_message=lambda done: (
            f"人口基数已导入：新增{done.created_count}条，更新{done.updated_count}条，无变化{done.unchanged_count}条。"
        ),
        next_url=f"{reverse('baseline_list')}?{urlencode({'year': years[-1]})}" if years else reverse("baseline_list"),
        refused_url=reverse("baseline_import"),
    )


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
