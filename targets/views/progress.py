"""Pages of progress: the dashboards (R10.3) with their Excel file and refresh button.

The dashboards read stored snapshots; only the refresh button computes, in a job whose progress the page polls.
A division outside the user's scope answers 404; a missing permission 403.
"""

import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import VIEW_PROGRESS
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import DivisionOutOfScope
from core.excel import report_xlsx_response
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submission_deferred
from core.replica import reads_from_replica

from ..exports import progress_report
from ..forms import (
    DashboardForm,
    RefreshForm,
    default_refresh_date,
)
from ..models import JobStatus, ProgressJob, TargetMetric
from ..selectors.progress import (
    DASHBOARD_METRICS,
    ProgressDashboard,
    dashboard_default_division_code,
    progress_dashboard_get,
)
from ..services.progress import progress_job_request
from ..tasks import progress_job_run_task

OUT_OF_SCOPE = "没有找到该区划，或不在您的管辖范围内。"
STATUS_COLOURS = {"green": "#198754", "amber": "#fd7e14", "red": "#dc3545", "": "#6c757d"}


def _percent(rate: Decimal | None) -> float | None:
    return None if rate is None else float((rate * 100).quantize(Decimal("0.01")))


def _dashboard_url(*, year: int, metric: str, division: str, as_of: datetime.date | None = None) -> str:
    query = {"year": year, "metric": metric, "division": division}
    if as_of:
        query["as_of"] = as_of.isoformat()
    return f"{reverse('progress_dashboard')}?{urlencode(query)}"


def _dashboard_of(request: AuthenticatedHttpRequest, form: DashboardForm) -> ProgressDashboard:
    try:
        return progress_dashboard_get(
            user=request.user,
            year=form.cleaned_data["year"],
            metric=form.cleaned_data["metric"],
            division_code=form.cleaned_data["division"],
            as_of=form.cleaned_data["as_of"],
        )
    except DivisionOutOfScope:
        raise Http404(OUT_OF_SCOPE) from None


def _dashboard_form(request: AuthenticatedHttpRequest) -> DashboardForm:
    default = dashboard_default_division_code(user=request.user)
    return DashboardForm(request.GET, today=timezone.localdate(), default_division=default)


def _chart(dashboard: ProgressDashboard, links: list[str | None]) -> dict[str, Any]:
    """What the two ECharts charts draw, as percentages."""
    return {
        "isRate": dashboard.is_rate,
        "names": [row.name for row in dashboard.rows],
        "links": links,
        "rates": [_percent(row.completion_rate) for row in dashboard.rows],
        "colours": [STATUS_COLOURS[row.status] for row in dashboard.rows],
        "targets": [_percent(row.target) for row in dashboard.rows] if dashboard.is_rate else [],
        "timeProgress": _percent(dashboard.time_progress),
        "trend": {
            "dates": [f"{date.month}月{date.day}日" for date in dashboard.trend_dates],
            "timeProgress": [_percent(rate) for rate in dashboard.trend_time_progress],
            "series": [
                {"name": series.name, "rates": [_percent(rate) for rate in series.completion_rates]}
                for series in dashboard.trend
            ],
            "shown": dashboard.own.name if dashboard.own else None,
        },
    }


@login_required
@permission_required(VIEW_PROGRESS, raise_exception=True)
@reads_from_replica
def progress_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _dashboard_form(request)
    if not form.is_valid():
        return render(request, "targets/dashboard.html", {"form": form}, status=400)
    dashboard = _dashboard_of(request, form)
    year, metric = dashboard.year, dashboard.metric
    links = [
        _dashboard_url(year=year, metric=metric, division=row.code, as_of=dashboard.as_of) if row.drillable else None
        for row in dashboard.rows
    ]
    today = timezone.localdate()
    context = {
        "form": form,
        "dashboard": dashboard,
        "rows": list(zip(dashboard.rows, links, strict=True)),
        "chart": _chart(dashboard, links),
        "tabs": [
            (tab, tab.label, _dashboard_url(year=year, metric=tab, division=dashboard.division.code))
            for tab in DASHBOARD_METRICS
        ],
        "breadcrumbs": [
            (division.name, _dashboard_url(year=year, metric=metric, division=division.code))
            for division in dashboard.ancestors
        ],
        "export_url": f"{reverse('progress_export')}?{request.GET.urlencode()}",
        "refresh_date": default_refresh_date(year=year, today=today) if year <= today.year else None,
    }
    return render(request, "targets/dashboard.html", context)


@login_required
@permission_required(VIEW_PROGRESS, raise_exception=True)
@reads_from_replica
def progress_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _dashboard_form(request)
    if not form.is_valid():
        return render(request, "targets/dashboard.html", {"form": form}, status=400)
    dashboard = _dashboard_of(request, form)
    if dashboard.as_of is None or not dashboard.rows:
        raise Http404("该日期没有进度快照。")
    unit = request.user.division.name if request.user.division else "全省"
    report = progress_report(dashboard=dashboard, unit=unit)
    return report_xlsx_response(report, file_name=f"{report.title}（截至{dashboard.as_of:%Y-%m-%d}）.xlsx")


# --- The refresh button -------------------------------------------------------------------------------------------


def _return_query(data: Any) -> str:
    """The dashboard a job was asked from (division and tab), carried to its progress page and back."""
    query = {name: data.get(name) for name in ("division", "metric") if data.get(name)}
    return urlencode(query)


@login_required
@permission_required(VIEW_PROGRESS, raise_exception=True)
@require_POST
def progress_refresh(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RefreshForm(request.POST, today=timezone.localdate())
    back = _return_query(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(f"{reverse('progress_dashboard')}?{back}")
    job, new = progress_job_request(
        actor=request.user,
        year=form.cleaned_data["year"],
        as_of=form.cleaned_data["as_of"],
    )
    if not new:
        asked_at = timezone.localtime(job.created_at)
        messages.info(request, f"{job}的计算已在进行中（{asked_at:%H:%M}发起），这里显示它的进度，无需重复计算。")
    if job_submission_deferred(task=progress_job_run_task, job_id=job.pk):
        messages.warning(request, SUBMISSION_DEFERRED_MESSAGE)
    return redirect(f"{reverse('progress_job_detail', args=[job.pk])}?{back}")


@login_required
@permission_required(VIEW_PROGRESS, raise_exception=True)
def progress_job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = ProgressJob.objects.filter(pk=pk).first()
    if job is None:
        raise Http404("没有找到该计算任务。")
    back = {name: request.GET.get(name) for name in ("division", "metric")}
    context = {
        "job": job,
        "finished": job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED),
        "percent_done": job.levels_done * 100 // job.levels_total if job.levels_total else 0,
        "poll_url": request.get_full_path(),
        "dashboard_url": _dashboard_url(
            year=job.year,
            metric=back["metric"] or TargetMetric.SUBSIDISED_NEWBORNS,
            division=back["division"] or dashboard_default_division_code(user=request.user),
            as_of=job.as_of,
        ),
    }
    polled = request.headers.get("HX-Request")
    return render(request, "targets/dashboard_job_progress.html" if polled else "targets/dashboard_job.html", context)
