"""Pages of the township's Excel ledger imported back (R13.5): upload, preview, confirm."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE_UNINSURED_PERSON
from accounts.requests import AuthenticatedHttpRequest
from core.batch_views import action_response, batch_or_404, batch_rows_context, batch_upload_stage

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
    return batch_or_404(uninsured_ledger_import_batches(user=request.user), pk)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_ledger_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    township = township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = year_from(request, township)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    batch = batch_upload_stage(
        request,
        form,
        lambda _data, **upload: uninsured_ledger_import_stage(
            actor=request.user, township=township, year=year, today=timezone.localdate(), **upload
        ),
    )
    if batch is not None:
        return redirect("uninsured_ledger_import_preview", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    context = {"township": township, "year": year, "form": form, "back": ledger_page_url(township, year)}
    return render(request, "uninsured/import.html", context, status=status)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_ledger_import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _import_batch_or_404(request, pk)
    shown = batch_rows_context(batch, rows_shown=ROWS_SHOWN)
    context = {
        **shown,
        "township": batch.township,
        "year": batch.year,
        "changes": [(row, _changes_shown(row["changes"])) for row in shown["rows"]],
        "back": ledger_page_url(batch.township, batch.year),
    }
    return render(request, "uninsured/import_preview.html", context)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
@require_POST
def uninsured_ledger_import_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _import_batch_or_404(request, pk)
    return action_response(
        request,
        action=lambda: uninsured_ledger_import_confirm(actor=request.user, batch=batch, today=timezone.localdate()),
        success_message=lambda done: f"已导入：更新{len(done.checked_rows)}人，{done.unchanged_count}人无变化。",
        next_url=ledger_page_url(batch.township, batch.year),
        refused_url=reverse("uninsured_ledger_import_preview", kwargs={"pk": batch.pk}),
        errors_joined=True,
    )
