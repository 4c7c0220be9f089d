"""What the feeds of moves, school rolls, maternity reimbursements and employee-insurance lists share: the look-up of
a chunk's people in the registry, scoped to the receiving user, and the words for a person not found."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from enrollment.models import Resident
from enrollment.rules import id_number_read
from enrollment.selectors import RESIDENT_DIVISION_FIELDS

from ..models import FeedOutcome
from .base import FeedResult

NOT_REGISTERED = "身份证号未在居民档案中登记"
REGISTERED_ELSEWHERE = "该居民登记在其他区县，不在本辖区"


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


class ResolvedByApplying:
    """A queued record a clerk settles by choosing the person it is about (a resident in the clerk's scope): the
    record is applied as if it had named that person's ID number and name. Refused, writing nothing, when it still
    cannot apply (the person already moved out on another date, deceased…), with the feed's reason."""

    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        raise NotImplementedError

    def resolve(self, *, actor: User, record: Mapping[str, Any], resident_id: int, today: datetime.date) -> FeedResult:
        resident = residents_in_scope(actor=actor).filter(pk=resident_id).first()
        if resident is None:
            raise ValidationError({"resident": "没有找到该居民，或不在您的管辖范围内。"})
        named = {**record, "id_number": resident.id_number, "name": resident.name}
        result = self.apply(actor=actor, records=[named], today=today)[0]
        if result.outcome not in (FeedOutcome.APPLIED, FeedOutcome.UNCHANGED):
            raise ValidationError({"resident": result.message})
        return result
