"""The interface of an inbound feed."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column


@dataclass(frozen=True)
class FeedResult:
    outcome: str
    message: str
    resident_id: int | None = None


class Feed:
    kind: ClassVar[str]
    label: ClassVar[str]
    serializer_class: ClassVar[type[serializers.Serializer]]
    columns: ClassVar[tuple[Column, ...]]

    def record_key(self, record: Mapping[str, Any]) -> str:
        raise NotImplementedError

    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        raise NotImplementedError
