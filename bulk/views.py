"""Bulk import pages: upload, progress polled by htmx, the report of refused and skipped rows, the templates."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import BULK_IMPORT
from accounts.requests import AuthenticatedHttpRequest
from core.batch_views import action_response, batch_or_404
from core.excel import xlsx_response
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submission_deferred
from core.list_files import list_template_bytes
from core.lists import list_page

from .forms import BulkImportForm
from .models import BulkImportJob, BulkImportKind
from .selectors import bulk_import_jobs
from .services import KINDS, bulk_import_confirm, bulk_import_create, bulk_import_discard, bulk_import_retry
from .tasks import bulk_import_run_task


def _job_or_404(request: AuthenticatedHttpRequest, pk: int) -> BulkImportJob:
    return batch_or_404(bulk_import_jobs(user=request.user), pk, not_found_message="没有找到该导入任务。")


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BulkImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk_import_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                county=form.cleaned_data["county"],
                uploaded_file=form.cleaned_data["file"],
                **form.kind_parameters,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("bulk_import_detail", pk=job.pk)  # which says when the job waits for the broker
    listing = list_page(request, bulk_import_jobs(user=request.user), per_page=20)
    context = {"form": form, "page": listing.page, "page_query": listing.link_query, "kinds": BulkImportKind.choices}
    return render(request, "bulk/index.html", context)


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    template = "bulk/progress.html" if request.headers.get("HX-Request") else "bulk/detail.html"
    context = {
        "job": job,
        # the batch an identity list's load recorded (subsidies' side of the link); None for the other kinds
        "identity_batch": getattr(job, "identity_list_batch", None),
        "submission_deferred": job_submission_deferred(task=bulk_import_run_task, job_id=job.pk),
        "submission_deferred_message": SUBMISSION_DEFERRED_MESSAGE,
    }
    return render(request, template, context)


def _job_action_view(
    service: Callable[..., BulkImportJob], success_message: str
) -> Callable[[AuthenticatedHttpRequest, int], HttpResponse]:
    """A button on a job's page (retry, confirm, discard): the service on the job, then back to its page with the
    message, or with the service's refusal."""

    @login_required
    @permission_required(BULK_IMPORT, raise_exception=True)
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        job = _job_or_404(request, pk)
        return action_response(
            request,
            action=lambda: service(actor=request.user, job_id=job.pk),
            success_message=lambda _: success_message,
            next_url=reverse("bulk_import_detail", kwargs={"pk": job.pk}),
        )

    return view


bulk_import_retry_view = _job_action_view(bulk_import_retry, "已重新排队，导入将从文件开头重新进行。")
bulk_import_confirm_view = _job_action_view(bulk_import_confirm, "已确认，正在写入。")
bulk_import_discard_view = _job_action_view(bulk_import_discard, "已放弃该文件，未写入任何数据。")


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_report(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if not job.error_file:
        raise Http404("该任务没有问题行。")
    return FileResponse(job.error_file.open("rb"), as_attachment=True, filename=f"问题行-{job.pk}.xlsx")


@login_required
@permission_required(BULK_IMPORT, raise_exception=True)
def bulk_import_template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    loader = KINDS.get(kind)
    if loader is None or not loader.template_notes:
        raise Http404("没有该导入模板。")
    columns, notes = loader.columns, list(loader.template_notes)
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
