"""The exchange pages: batches received per county, a batch's records (and their Excel file), the queue of records
waiting for a clerk, and the deaths whose paid year a clerk may refund at the window."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import RESOLVE_EXCHANGE_RECORD, VIEW_EXCHANGE
from accounts.requests import AuthenticatedHttpRequest
from core.excel import report_xlsx_response
from core.lists import list_page
from enrollment.selectors import resident_get

from .exports import feed_batch_report
from .feeds import FEEDS
from .forms import FeedRecordDismissForm, FeedRecordFilterForm, FeedRecordResolveForm
from .models import FeedBatch, FeedOutcome, FeedRecord
from .selectors import (
    feed_batch_get,
    feed_batch_list,
    feed_record_get,
    feed_record_list,
    feed_record_queue,
    feed_refund_offers,
)
from .services import feed_record_dismiss, feed_record_resolve

BATCHES_PER_PAGE = 25
RECORDS_PER_PAGE = 50


def _labels() -> dict[str, str]:
    return {kind: feed.label for kind, feed in FEEDS.items()}


def _batch_or_404(request: AuthenticatedHttpRequest, pk: int) -> FeedBatch:
    batch = feed_batch_get(user=request.user, pk=pk)
    if batch is None:
        raise Http404("没有找到该批次，或不在您的管辖范围内。")
    return batch


@login_required
@permission_required(VIEW_EXCHANGE, raise_exception=True)
def exchange_batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_page(request, feed_batch_list(user=request.user), per_page=BATCHES_PER_PAGE)
    context = {
        "page": listing.page,
        "page_query": listing.link_query,
        "labels": _labels(),
        "queued": feed_record_queue(user=request.user).count(),
    }
    return render(request, "exchange/batch_list.html", context)


def _batch_records(request: AuthenticatedHttpRequest, batch: FeedBatch):
    form = FeedRecordFilterForm(request.GET)
    outcome = search = ""
    if form.is_valid():
        outcome, search = form.cleaned_data["outcome"], form.cleaned_data["q"]
    records = feed_record_list(user=request.user, batch=batch, outcome=outcome, search=search).order_by(
        "position", "id"
    )
    return form, records


@login_required
@permission_required(VIEW_EXCHANGE, raise_exception=True)
def exchange_batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    form, records = _batch_records(request, batch)
    listing = list_page(request, records, per_page=RECORDS_PER_PAGE)
    context = {
        "batch": batch,
        "label": _labels().get(batch.kind, batch.kind),
        "form": form,
        "page": listing.page,
        "page_query": listing.link_query,
        "counts": [(FeedOutcome(outcome).label, count) for outcome, count in batch.counts().items()],
    }
    return render(request, "exchange/batch_detail.html", context)


@login_required
@permission_required(VIEW_EXCHANGE, raise_exception=True)
def exchange_batch_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    _form, records = _batch_records(request, batch)
    report = feed_batch_report(user=request.user, batch=batch, records=records, today=timezone.localdate())
    return report_xlsx_response(report)


@login_required
@permission_required(RESOLVE_EXCHANGE_RECORD, raise_exception=True)
def exchange_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_page(
        request, feed_record_queue(user=request.user), per_page=RECORDS_PER_PAGE, search_fields=("record_key",)
    )
    context = {"page": listing.page, "page_query": listing.link_query, "labels": _labels()}
    return render(request, "exchange/queue.html", context)


def _payload_fields(record: FeedRecord) -> list[tuple[str, object, bool]]:
    """The record as received, by its fields' Chinese labels; ID numbers are masked on the page."""
    feed = FEEDS.get(record.kind)
    fields = feed.serializer_class().fields if feed is not None else {}
    payload = record.payload if isinstance(record.payload, dict) else {}
    return [
        (str(fields[name].label) if name in fields else name, value, "id_number" in name)
        for name, value in payload.items()
    ]


def _queued_or_404(request: AuthenticatedHttpRequest, pk: int) -> FeedRecord:
    record = feed_record_get(user=request.user, pk=pk)
    if record is None or record.outcome != FeedOutcome.QUEUED:
        raise Http404("没有找到该待处理记录，或不在您的管辖范围内。")
    return record


@login_required
@permission_required(RESOLVE_EXCHANGE_RECORD, raise_exception=True)
def exchange_record_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Link a queued record to a resident in the clerk's scope and apply it there."""
    record = _queued_or_404(request, pk)
    form = FeedRecordResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resident = resident_get(user=request.user, id_number=form.cleaned_data["id_number"].strip().upper())
        if resident is None:
            form.add_error("id_number", "没有找到该身份证号的居民，或不在您的管辖范围内。")
        else:
            try:
                feed_record_resolve(
                    actor=request.user,
                    record_id=record.pk,
                    resident_id=resident.pk,
                    note=form.cleaned_data["note"],
                    today=timezone.localdate(),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "已人工处理该记录。")
                return redirect("exchange_queue")
    context = {
        "record": record,
        "label": _labels().get(record.kind, record.kind),
        "fields": _payload_fields(record),
        "form": form,
        "dismiss_form": FeedRecordDismissForm(),
    }
    return render(request, "exchange/record_resolve.html", context, status=400 if form.errors else 200)


@login_required
@permission_required(RESOLVE_EXCHANGE_RECORD, raise_exception=True)
@require_POST
def exchange_record_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _queued_or_404(request, pk)
    form = FeedRecordDismissForm(request.POST)
    if form.is_valid():
        try:
            feed_record_dismiss(actor=request.user, record_id=record.pk, note=form.cleaned_data["note"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "已将该记录标记为不予处理。")
            return redirect("exchange_queue")
    context = {
        "record": record,
        "label": _labels().get(record.kind, record.kind),
        "fields": _payload_fields(record),
        "form": FeedRecordResolveForm(),
        "dismiss_form": form,
    }
    return render(request, "exchange/record_resolve.html", context, status=400)


@login_required
@permission_required(VIEW_EXCHANGE, raise_exception=True)
def exchange_refunds(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_page(request, feed_refund_offers(user=request.user), per_page=RECORDS_PER_PAGE)
    return render(request, "exchange/refunds.html", {"page": listing.page, "page_query": listing.link_query})
