"""Department identity lists: upload and preview, confirm, the error rows and the people not found, templates."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import IMPORT_IDENTITY_LIST
from accounts.requests import AuthenticatedHttpRequest
from core.batch_views import (
    action_response,
    batch_or_404,
    batch_row_errors_response,
    batch_rows_context,
    batch_upload_stage,
)
from core.excel import report_xlsx_response, xlsx_response
from core.lists import list_page
from core.reports import Report, columns_of
from enrollment.policy import PolicyNotFound

from ..forms.identity_lists import IdentityListUploadForm
from ..models import CertifyingDepartment, IdentityListBatch
from ..resources import list_template_build, row_errors_file_build
from ..selectors import identity_list_batches, report_counties
from ..services import identity_list_confirm, identity_list_preview, identity_list_tiers

ROWS_SHOWN = 200


def _category_names(batch: IdentityListBatch) -> dict[str, str]:
    try:
        tiers = identity_list_tiers(county=batch.county, list_date=batch.list_date)
    except PolicyNotFound:
        return {}
    return {tier.category: tier.name for tier in tiers}


def _batch_or_404(request: AuthenticatedHttpRequest, pk: int) -> IdentityListBatch:
    return batch_or_404(identity_list_batches(user=request.user), pk)


@login_required
@permission_required(IMPORT_IDENTITY_LIST, raise_exception=True)
def identity_list_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = IdentityListUploadForm(request.POST or None, request.FILES or None, user=request.user)
    batch = batch_upload_stage(
        request,
        form,
        lambda data, **upload: identity_list_preview(
            actor=request.user,
            county=data["county"],
            department=data["department"],
            list_date=data["list_date"],
            **upload,
        ),
    )
    if batch is not None:
        return redirect("identity_list_detail", pk=batch.pk)
    batches = identity_list_batches(user=request.user).select_related("county", "uploaded_by")
    listing = list_page(request, batches, per_page=20)
    context = {
        "form": form,
        "page": listing.page,
        "page_query": listing.link_query,
        "departments": CertifyingDepartment.values,
    }
    return render(request, "subsidies/identity_list_index.html", context)


@login_required
@permission_required(IMPORT_IDENTITY_LIST, raise_exception=True)
def identity_list_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    context = {
        **batch_rows_context(batch, rows_shown=ROWS_SHOWN),
        "unmatched_rows": batch.unmatched_rows[:ROWS_SHOWN],
        "category_names": _category_names(batch),
    }
    return render(request, "subsidies/identity_list_detail.html", context)


@login_required
@permission_required(IMPORT_IDENTITY_LIST, raise_exception=True)
@require_POST
def identity_list_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    return action_response(
        request,
        action=lambda: identity_list_confirm(actor=request.user, batch=batch),
        success_message=lambda done: (
            f"已导入：新增{done.created_count}项身份，更新{done.updated_count}项，终止{done.ended_count}项。"
        ),
        next_url=reverse("identity_list_detail", kwargs={"pk": batch.pk}),
        errors_joined=True,
    )


@login_required
@permission_required(IMPORT_IDENTITY_LIST, raise_exception=True)
def identity_list_errors_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return batch_row_errors_response(
        _batch_or_404(request, pk), build=row_errors_file_build, no_errors_message="该名单没有错误行。"
    )


@login_required
@permission_required(IMPORT_IDENTITY_LIST, raise_exception=True)
def identity_list_unmatched_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    names = _category_names(batch)
    rows = [
        (
            row["row"],
            row["name"],
            row["id_number"],
            names.get(row["category"], row["category"]),
            row["valid_from"] or "",
            row["valid_to"] or "",
        )
        for row in batch.unmatched_rows
    ]
    report = Report(
        title=f"{batch.county.name}{batch.department}名单中档案未登记人员",
        unit=batch.county.name,
        as_of=batch.list_date,
        columns=columns_of(
            ["名单行号", "姓名", "公民身份号码", "身份类别", "有效期起", "有效期止"], [10, 10, 22, 16, 12, 12]
        ),
        rows=rows,
    )
    return report_xlsx_response(report, file_name=f"未登记人员-{batch.file_name}.xlsx")


@login_required
@permission_required(IMPORT_IDENTITY_LIST, raise_exception=True)
def identity_list_template(request: AuthenticatedHttpRequest, department: str) -> HttpResponse:
    if department not in CertifyingDepartment.values:
        raise Http404("没有该部门的名单模板。")
    county = report_counties(user=request.user).order_by("code").first()
    try:
        tiers = identity_list_tiers(county=county, list_date=timezone.localdate()) if county else ()
    except PolicyNotFound:
        tiers = ()
    return xlsx_response(list_template_build(department=department, tiers=tiers), f"{department}困难身份名单模板.xlsx")
