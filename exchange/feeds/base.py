"""The one interface of an inbound feed: what another department's system sends us, one kind of record at a time.

A feed declares its record's fields and checks (a DRF serializer, Chinese errors), the headings of its nightly file,
the natural key of a record (receiving it again changes nothing) and how a chunk of valid records is applied. The
exchange service (exchange.services.feed_receive) does the rest for every feed alike: validation, idempotency,
chunks, the batch and its records, by the API and by the bulk file.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column


@dataclass(frozen=True)
class FeedResult:
    outcome: str  # a FeedOutcome value (exchange.models.records)
    message: str  # Chinese: what came of the record, with the rule ids (e.g. "已完成落户登记，参保身份补全（R7.5）")
    resident_id: int | None = None
    # An enrollment the clerk may refund at the window because of the record (a death: R12); offered, not refunded.
    refund_enrollment_id: int | None = None


class Feed:
    kind: ClassVar[str]  # URL segment and bulk kind, e.g. "household-registrations"
    label: ClassVar[str]  # Chinese name, e.g. "公安户籍落户"
    serializer_class: ClassVar[type[serializers.Serializer]]  # ONE record's fields and checks, Chinese errors
    # The nightly file's headings: each Column.name is the label of the serializer field its cells fill.
    columns: ClassVar[tuple[Column, ...]]

    def record_key(self, record: Mapping[str, Any]) -> str:
        """The natural key of a validated record: the same key received again after it applied changes nothing."""
        raise NotImplementedError

    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        """Set-based: one result per record, same order. Looks people up in bulk (one query per chunk, scoped to
        actor's division), writes with bulk_create/update where possible; never one ORM round trip per record."""
        raise NotImplementedError

    def resolve(self, *, actor: User, record: Mapping[str, Any], resident_id: int, today: datetime.date) -> FeedResult:
        """Apply a queued record to the person a clerk chose (a resident in the clerk's scope). A feed without it
        can only be dismissed from the queue."""
        raise NotImplementedError
