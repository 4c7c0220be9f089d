"""Bulk import pages: upload, progress polled by htmx, the report of refused and skipped rows, the templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import BULK_IMPORT
from core.excel import xlsx_response
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submission_deferred
from core.list_files import list_template_bytes
from core.lists import list_page

from .forms import BulkImportForm
from .identity_loading import IDENTITY_LIST_COLUMNS
from .models import BulkImportJob, BulkImportKind
from .rules import ENROLLMENT_COLUMNS, RESIDENT_COLUMNS, TAX_PAYMENT_COLUMNS
from .selectors import bulk_import_jobs
from .services import bulk_import_create, bulk_import_retry
from .tasks import bulk_import_run_task

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
    BulkImportKind.TAX_PAYMENTS: (
        TAX_PAYMENT_COLUMNS,
        [
            "各列均必填；电子税票号码、身份证号请设为文本格式；实缴金额以元为单位、最多两位小数且大于0。",
            "费款所属年度为该笔缴费所属的保险年度；入库日期不得早于缴费日期。",
            "同一电子税票号码在文件中只能出现一次；已导入的税票跳过，在问题行报告中列为“该税票已导入”。",
            "档案中无此人或外县参保人员的税票照常导入，在征缴入库对账页面列出，不拒收文件。",
            "导入后按同一人同一年度的入库金额合计与有效参保记录的个人应缴加补缴逐人对账；参保记录后录入的，可在对账页面重新对账。",
        ],
    ),
    BulkImportKind.IDENTITY_LIST: (
        IDENTITY_LIST_COLUMNS,
        [
            "上传时选择认定部门和名单日期；一个文件为一个部门在本县（区）的完整名单。",
            "身份证号、姓名必填；民政、农业农村、卫健名单填写身份类别（如“低保对象”“特困人员”“边缘易致贫户”），"
            "可填写的类别以名单日期所在年度本县（区）的困难群众资助档次为准；残联名单填写残疾等级（1至4级，或一级至四级）。",
            "有效期起留空：新认定的身份自名单日期起有效，已有的身份保留原有效期起；有效期止留空为长期有效；日期写成2026-01-01。",
            "该部门在本县（区）已认定、但新名单中没有的人员，身份于名单日期前一日终止。",
            "户籍不在本县（区）居民档案中的人员跳过，在问题行报告中列为“档案中未找到该居民”，请先登记后重新导入名单。",
            "同一人同一类别重复、姓名与档案不符等任何一行有错误，整个文件不导入；请按问题行报告改正后重新上传。",
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
    form = BulkImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk_import_create(
                actor=request.user,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                county=form.cleaned_data["county"],
                uploaded_file=form.cleaned_data["file"],
                department=form.cleaned_data["department"],
                list_date=form.cleaned_data["list_date"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("bulk_import_detail", pk=job.pk)  # which says when the job waits for the broker
    listing = list_page(request, bulk_import_jobs(user=request.user), per_page=20)  # type: ignore[arg-type]
    context = {"form": form, "page": listing.page, "page_query": listing.link_query, "kinds": BulkImportKind.choices}
    return render(request, "bulk/index.html", context)


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    template = "bulk/progress.html" if request.headers.get("HX-Request") else "bulk/detail.html"
    context = {
        "job": job,
        "identity_batch": job.identity_list_batch,
        "submission_deferred": job_submission_deferred(task=bulk_import_run_task, job_id=job.pk),
        "submission_deferred_message": SUBMISSION_DEFERRED_MESSAGE,
    }
    return render(request, template, context)


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
@require_POST
def bulk_import_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        bulk_import_retry(actor=request.user, job_id=job.pk)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已重新排队，导入将从文件开头重新进行。")
    return redirect("bulk_import_detail", pk=job.pk)


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
        column.name
        for column in columns
        if column.name in ("身份证号", "户籍地代码", "居住地代码", "联系电话", "电子税票号码")
    ]
    content = list_template_bytes(
        title=BulkImportKind(kind).label,
        columns=[column.name for column in columns],
        text_columns=text_columns,
        notes=notes,
    )
    return xlsx_response(content, f"{BulkImportKind(kind).label}模板.xlsx")
