"""Pages of targets and progress: the dashboards (R10.3) with their Excel file and refresh button, the split of a
city's target among its counties (R10.1), the population baselines (R10.2).

The dashboards read stored snapshots; only the refresh button computes, in a job whose progress the page polls.
A division outside the user's scope answers 404; a missing permission 403.
"""

import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import IMPORT_BASELINES, SPLIT_TARGETS, VIEW_PROGRESS
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import DivisionOutOfScope
from core.excel import report_xlsx_response, xlsx_response
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submission_deferred
from core.list_files import ListFileUnreadable

from .dashboard_exports import progress_report
from .dashboard_forms import (
    ConfirmForm,
    DashboardForm,
    ListUploadForm,
    RefreshForm,
    SplitForm,
    SplitParametersForm,
    default_refresh_date,
)
from .dashboard_selectors import (
    DASHBOARD_METRICS,
    ProgressDashboard,
    baseline_list,
    dashboard_default_division_code,
    progress_dashboard_get,
    split_cities,
    split_city_get,
    split_city_target,
    split_counties,
    split_default_city_code,
    split_history,
    split_targets,
)
from .models import JobStatus, ProgressJob, TargetMetric
from .services import progress_job_request
from .target_services import (
    baseline_errors_file,
    baseline_file_preview,
    baseline_import_confirm,
    baseline_template,
    target_split_file_preview,
    target_split_save,
    target_split_template,
)
from .tasks import progress_job_run_task

PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may be confirmed after the upload
PREVIEW_ROWS_SHOWN = 500
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


# --- The target split ---------------------------------------------------------------------------------------------


def _signed(payload: dict[str, Any], *, salt: str) -> str:
    return signing.dumps(payload, salt=salt, compress=True)


