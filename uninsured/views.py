"""Pages of the uninsured ledger (未参保台账, R13.5): the pushed lists and their signing, the township's ledger with
its counts, one person's outcome, the people found by the township, and the Excel files both ways.

A township or person outside the user's scope answers 404; a user without the permission answers 403.
"""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE_UNINSURED_PERSON, PUSH_UNINSURED_LIST, VIEW_UNINSURED
from accounts.personal_data import id_number_on_page
from accounts.scope import DivisionOutOfScope
from core.excel import report_xlsx_response, xlsx_response
from core.lists import list_page
from divisions.models import Division

from .forms import (
    LedgerFilterForm,
    LedgerImportForm,
    UninsuredOutcomeForm,
    UninsuredPersonForm,
    UninsuredPushForm,
)
from .models import UninsuredPerson
from .resources import push_template_bytes, uninsured_ledger_report
from .selectors import (
    uninsured_default_township_code,
    uninsured_ledger_counts,
    uninsured_ledger_people,
    uninsured_ledger_rows,
    uninsured_list_progress,
    uninsured_lists,
    uninsured_person_get,
    uninsured_township_get,
    uninsured_townships,
    uninsured_villages,
    uninsured_years,
)
from .services import (
    OUTCOME_FIELDS,
    StagedUpload,
    uninsured_ledger_import_check,
    uninsured_ledger_import_confirm,
    uninsured_list_sign,
    uninsured_list_signer,
    uninsured_person_create,
    uninsured_person_update,
    uninsured_push_check,
    uninsured_push_confirm,
    uninsured_upload_content,
    uninsured_upload_discard,
    uninsured_upload_stage,
)

LISTS_PER_PAGE = 20
PEOPLE_PER_PAGE = 50
ROWS_SHOWN = 200
SESSION_UPLOADS = "uninsured_uploads"
UPLOADS_REMEMBERED = 5
NOT_FOUND = "没有找到该乡镇（街道），或不在您的管辖范围内。"


# --- Uploads between preview and confirm: the file on disk (services.StagedUpload), its record in the session ----


def _remember(request: HttpRequest, *, kind: str, staged: StagedUpload, parameters: dict[str, Any]) -> None:
    uploads = dict(request.session.get(SESSION_UPLOADS, {}))
    uploads[staged.token] = {"kind": kind, **staged.as_session(), **parameters}
    while len(uploads) > UPLOADS_REMEMBERED:
        oldest = uploads.pop(next(iter(uploads)))
        uninsured_upload_discard(staged=StagedUpload.from_session(oldest))
    request.session[SESSION_UPLOADS] = uploads


def _remembered(request: HttpRequest, *, kind: str, token: str) -> tuple[StagedUpload, dict[str, Any]]:
    """An upload of this session; another session's token (or a forgotten one) does not exist."""
    data = request.session.get(SESSION_UPLOADS, {}).get(token)
    if data is None or data["kind"] != kind:
        raise Http404("没有找到该上传文件，请重新上传。")
    return StagedUpload.from_session(data), data


def _forget(request: HttpRequest, staged: StagedUpload) -> None:
    uninsured_upload_discard(staged=staged)
    uploads = dict(request.session.get(SESSION_UPLOADS, {}))
    uploads.pop(staged.token, None)
    request.session[SESSION_UPLOADS] = uploads


