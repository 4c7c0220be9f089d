"""Pages of the target split (R10.1): a city splits its target among its counties, on the page or by a file."""

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

from accounts.permissions import SPLIT_TARGETS
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import DivisionOutOfScope
from core.excel import xlsx_response
from core.list_files import ListFileUnreadable

from ..forms import (
    ConfirmForm,
    ListUploadForm,
    SplitForm,
    SplitParametersForm,
)
from ..selectors.split import (
    split_cities,
    split_city_get,
    split_city_target,
    split_counties,
    split_default_city_code,
    split_history,
    split_targets,
)
from ..services.split import target_split_file_preview, target_split_save, target_split_template
from .progress import OUT_OF_SCOPE


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
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may be confirmed after the upload
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
