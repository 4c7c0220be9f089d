"""The resident roster's export pages: ask for the file, follow its progress, download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.middleware import ROW_COUNT_HEADER
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submission_deferred
from core.models import JobStatus

from ..models import ExportKind
from ..selectors import export_job_list
from ..services.exports import export_job_create
from ..tasks import export_job_run_task


@login_required
@permission_required("enrollment.view_resident", raise_exception=True)
@require_POST
def resident_roster_export(request: HttpRequest) -> HttpResponse:
    job = export_job_create(actor=request.user, kind=ExportKind.RESIDENT_ROSTER)  # type: ignore[arg-type]
    if job_submission_deferred(task=export_job_run_task, job_id=job.pk):
        messages.warning(request, SUBMISSION_DEFERRED_MESSAGE)
    return redirect("export_job_detail", pk=job.pk)


@login_required
def export_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = export_job_list(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if job is None:
        raise Http404("没有找到该导出任务。")
    template = (
        "enrollment/export_job_progress.html" if request.headers.get("HX-Request") else "enrollment/export_job.html"
    )
    return render(request, template, {"job": job, "finished": job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)})


@login_required
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = export_job_list(user=request.user).filter(pk=pk, status=JobStatus.SUCCEEDED).first()  # type: ignore[arg-type]
    if job is None:
        raise Http404("没有找到该导出文件。")
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=f"{job.get_kind_display()}-{job.pk}.xlsx")
    response[ROW_COUNT_HEADER] = str(job.rows_total)
    return response