# --- The pushed lists ---------------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW_UNINSURED, raise_exception=True)
def uninsured_list_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    listing = list_page(request, uninsured_lists(user=user), per_page=LISTS_PER_PAGE)  # type: ignore[arg-type]
    progress = uninsured_list_progress(lists=list(listing.page), today=timezone.localdate())
    signable = {
        item.uninsured_list.pk
        for item in progress
        if item.uninsured_list.signed_at is None
        and uninsured_list_signer(actor=user, uninsured_list=item.uninsured_list)  # type: ignore[arg-type]
    }
    return render(
        request,
        "uninsured/lists.html",
        {
            "page": listing.page,
            "page_query": listing.link_query,
            "progress": progress,
            "signable": signable,
            "today": timezone.localdate(),
        },
    )


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
@require_POST
def uninsured_list_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    uninsured_list = uninsured_lists(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if uninsured_list is None:
        raise Http404("没有找到该名单。")
    try:
        uninsured_list = uninsured_list_sign(actor=request.user, uninsured_list=uninsured_list)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已签领「{uninsured_list.title}」，请逐人反馈工作情况。")
    return redirect("uninsured_lists")


# --- The province pushes a list down ------------------------------------------------------------------------------


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push(request: HttpRequest) -> HttpResponse:
    form = UninsuredPushForm(request.POST or None, request.FILES or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = uninsured_upload_stage(file_name=upload.name, content=upload.read())
        parameters = {"year": form.cleaned_data["year"], "deadline": form.cleaned_data["deadline"].isoformat()}
        _remember(request, kind="push", staged=staged, parameters=parameters)
        return redirect("uninsured_push_preview", token=staged.token)
    status = 400 if request.method == "POST" else 200
    return render(request, "uninsured/push.html", {"form": form}, status=status)


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(push_template_bytes(), "未参保人员名单模板.xlsx")


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push_preview(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = _remembered(request, kind="push", token=token)
    try:
        content = uninsured_upload_content(staged=staged)
    except ValidationError as error:
        _forget(request, staged)
        messages.error(request, "；".join(error.messages))
        return redirect("uninsured_push")
    preview = uninsured_push_check(
        actor=request.user,  # type: ignore[arg-type]
        year=parameters["year"],
        file_name=staged.file_name,
        content=content,
    )
    context = {
        "staged": staged,
        "year": parameters["year"],
        "deadline": datetime.date.fromisoformat(parameters["deadline"]),
        "preview": preview,
        "rows": preview.rows[:ROWS_SHOWN],
        "row_errors": preview.row_errors[:ROWS_SHOWN],
        "rows_shown": ROWS_SHOWN,
    }
    return render(request, "uninsured/push_preview.html", context)


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
@require_POST
def uninsured_push_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = _remembered(request, kind="push", token=token)
    try:
        result = uninsured_push_confirm(
            actor=request.user,  # type: ignore[arg-type]
            year=parameters["year"],
            deadline=datetime.date.fromisoformat(parameters["deadline"]),
            file_name=staged.file_name,
            content=uninsured_upload_content(staged=staged),
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("uninsured_push_preview", token=token)
    _forget(request, staged)
    messages.success(
        request,
        f"已下发{len(result.lists)}份名单：新增{result.created}人，"
        f"关联乡镇自行摸排的{result.linked}人，已在其他名单中的{result.kept}人保持不变。",
    )
    return redirect("uninsured_lists")


# --- A township's ledger ------------------------------------------------------------------------------------------


def _township_from(request: HttpRequest, code: str | None) -> Division | None:
    """The township asked for, else the user's own (or the first of their scope with a ledger); None: there is none."""
    code = code or uninsured_default_township_code(user=request.user)  # type: ignore[arg-type]
    if not code:
        return None
    try:
        return uninsured_township_get(user=request.user, code=code)  # type: ignore[arg-type]
    except DivisionOutOfScope:
        raise Http404(NOT_FOUND) from None


def _year_from(request: HttpRequest, township: Division) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and len(text) == 4:
        return int(text)
    years = uninsured_years(township=township)
    return years[0] if years else timezone.localdate().year


def _ledger_url(township: Division, year: int, **filters: str) -> str:
    query = {"township": township.code, "year": year, **{key: value for key, value in filters.items() if value}}
    return f"{reverse('uninsured_ledger')}?{urlencode(query)}"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(reverse("uninsured_ledger")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return fallback


def _ledger_title(township: Division, year: int) -> str:
    return f"{township.name}{year}年度未参保人员台账"


@login_required
@permission_required(VIEW_UNINSURED, raise_exception=True)
def uninsured_ledger(request: HttpRequest) -> HttpResponse:
    user = request.user
    township = _township_from(request, request.GET.get("township"))
    context: dict[str, Any] = {"townships": uninsured_townships(user=user), "township": township}  # type: ignore[arg-type]
    if township is None:
        return render(request, "uninsured/ledger.html", context)
    villages = uninsured_villages(township=township)
    form = LedgerFilterForm(request.GET, villages=villages)
    context["form"] = form
    if not form.is_valid():
        return render(request, "uninsured/ledger.html", context, status=400)
    year = form.cleaned_data["year"] or _year_from(request, township)
    filters = {
        "village": form.cleaned_data["village"],
        "step": form.cleaned_data["step"],
        "q": form.cleaned_data["q"].strip(),
    }
    people = uninsured_ledger_people(
        user=user,  # type: ignore[arg-type]
        township=township,
        year=year,
        village_code=filters["village"],
        step=filters["step"],
        query=filters["q"],
    )
    page_query = urlencode({"township": township.code, "year": year, **filters})
    page = list_page(request, people, per_page=PEOPLE_PER_PAGE, link_query=page_query).page
    ledger_url = _ledger_url(township, year, **filters)
    context.update(
        {
            "title": _ledger_title(township, year),
            "year": year,
            "years": uninsured_years(township=township),
            "filters": filters,
            "page": page,
            "rows": [(person, id_number_on_page(person.id_number)) for person in page],
            "counts": uninsured_ledger_counts(township=township, year=year),
            "page_query": page_query,
            "ledger_url": f"{ledger_url}&page={page.number}" if page.number > 1 else ledger_url,
        }
    )
    return render(request, "uninsured/ledger.html", context)


@login_required
@permission_required(VIEW_UNINSURED, raise_exception=True)
def uninsured_ledger_export(request: HttpRequest) -> HttpResponse:
    township = _township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = _year_from(request, township)
    title = _ledger_title(township, year)
    unit = f"{township.parent.name}{township.name}" if township.parent else township.name
    report = uninsured_ledger_report(
        title=title,
        unit=unit,
        as_of=timezone.localdate(),
        rows=uninsured_ledger_rows(user=request.user, township=township, year=year),  # type: ignore[arg-type]
    )
    return report_xlsx_response(report)


# --- One person ---------------------------------------------------------------------------------------------------


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = uninsured_person_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    if person is None:
        raise Http404("没有找到该人员。")
    back = _safe_next(request, _ledger_url(person.township, person.year))
    form = UninsuredOutcomeForm(
        request.POST or None, initial={field: getattr(person, field) for field in OUTCOME_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            uninsured_person_update(
                actor=request.user,  # type: ignore[arg-type]
                person=person,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存{person.name}的工作情况。")
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    context = {
        "person": person,
        "form": form,
        "back": back,
        "id_number": id_number_on_page(person.id_number),
    }
    return render(request, "uninsured/person_edit.html", context, status=status)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_person_new(request: HttpRequest) -> HttpResponse:
    township = _township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = _year_from(request, township)
    villages = uninsured_villages(township=township)
    form = UninsuredPersonForm(request.POST or None, villages=villages, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            person = uninsured_person_create(
                actor=request.user,  # type: ignore[arg-type]
                township=township,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已将{person.name}加入{township.name}{person.year}年度未参保台账。")
            return redirect(_ledger_url(township, person.year))
    status = 400 if request.method == "POST" else 200
    context = {"township": township, "year": year, "form": form, "back": _ledger_url(township, year)}
    return render(request, "uninsured/person_new.html", context, status=status)


# --- The township's Excel ledger, imported back -------------------------------------------------------------------


def _change_text(field_name: str, value: object) -> str:
    field = UninsuredPerson._meta.get_field(field_name)
    if value in (None, ""):
        return "（空）"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(dict(field.choices or ()).get(value, value))  # type: ignore[union-attr]


def _changes_shown(changes: dict[str, object]) -> list[tuple[str, str]]:
    return [
        (str(UninsuredPerson._meta.get_field(field).verbose_name), _change_text(field, value))  # type: ignore[union-attr]
        for field, value in changes.items()
    ]


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_ledger_import(request: HttpRequest) -> HttpResponse:
    township = _township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = _year_from(request, township)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = uninsured_upload_stage(file_name=upload.name, content=upload.read())
        _remember(request, kind="ledger", staged=staged, parameters={"township": township.code, "year": year})
        return redirect("uninsured_ledger_import_preview", token=staged.token)
    status = 400 if request.method == "POST" else 200
    context = {"township": township, "year": year, "form": form, "back": _ledger_url(township, year)}
    return render(request, "uninsured/import.html", context, status=status)


def _import_township(request: HttpRequest, parameters: dict[str, Any]) -> Division:
    try:
        return uninsured_township_get(user=request.user, code=parameters["township"])  # type: ignore[arg-type]
    except DivisionOutOfScope:
        raise Http404(NOT_FOUND) from None


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_ledger_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = _remembered(request, kind="ledger", token=token)
    township = _import_township(request, parameters)
    year = parameters["year"]
    try:
        content = uninsured_upload_content(staged=staged)
    except ValidationError as error:
        _forget(request, staged)
        messages.error(request, "；".join(error.messages))
        return redirect(_ledger_url(township, year))
    preview = uninsured_ledger_import_check(
        township=township, year=year, file_name=staged.file_name, content=content, today=timezone.localdate()
    )
    context = {
        "staged": staged,
        "township": township,
        "year": year,
        "preview": preview,
        "changes": [(row, _changes_shown(row.changes)) for row in preview.rows[:ROWS_SHOWN]],
        "row_errors": preview.row_errors[:ROWS_SHOWN],
        "rows_shown": ROWS_SHOWN,
        "back": _ledger_url(township, year),
    }
    return render(request, "uninsured/import_preview.html", context)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
@require_POST
def uninsured_ledger_import_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = _remembered(request, kind="ledger", token=token)
    township = _import_township(request, parameters)
    year = parameters["year"]
    try:
        preview = uninsured_ledger_import_confirm(
            actor=request.user,  # type: ignore[arg-type]
            township=township,
            year=year,
            file_name=staged.file_name,
            content=uninsured_upload_content(staged=staged),
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("uninsured_ledger_import_preview", token=token)
    _forget(request, staged)
    messages.success(request, f"已导入：更新{len(preview.rows)}人，{preview.unchanged}人无变化。")
    return redirect(_ledger_url(township, year))