def _unsigned(request: AuthenticatedHttpRequest, *, salt: str) -> dict[str, Any] | None:
    """The payload a preview signed, if it is this user's and still fresh."""
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return None
    try:
        payload = signing.loads(form.cleaned_data["token"], salt=salt, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    return payload if payload.get("user") == request.user.pk else None


SPLIT_SALT = "targets.split_import"
PREVIEW_EXPIRED = "预览已失效（超过1小时或不是您上传的文件），请重新上传。"


def _split_parameters(request: AuthenticatedHttpRequest) -> SplitParametersForm:
    default = split_default_city_code(user=request.user)
    return SplitParametersForm(request.GET, today=timezone.localdate(), default_city=default)


def _split_city(request: AuthenticatedHttpRequest, parameters: SplitParametersForm):
    try:
        return split_city_get(user=request.user, city_code=parameters.cleaned_data["city"])
    except DivisionOutOfScope:
        raise Http404(OUT_OF_SCOPE) from None


def _split_url(*, year: int, city: str) -> str:
    return f"{reverse('target_split')}?{urlencode({'year': year, 'city': city})}"


@login_required
@permission_required(SPLIT_TARGETS, raise_exception=True)
def target_split(request: AuthenticatedHttpRequest) -> HttpResponse:
    parameters = _split_parameters(request)
    if not parameters.is_valid():
        return render(request, "targets/target_split.html", {"parameters": parameters}, status=400)
    year = parameters.cleaned_data["year"]
    if not parameters.cleaned_data["city"]:
        cities = split_cities(user=request.user, year=year)
        return render(request, "targets/target_split.html", {"parameters": parameters, "cities": cities, "year": year})
    city = _split_city(request, parameters)
    counties = split_counties(city=city)
    targets = split_targets(counties=counties, year=year)
    city_target = split_city_target(city=city, year=year)
    form = SplitForm(
        request.POST or None,
        counties=counties,
        initial_values={code: int(target.value) for code, target in targets.items()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target_split_save(actor=request.user, city=city, year=year, values=form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"已保存{city.name}{year}年度资助新生儿参保目标的分解。")
                return redirect(_split_url(year=year, city=city.code))
        status = 400
    context = {
        "parameters": parameters,
        "year": year,
        "city": city,
        "city_target": int(city_target.value) if city_target else None,
        "current_total": sum(int(target.value) for target in targets.values()),
        "form": form,
        "history": split_history(counties=counties, year=year),
    }
    return render(request, "targets/target_split.html", context, status=status)


@login_required
@permission_required(SPLIT_TARGETS, raise_exception=True)
def target_split_template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    parameters = _split_parameters(request)
    if not parameters.is_valid() or not parameters.cleaned_data["city"]:
        raise Http404("请先选择市。")
    city = _split_city(request, parameters)
    return xlsx_response(target_split_template(city=city), f"{city.name}目标分解模板.xlsx")


@login_required
@permission_required(SPLIT_TARGETS, raise_exception=True)
def target_split_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    parameters = _split_parameters(request)
    if not parameters.is_valid() or not parameters.cleaned_data["city"]:
        return render(request, "targets/target_split_import.html", {"parameters": parameters}, status=400)
    city = _split_city(request, parameters)
    year = parameters.cleaned_data["year"]
    form = ListUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"parameters": parameters, "city": city, "year": year, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = target_split_file_preview(city=city, year=year, file_name=upload.name, content=upload.read())
        except ListFileUnreadable as error:
            form.add_error("file", str(error))
        else:
            context["preview"] = preview
            context["city_target"] = split_city_target(city=city, year=year)
            if preview.can_confirm:
                payload = {"user": request.user.pk, "city": city.code, "year": year, "values": preview.values}
                context["token"] = _signed(payload, salt=SPLIT_SALT)
            return render(request, "targets/target_split_import.html", context)
    return render(request, "targets/target_split_import.html", context, status=400 if form.errors else 200)


@login_required
@permission_required(SPLIT_TARGETS, raise_exception=True)
@require_POST
def target_split_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    payload = _unsigned(request, salt=SPLIT_SALT)
    if payload is None:
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("target_split")
    try:
        city = split_city_get(user=request.user, city_code=payload["city"])
    except DivisionOutOfScope:
        raise Http404(OUT_OF_SCOPE) from None
    try:
        target_split_save(actor=request.user, city=city, year=payload["year"], values=payload["values"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已按导入文件保存{city.name}{payload['year']}年度资助新生儿参保目标的分解。")
    return redirect(_split_url(year=payload["year"], city=city.code))


# --- Population baselines -----------------------------------------------------------------------------------------

BASELINE_SALT = "targets.baseline_import"
BASELINE_ERRORS_SALT = "targets.baseline_import_errors"


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
        try:
            preview = baseline_file_preview(user=request.user, file_name=upload.name, content=upload.read())
        except ListFileUnreadable as error:
            form.add_error("file", str(error))
        else:
            context.update(
                preview=preview,
                rows_shown=PREVIEW_ROWS_SHOWN,
                shown_rows=(preview.bad_rows + preview.good_rows)[:PREVIEW_ROWS_SHOWN],
                file_name=upload.name,
            )
            if preview.good_rows and not preview.bad_rows:  # a file with a bad row is refused whole
                rows = [row.fields() for row in preview.good_rows]
                context["token"] = _signed({"user": request.user.pk, "rows": rows}, salt=BASELINE_SALT)
            if preview.bad_rows:
                errors = [{"row": row.row, "values": row.values, "errors": row.errors} for row in preview.bad_rows]
                context["errors_token"] = _signed({"user": request.user.pk, "rows": errors}, salt=BASELINE_ERRORS_SALT)
            return render(request, "targets/baseline_import.html", context)
    return render(request, "targets/baseline_import.html", context, status=400 if form.errors else 200)


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
@require_POST
def baseline_import_confirm_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    payload = _unsigned(request, salt=BASELINE_SALT)
    if payload is None:
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("baseline_import")
    try:
        result = baseline_import_confirm(actor=request.user, rows=payload["rows"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("baseline_import")
    messages.success(
        request, f"人口基数已导入：新增{result.created}条，更新{result.updated}条，无变化{result.unchanged}条。"
    )
    years = sorted({row["year"] for row in payload["rows"]})
    return redirect(f"{reverse('baseline_list')}?{urlencode({'year': years[-1]})}" if years else "baseline_list")


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
@require_POST
def baseline_import_errors(request: AuthenticatedHttpRequest) -> HttpResponse:
    payload = _unsigned(request, salt=BASELINE_ERRORS_SALT)
    if payload is None:
        raise Http404(PREVIEW_EXPIRED)
    return xlsx_response(baseline_errors_file(preview_rows=payload["rows"]), "人口基数错误行.xlsx")


@login_required
@permission_required(IMPORT_BASELINES, raise_exception=True)
def baseline_template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(baseline_template(), "人口基数导入模板.xlsx")
