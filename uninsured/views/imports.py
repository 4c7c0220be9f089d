"""Pages of the township's Excel ledger imported back (R13.5): upload, preview, confirm."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE_UNINSURED_PERSON
from accounts.scope import DivisionOutOfScope
from divisions.models import Division

from ..forms import LedgerImportForm
from ..models import UninsuredPerson
from ..selectors import uninsured_township_get
from ..services.imports import uninsured_ledger_import_check, uninsured_ledger_import_confirm
from ..services.uploads import uninsured_upload_content, uninsured_upload_stage
from .ledgers import NOT_FOUND, ledger_page_url, township_from, year_from
from .uploads import ROWS_SHOWN, upload_forget, upload_remember, upload_remembered

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
    township = township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = year_from(request, township)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = uninsured_upload_stage(file_name=upload.name, content=upload.read())
        upload_remember(request, kind="ledger", staged=staged, parameters={"township": township.code, "year": year})
        return redirect("uninsured_ledger_import_preview", token=staged.token)
    status = 400 if request.method == "POST" else 200
    context = {"township": township, "year": year, "form": form, "back": ledger_page_url(township, year)}
    return render(request, "uninsured/import.html", context, status=status)


def _import_township(request: HttpRequest, parameters: dict[str, Any]) -> Division:
    try:
        return uninsured_township_get(user=request.user, code=parameters["township"])  # type: ignore[arg-type]
    except DivisionOutOfScope:
        raise Http404(NOT_FOUND) from None


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_ledger_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = upload_remembered(request, kind="ledger", token=token)
    township = _import_township(request, parameters)
    year = parameters["year"]
    try:
        content = uninsured_upload_content(staged=staged)
    except ValidationError as error:
        upload_forget(request, staged)
        messages.error(request, "；".join(error.messages))
        return redirect(ledger_page_url(township, year))
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
        "back": ledger_page_url(township, year),
    }
    return render(request, "uninsured/import_preview.html", context)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
@require_POST
def uninsured_ledger_import_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = upload_remembered(request, kind="ledger", token=token)
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
    upload_forget(request, staged)
    messages.success(request, f"已导入：更新{len(preview.rows)}人，{preview.unchanged}人无变化。")
    return redirect(ledger_page_url(township, year))
