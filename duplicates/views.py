"""The pages of 重复参保治理: counts and money per county, the cases with their Excel file, one case with its three
resolutions, and the scan run now with its progress."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import RESOLVE_DUPLICATE_CASE, VIEW_DUPLICATE_CASE
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import division_in_scope_or_404
from core.excel import report_xlsx_response
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submission_deferred
from core.lists import list_page

from .exports import duplicate_case_report
from .forms import CaseFilterForm, ResolutionForm
from .models import CaseStatus, DuplicateCase, DuplicateKind, DuplicateScanJob
from .selectors import duplicate_case_get, duplicate_case_list, duplicate_scan_job_latest, duplicate_summary
from .services import duplicate_case_resolve, duplicate_scan_job_create
from .tasks import duplicate_scan_job_run_task

CASES_PER_PAGE = 25


@login_required
@permission_required(VIEW_DUPLICATE_CASE, raise_exception=True)
def duplicate_summary_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = duplicate_summary(user=request.user)
    totals = {
        "open_count": sum(row.open_count for row in rows),
        "open_amount": sum((row.open_amount for row in rows), start=0),
        "resolved_count": sum(row.resolved_count for row in rows),
        "resolved_amount": sum((row.resolved_amount for row in rows), start=0),
    }
    context = {"rows": rows, "totals": totals, "latest_job": duplicate_scan_job_latest(), "kinds": DuplicateKind}
    return render(request, "duplicates/summary.html", context)


def _filtered_cases(request: AuthenticatedHttpRequest) -> tuple[CaseFilterForm, QuerySet[DuplicateCase], str]:
    """The cases the query asks for, in the user's scope; a county outside it answers 404 like one that is not."""
    form = CaseFilterForm(request.GET)
    values: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    county = values.get("county") or ""
    if county:
        division_in_scope_or_404(request.user, county)
    cases = duplicate_case_list(
        user=request.user,
        kind=values.get("kind") or "",
        status=values.get("status") or "",
        county_code=county,
        year=values.get("year"),
        search=request.GET.get("q", ""),
    ).order_by("status", "-year", "county_id", "id")
    search = request.GET.get("q", "").strip()
    query = urlencode({**{name: value for name, value in values.items() if value}, **({"q": search} if search else {})})
    return form, cases, query


@login_required
@permission_required(VIEW_DUPLICATE_CASE, raise_exception=True)
def duplicate_case_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, cases, query = _filtered_cases(request)
    listing = list_page(request, cases, per_page=CASES_PER_PAGE, link_query=query)
    return render(
        request,
        "duplicates/case_list.html",
        {
            "form": form,
            "page": listing.page,
            "page_query": listing.link_query,
            "search": request.GET.get("q", "").strip(),
            "kinds": DuplicateKind.choices,
            "statuses": CaseStatus.choices,
        },
    )


@login_required
@permission_required(VIEW_DUPLICATE_CASE, raise_exception=True)
def duplicate_case_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, cases, _query = _filtered_cases(request)
    unit = request.user.division.name if request.user.division else "全省"
    report = duplicate_case_report(cases=cases, title="重复参保治理台账", unit=unit, today=timezone.localdate())
    return report_xlsx_response(report)


def _case_or_404(request: AuthenticatedHttpRequest, pk: int) -> DuplicateCase:
    case = duplicate_case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404("没有找到该重复参保记录，或不在您的管辖范围内。")
    return case


@login_required
@permission_required(VIEW_DUPLICATE_CASE, raise_exception=True)
def duplicate_case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return render(request, "duplicates/case_detail.html", _detail_context(case, ResolutionForm()))


def _detail_context(case: DuplicateCase, form: ResolutionForm) -> dict[str, Any]:
    return {"case": case, "form": form, "transfer_offered": case.kind == DuplicateKind.PLACEHOLDER_AND_REGISTERED}


@login_required
@permission_required(RESOLVE_DUPLICATE_CASE, raise_exception=True)
@require_POST
def duplicate_case_resolve_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        try:
            duplicate_case_resolve(
                actor=request.user,
                case=case,
                resolution=form.cleaned_data["resolution"],
                note=form.cleaned_data["note"],
                date=form.cleaned_data["date"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"重复参保第{case.pk}号已处理。")
            return redirect("duplicate_case_detail", pk=case.pk)
    case = _case_or_404(request, pk)
    return render(request, "duplicates/case_detail.html", _detail_context(case, form), status=400)


@login_required
@permission_required(RESOLVE_DUPLICATE_CASE, raise_exception=True)
@require_POST
def duplicate_scan_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    job = duplicate_scan_job_create(actor=request.user)
    if job_submission_deferred(task=duplicate_scan_job_run_task, job_id=job.pk):
        messages.warning(request, SUBMISSION_DEFERRED_MESSAGE)
    return redirect("duplicate_scan_job_detail", pk=job.pk)


@login_required
@permission_required(VIEW_DUPLICATE_CASE, raise_exception=True)
def duplicate_scan_job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The scan compares the whole province, so its progress is everyone's; the cases it found are each user's."""
    job = DuplicateScanJob.objects.filter(pk=pk).first()
    if job is None:
        raise Http404("没有找到该比对任务。")
    context = {
        "job": job,
        "finished": job.finished,
        "poll_url": request.get_full_path(),
        "cases_url": f"{reverse('duplicate_case_list')}?{urlencode({'status': CaseStatus.OPEN})}",
    }
    polled = request.headers.get("HX-Request")
    return render(request, "duplicates/scan_job_progress.html" if polled else "duplicates/scan_job.html", context)
