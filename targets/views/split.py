"""Pages of the target split (R10.1): a city splits its target among its counties, on the page or by a file."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import SPLIT_TARGETS
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import DivisionOutOfScope
from core.batch_views import action_response, batch_or_404, batch_upload_stage
from core.excel import xlsx_response

from ..forms import (
    ConfirmForm,
    ListUploadForm,
    SplitForm,
    SplitParametersForm,
)
from ..models import TargetSplitBatch
from ..selectors.split import (
    split_cities,
    split_city_get,
    split_city_target,
    split_counties,
    split_default_city_code,
    split_history,
    split_targets,
    target_split_batches,
)
from ..services.split import target_split_confirm, target_split_save, target_split_stage, target_split_template
from .progress import OUT_OF_SCOPE


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
    batch = batch_upload_stage(
        request,
        form,
        lambda _data, **upload: target_split_stage(actor=request.user, city=city, year=year, **upload),
        file_error_on_form=True,
    )
    if batch is not None:
        context["batch"] = batch
        context["city_target"] = split_city_target(city=city, year=year)
        return render(request, "targets/target_split_import.html", context)
    return render(request, "targets/target_split_import.html", context, status=400 if form.errors else 200)


@login_required
@permission_required(SPLIT_TARGETS, raise_exception=True)
@require_POST
def target_split_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    batch: TargetSplitBatch = batch_or_404(target_split_batches(user=request.user), ConfirmForm.batch_id(request.POST))
    return action_response(
        request,
        action=lambda: target_split_confirm(actor=request.user, batch=batch),
        success_message=lambda _: f"已按导入文件保存{batch.city.name}{batch.year}年度资助新生儿参保目标的分解。",
        next_url=_split_url(year=batch.year, city=batch.city.code),
    )
