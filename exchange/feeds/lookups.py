"""What the feeds of moves, school rolls, maternity reimbursements and employee-insurance lists share: the checks of
a record's person and dates, and the look-up of a chunk's people in the registry, scoped to the receiving user."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from accounts.scope import scope_queryset
from enrollment.models import Resident
from enrollment.rules import IdNumberError, RecordDateRefused, date_not_in_future_check, id_number_read
from enrollment.selectors import RESIDENT_DIVISION_FIELDS

NOT_REGISTERED = "身份证号未在居民档案中登记"
REGISTERED_ELSEWHERE = "该居民登记在其他区县，不在本辖区"


class FeedIdNumberField(serializers.CharField):
    """A full 18-character 公民身份号码 (GB 11643, R13.4), upper-cased; its birth date not after today (R13.0)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=18, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = str(super().to_internal_value(data))
        try:
            id_number, birth_date, _gender = id_number_read(text)
        except IdNumberError as error:
            raise serializers.ValidationError(str(error)) from None
        today = serializer_today(self)
        if birth_date > today:
            raise serializers.ValidationError(f"身份证号中的出生日期（{birth_date:%Y年%-m月%-d日}）晚于今天。")
        return id_number


def serializer_today(field_or_serializer: serializers.Field) -> datetime.date:
    """The day the record is received: `today` of the serializer's context (the feed's), else the local date."""
    today = field_or_serializer.context.get("today")
    return today if isinstance(today, datetime.date) else timezone.localdate()


def not_after_today(value: datetime.date, *, today: datetime.date, label: str) -> datetime.date:
    """R13.0: a record dated after today is refused, in the words of the enrollment services."""
    try:
        date_not_in_future_check(value=value, today=today, field="", label=label)
    except RecordDateRefused as error:
        raise serializers.ValidationError(str(error)) from None
    return value


def id_birth_date(id_number: str) -> datetime.date:
    return id_number_read(id_number)[1]


@dataclass(frozen=True)
class ChunkPeople:
    """The people of a chunk of records: those in the receiving user's scope by ID number, and the ID numbers that
    are registered but outside it."""

    in_scope: dict[str, Resident]
    elsewhere: frozenset[str]

    def missing_message(self, id_number: str) -> str:
        return REGISTERED_ELSEWHERE if id_number in self.elsewhere else NOT_REGISTERED


def residents_in_scope(*, actor: User) -> QuerySet[Resident]:
    return scope_queryset(Resident.objects.all(), user=actor, code_fields=RESIDENT_DIVISION_FIELDS)


def chunk_people(*, actor: User, id_numbers: Iterable[str], for_update: bool = False) -> ChunkPeople:
    """Two queries per chunk: the people in scope, then which of the others are registered at all."""
    wanted = set(id_numbers)
    people = residents_in_scope(actor=actor).filter(id_number__in=wanted)
    if for_update:
        people = people.select_for_update()
    in_scope = {person.id_number: person for person in people}
    missing = wanted - set(in_scope)
    elsewhere = (
        frozenset(Resident.objects.filter(id_number__in=missing).values_list("id_number", flat=True))
        if missing
        else frozenset()
    )
    return ChunkPeople(in_scope=in_scope, elsewhere=elsewhere)


NAME_DIFFERS = "姓名与居民档案不一致，待经办人核对身份证号和姓名"
