"""Birth lists from the health commission: upload and preview, confirm, the error rows, the template."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import ADD_BIRTH_RECORD
from accounts.requests import AuthenticatedHttpRequest
from core.batch_views import (
    action_response,
    batch_or_404,
    batch_row_errors_response,
    batch_rows_context,
    batch_upload_stage,
)
from core.excel import xlsx_response
from core.lists import list_page

from ..forms.imports import BirthImportUploadForm
from ..models import BirthImportBatch
from ..resources import birth_row_errors_file_build, birth_template_build
from ..selectors.imports import birth_import_batches, birth_import_counties
from ..services.imports import birth_import_confirm, birth_import_preview

ROWS_SHOWN = 200


def _batch_or_404(request: AuthenticatedHttpRequest, pk: int) -> BirthImportBatch:
    return batch_or_404(birth_import_batches(user=request.user), pk)


@login_required
@permission_required(ADD_BIRTH_RECORD, raise_exception=True)
def birth_import_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    counties = birth_import_counties(user=request.user)
    form = BirthImportUploadForm(request.POST or None, request.FILES or None, counties=counties)
    batch = batch_upload_stage(
        request, form, lambda data, **upload: birth_import_preview(actor=request.user, county=data["county"], **upload)
    )
    if batch is not None:
        return redirect("birth_import_detail", pk=batch.pk)
    listing = list_page(request, birth_import_batches(user=request.user), per_page=20)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "page": listing.page, "page_query": listing.link_query}
    return render(request, "newborns/import_index.html", context, status=status)


@login_required
@permission_required(ADD_BIRTH_RECORD, raise_exception=True)
def birth_import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    to_skip = [row for row in batch.checked_rows if row["registered"]]
    context = {
        **batch_rows_context(batch, rows_shown=ROWS_SHOWN),
        "to_register": len(batch.checked_rows) - len(to_skip),
        "to_skip": len(to_skip),
    }
    return render(request, "newborns/import_detail.html", context)


@login_required
@permission_required(ADD_BIRTH_RECORD, raise_exception=True)
@require_POST
def birth_import_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    return action_response(
        request,
        action=lambda: birth_import_confirm(actor=request.user, batch=batch),
        success_message=lambda done: f"已导入：新登记{done.created_count}人，已登记跳过{done.existing_count}人。",
        next_url=reverse("birth_import_detail", kwargs={"pk": batch.pk}),
        errors_joined=True,
    )


@login_required
@permission_required(ADD_BIRTH_RECORD, raise_exception=True)
def birth_import_errors_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return batch_row_errors_response(
        _batch_or_404(request, pk), build=birth_row_errors_file_build, no_errors_message="该批次没有错误行。"
    )


@login_required
@permission_required(ADD_BIRTH_RECORD, raise_exception=True)
def birth_import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(birth_template_build(), "出生登记导入模板.xlsx")
