"""Reads of the exchange, scoped: a county's batches and records are seen by the users whose scope holds the county;
for everyone else they do not exist (404)."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from enrollment.models import EnrollmentStatus

from .models import FeedBatch, FeedOutcome, FeedRecord


def feed_batch_list(*, user: User, kind: str = "") -> QuerySet[FeedBatch]:
    """Batches received for a county in the user's scope, newest first."""
    batches = scope_queryset(FeedBatch.objects.all(), user=user, code_fields=("county__code",))
    if kind:
        batches = batches.filter(kind=kind)
    return batches.select_related("county", "sent_by")


def feed_batch_get(*, user: User, pk: int) -> FeedBatch | None:
    return feed_batch_list(user=user).filter(pk=pk).first()


def feed_record_list(
    *, user: User, batch: FeedBatch | None = None, outcome: str = "", search: str = ""
) -> QuerySet[FeedRecord]:
    """Records of batches the user may see, with the residents they name."""
    records = scope_queryset(FeedRecord.objects.all(), user=user, code_fields=("county__code",))
    if batch is not None:
        records = records.filter(batch=batch)
    if outcome:
        records = records.filter(outcome=outcome)
    search = search.strip()
    if search:
        records = records.filter(Q(record_key__startswith=search.upper()) | Q(message__contains=search))
    return records.select_related("resident", "batch")


def feed_record_queue(*, user: User) -> QuerySet[FeedRecord]:
    """QUEUED records of the user's counties, oldest first: what a clerk settles by hand."""
    return feed_record_list(user=user, outcome=FeedOutcome.QUEUED).order_by("received_at", "id")


def feed_record_get(*, user: User, pk: int) -> FeedRecord | None:
    return feed_record_list(user=user).filter(pk=pk).first()


def feed_refund_offers(*, user: User) -> QuerySet[FeedRecord]:
    """Deaths before a paid year's benefits start whose refund is still to be opened at the window (R12)."""
    records = scope_queryset(FeedRecord.objects.all(), user=user, code_fields=("county__code",))
    return (
        records.filter(refund_enrollment__isnull=False, refund_enrollment__status=EnrollmentStatus.ACTIVE)
        .select_related("resident", "refund_enrollment", "batch")
        .order_by("received_at", "id")
    )
