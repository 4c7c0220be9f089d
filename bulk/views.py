"""Bulk import pages: upload, progress polled by htmx, the report of refused and skipped rows, the templates."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import BULK_IMPORT
from accounts.selectors import user_scope_code
from reports.excel import xlsx_response
from reports.list_files import list_template_bytes

from .forms import BulkImportForm
from .models import BulkImportJob, BulkImportKind
from .rules import ENROLLMENT_COLUMNS, RESIDENT_COLUMNS
from .selectors import bulk_import_jobs
from .services import bulk_import_create

TEMPLATE_NOTES = {
    BulkImportKind.RESIDENT_REGISTRY: (
        RESIDENT_COLUMNS,
        [
            "身份证号、姓名、户籍地代码必填；户籍地代码、居住地代码为本县（区）乡镇或村（社区）的区划代码（9位或12位）。",
            "已登记的身份证号更新姓名、户籍地、居住地和联系电话；联系电话、居住地留空则保留原值。",
            "任何一行有错误，整个文件不导入；请按问题行报告改正后重新上传。",
        ],
    ),
    BulkImportKind.ENROLLMENT_HISTORY: (
        ENROLLMENT_COLUMNS,
        [
            "身份证号须已在居民档案中登记；保险年度、缴费日期、个人缴费必填。",
            "状态填“有效”或“已退费”，留空为有效；资助类别填类别名称（如“低保对象”），无资助留空。",
            "同一人同一年度已有有效参保记录的行跳过，在问题行报告中列为“已有参保记录”。",
        ],
    ),
}


def _job_or_404(request: HttpRequest, pk: int) -> BulkImportJob:
    job = bulk_import_jobs(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if job is None:
        raise Http404("没有找到该导入任务。")
    return job


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_index(request: HttpRequest) -> HttpResponse:
    scope_code = user_scope_code(user=request.user)  # type: ignore[arg-type]
    form = BulkImportForm(request.POST or None, request.FILES or None, scope_code=scope_code)
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk_import_create(
                actor=request.user,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                county=form.cleaned_data["county"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("bulk_import_detail", pk=job.pk)
    page = Paginator(bulk_import_jobs(user=request.user), 20).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "bulk/index.html", {"form": form, "page": page, "kinds": BulkImportKind.choices})


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    template = "bulk/progress.html" if request.headers.get("HX-Request") else "bulk/detail.html"
    return render(request, template, {"job": job})


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_report(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if not job.error_file:
        raise Http404("该任务没有问题行。")
    return FileResponse(job.error_file.open("rb"), as_attachment=True, filename=f"问题行-{job.pk}.xlsx")


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in TEMPLATE_NOTES:
        raise Http404("没有该导入模板。")
    columns, notes = TEMPLATE_NOTES[BulkImportKind(kind)]
    text_columns = [
        column.name for column in columns if column.name in ("身份证号", "户籍地代码", "居住地代码", "联系电话")
    ]
    content = list_template_bytes(
        title=BulkImportKind(kind).label,
        columns=[column.name for column in columns],
        text_columns=text_columns,
        notes=notes,
    )
    return xlsx_response(content, f"{BulkImportKind(kind).label}模板.xlsx")
