"""Pages of the township's Excel ledger imported back (R13.5): upload, preview, confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE_UNINSURED_PERSON
from accounts.requests import AuthenticatedHttpRequest

from ..forms import LedgerImportForm
from ..models import UninsuredLedgerImportBatch, UninsuredPerson
from ..selectors import uninsured_ledger_import_batches
from ..services.imports import uninsured_ledger_import_confirm, uninsured_ledger_import_stage
from .ledgers import NOT_FOUND, ledger_page_url, township_from, year_from

ROWS_SHOWN = 200

# --- The township's Excel ledger, imported back -------------------------------------------------------------------


def _change_text(field_name: str, value: object) -> str:
    field = UninsuredPerson._meta.get_field(field_name)
    if value in (None, ""):
        return "（空）"
    return str(dict(field.choices or ()).get(value, value))  # type: ignore[union-attr]


def _changes_shown(changes: list[tuple[str, object]]) -> list[tuple[str, str]]:
    return [
        (str(UninsuredPerson._meta.get_field(field).verbose_name), _change_text(field, value))  # type: ignore[union-attr]
        for field, value in changes
    ]


def _import_batch_or_404(request: AuthenticatedHttpRequest, pk: int) -> UninsuredLedgerImportBatch:
    batch = uninsured_ledger_import_batches(user=request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404(UninsuredLedgerImportBatch.not_found_message)
    return batch


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_ledger_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    township = township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = year_from(request, township)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = uninsured_ledger_import_stage(
            actor=request.user,
            township=township,
            year=year,
            file_name=upload.name,
            content=upload.read(),
            today=timezone.localdate(),
        )
        return redirect("uninsured_ledger_import_preview", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    context = {"township": township, "year": year, "form": form, "back": ledger_page_url(township, year)}
    return render(request, "uninsured/import.html", context, status=status)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_ledger_import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _import_batch_or_404(request, pk)
    rows = batch.checked_rows[:ROWS_SHOWN]
    context = {
        "batch": batch,
        "township": batch.township,
        "year": batch.year,
        "changes": [(row, _changes_shown(row["changes"])) for row in rows],
        "row_errors": batch.row_errors[:ROWS_SHOWN],
        "rows_shown": ROWS_SHOWN,
        "back": ledger_page_url(batch.township, batch.year),
    }
    return render(request, "uninsured/import_preview.html", context)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
@require_POST
def uninsured_ledger_import_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _import_batch_or_404(request, pk)
    try:
        batch = uninsured_ledger_import_confirm(actor=request.user, batch=batch, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("uninsured_ledger_import_preview", pk=batch.pk)
    messages.success(request, f"已导入：更新{len(batch.checked_rows)}人，{batch.unchanged_count}人无变化。")
    return redirect(ledger_page_url(batch.township, batch.year))
