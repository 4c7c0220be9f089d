"""Moves out of the province (迁出) from public security's household registration (晋医保发〔2025〕3号 十一: 户口迁移).

A person found in the receiving user's scope is marked 迁出 (with a history row naming the receiving user) and the
move is kept; the township's uninsured ledger then shows them as 已迁出 (R13.5). A person not found, named otherwise
than in the registry, already moved out on another date, deceased or voided is queued for a clerk: never guessed.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column
from core.formatting import date_prose_text
from core.serializers import Serializer
from enrollment.models import Resident, ResidentStatus

from ..models import FeedOutcome, ResidentMove
from .base import Feed, FeedResult
from .fields import FeedDateField, FeedIdNumberField, context_today, date_not_after_today
from .lookups import NAME_DIFFERS, ResolvedByApplying, chunk_people, id_birth_date

MOVE_REASON = "公安户籍迁出信息：迁出省外"


class MoveSerializer(Serializer):
    id_number = FeedIdNumberField(label="身份证号", help_text="迁出人员的18位公民身份号码")
    name = serializers.CharField(label="姓名", max_length=64, help_text="应与居民档案一致")
    move_date = FeedDateField(label="迁出日期")
    destination = serializers.CharField(
        label="迁往地", max_length=100, required=False, allow_blank=True, default="", help_text="迁往地的区划名称"
    )

    def validate_move_date(self, value: datetime.date) -> datetime.date:
        date_not_after_today(value, "迁出日期", context_today(self))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["move_date"] < id_birth_date(attrs["id_number"]):
            raise serializers.ValidationError({"move_date": "迁出日期早于身份证号中的出生日期。"})
        return attrs


class MovesFeed(ResolvedByApplying, Feed):
    kind = "moves"
    label = "公安户籍迁出"
    serializer_class = MoveSerializer
    columns = (
        Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
        Column("姓名", ("姓名",)),
        Column("迁出日期", ("迁出日期",)),
        Column("迁往地", ("迁往地", "迁入地"), required=False),
    )

    def record_key(self, record: Mapping[str, Any]) -> str:
        return f"{record['id_number']}|{record['move_date']:%Y-%m-%d}"

    @transaction.atomic
    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        people = chunk_people(actor=actor, id_numbers=(record["id_number"] for record in records), for_update=True)
        resident_ids = [person.pk for person in people.in_scope.values()]
        recorded = set(
            ResidentMove.objects.filter(resident_id__in=resident_ids).values_list("resident_id", "move_date")
        )
        now = timezone.now()
        moved: dict[int, Resident] = {}
        new_moves: list[ResidentMove] = []
        results = []
        for record in records:
            person = people.in_scope.get(record["id_number"])
            if person is None:
                message = f"{people.missing_message(record['id_number'])}，迁出信息待经办人核实。"
                results.append(FeedResult(FeedOutcome.QUEUED, message))
                continue
            move = self._apply_one(record, person=person, recorded=recorded)
            if move.outcome == FeedOutcome.APPLIED:
                person.status, person.updated_at = ResidentStatus.MOVED_OUT, now
                moved[person.pk] = person
                new_moves.append(
                    ResidentMove(
                        resident=person,
                        move_date=record["move_date"],
                        destination=record.get("destination", ""),
                        recorded_by=actor,
                    )
                )
            results.append(move)
        if moved:
            changed = list(moved.values())
            Resident.objects.filter(pk__in=moved).update(status=ResidentStatus.MOVED_OUT, updated_at=now)
            Resident.history.bulk_history_create(
                changed, update=True, default_user=actor, default_change_reason=MOVE_REASON, default_date=now
            )
            ResidentMove.objects.bulk_create(new_moves)
        return results

    @staticmethod
    def _apply_one(
        record: Mapping[str, Any],
        *,
        person: Resident,
        recorded: set[tuple[int, datetime.date]],
    ) -> FeedResult:
        """What comes of one record of a person found in scope; marks the move as recorded when it applies."""
        move_date: datetime.date = record["move_date"]
        if person.name != record["name"]:
            return FeedResult(FeedOutcome.QUEUED, f"{NAME_DIFFERS}（迁出）。", person.pk)
        if (person.pk, move_date) in recorded:
            return FeedResult(
                FeedOutcome.UNCHANGED, f"该居民{date_prose_text(move_date)}的迁出已登记，未作改动。", person.pk
            )
        if person.status == ResidentStatus.MOVED_OUT:
            message = "该居民已标记为迁出，本次迁出日期与已登记的不同，待经办人核实。"
            return FeedResult(FeedOutcome.QUEUED, message, person.pk)
        if person.status != ResidentStatus.NORMAL:
            message = f"居民档案状态为{person.get_status_display()}，不能标记为迁出，待经办人核实。"
            return FeedResult(FeedOutcome.QUEUED, message, person.pk)
        recorded.add((person.pk, move_date))
        destination = f"迁往{record['destination']}" if record.get("destination") else "迁出省外"
        message = f"已标记为迁出（{date_prose_text(move_date)}{destination}），未参保台账中显示为已迁出（R13.5）。"
        return FeedResult(FeedOutcome.APPLIED, message, person.pk)
