"""死亡、注销: the civil affairs / police registry tells us a person died or their registration was cancelled.

The resident is marked deceased or voided, with history. A paid year whose benefits have not started is offered
for refund (R12): the record names the enrollment so that a clerk opens its refund at the window; nothing is
refunded here.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column
from core.serializers import Serializer
from enrollment.models import Enrollment, EnrollmentStatus, Resident, ResidentStatus
from enrollment.selectors import resident_list

from ..models.records import FeedOutcome
from .base import Feed, FeedResult
from .fields import FeedDateField, FeedIdNumberField, LabelledChoiceField, context_today, date_not_after_today


class DeathType(models.TextChoices):
    DEATH = "death", "死亡"
    CANCELLATION = "cancellation", "注销"


class DeathSerializer(Serializer):
    id_number = FeedIdNumberField(label="身份证号")
    name = serializers.CharField(label="姓名", max_length=64)
    date = FeedDateField(label="日期", help_text="死亡日期或户籍注销日期")
    type = LabelledChoiceField(label="类型", choices=DeathType.choices, help_text="death 死亡，cancellation 注销")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = context_today(self)
        date_not_after_today(attrs["date"], "日期", today)
        return attrs


class DeathFeed(Feed):
    kind: ClassVar[str] = "deaths"
    label: ClassVar[str] = "死亡、注销"
    serializer_class = DeathSerializer
    columns = (
        Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
        Column("姓名", ("姓名",)),
        Column("日期", ("日期", "死亡日期", "注销日期")),
        Column("类型", ("类型", "死亡或注销")),
    )

    def record_key(self, record: Mapping[str, Any]) -> str:
        return f"{record['id_number']}:{record['type']}"

    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        """One query finds the chunk's residents in the actor's scope, one their enrollments whose benefits have not
        started; the statuses are written by one update per status and one bulk insert of history rows."""
        residents = {
            resident.id_number: resident
            for resident in resident_list(user=actor)
            .filter(id_number__in={record["id_number"] for record in records})
            .select_related(None)
            .only("id", "id_number", "name", "status", "merged_into_id")
        }
        waiting = _enrollments_not_started(resident_ids=[resident.pk for resident in residents.values()])
        results: list[FeedResult] = []
        changed: dict[int, tuple[Resident, str, str]] = {}
        for record in records:
            resident = residents.get(record["id_number"])
            result = _decide(record, resident=resident, changed=changed)
            if result is None:
                assert resident is not None
                status = STATUS_OF_TYPE[record["type"]]
                reason = f"{DeathType(record['type']).label}（{record['date']:%Y年%-m月%-d日}），由数据交换接收"
                changed[resident.pk] = (resident, status, reason)
                result = _applied(record, resident=resident, waiting=waiting.get(resident.pk, []))
            results.append(result)
        _statuses_write(actor=actor, changed=changed.values())
        return results

    def resolve(self, *, actor: User, record: Mapping[str, Any], resident_id: int, today: datetime.date) -> FeedResult:
        """A clerk chose the resident the record is about (a number typed wrong by the sending department)."""
        resident = resident_list(user=actor).filter(pk=resident_id).first()
        if resident is None:
            raise ValidationError({"resident": "没有找到该居民，或不在您的管辖范围内。"})
        result = _decide({**record, "name": resident.name}, resident=resident, changed={})
        if result is not None:
            raise ValidationError({"resident": result.message})
        status = STATUS_OF_TYPE[record["type"]]
        reason = f"{DeathType(record['type']).label}（{record['date']:%Y年%-m月%-d日}），数据交换待处理记录人工处理"
        _statuses_write(actor=actor, changed=[(resident, status, reason)])
        waiting = _enrollments_not_started(resident_ids=[resident.pk])
        return _applied(record, resident=resident, waiting=waiting.get(resident.pk, []))


STATUS_OF_TYPE = {DeathType.DEATH: ResidentStatus.DECEASED, DeathType.CANCELLATION: ResidentStatus.VOIDED}


def _decide(
    record: Mapping[str, Any], *, resident: Resident | None, changed: Mapping[int, tuple[Resident, str, str]]
) -> FeedResult | None:
    """Why the record is not applied (unknown, another name, already so), or None to apply it."""
    label = DeathType(record["type"]).label
    if resident is None:
        return FeedResult(FeedOutcome.QUEUED, "身份证号未在本辖区居民档案中登记，请人工核对。")
    if resident.name != record["name"]:
        return FeedResult(
            FeedOutcome.QUEUED, f"姓名与居民档案（{resident.name}）不一致，请人工核对后处理。", resident.pk
        )
    status = STATUS_OF_TYPE[record["type"]]
    if resident.status == status or resident.pk in changed:
        return FeedResult(FeedOutcome.UNCHANGED, f"居民档案已标记为{label}，本次未变更。", resident.pk)
    if resident.status not in (ResidentStatus.NORMAL, ResidentStatus.MOVED_OUT):
        return FeedResult(
            FeedOutcome.QUEUED,
            f"居民档案的人员状态为“{resident.get_status_display()}”，不能自动标记为{label}，请人工核对。",
            resident.pk,
        )
    return None


def _enrollments_not_started(*, resident_ids: Sequence[int]) -> dict[int, list[Enrollment]]:
    """The active enrollments of the residents whose benefit period has a start, oldest year first."""
    waiting: dict[int, list[Enrollment]] = {}
    enrollments = (
        Enrollment.objects.filter(
            resident_id__in=resident_ids, status=EnrollmentStatus.ACTIVE, benefit_start__isnull=False
        )
        .only("id", "resident_id", "insurance_year", "benefit_start")
        .order_by("insurance_year", "id")
    )
    for enrollment in enrollments:
        waiting.setdefault(enrollment.resident_id, []).append(enrollment)
    return waiting


def _applied(record: Mapping[str, Any], *, resident: Resident, waiting: Sequence[Enrollment]) -> FeedResult:
    """R12.1: a death before the benefit period of a paid year starts may be refunded; the clerk does it."""
    label = DeathType(record["type"]).label
    message = f"居民档案已标记为{label}（{record['date']:%Y年%-m月%-d日}）。"
    if record["type"] != DeathType.DEATH:
        return FeedResult(FeedOutcome.APPLIED, message, resident.pk)
    refundable = [enrollment for enrollment in waiting if enrollment.benefit_start > record["date"]]
    if not refundable:
        return FeedResult(FeedOutcome.APPLIED, message, resident.pk)
    years = "、".join(f"{enrollment.insurance_year}年度" for enrollment in refundable)
    message += f"{years}已缴费、待遇尚未开始，可由窗口按“待遇享受期前死亡”办理退费（R12.1、R12.2）。"
    return FeedResult(FeedOutcome.APPLIED, message, resident.pk, refund_enrollment_id=refundable[0].pk)


def _statuses_write(*, actor: User, changed: Iterable[tuple[Resident, str, str]]) -> None:
    """One update per status; the history rows written at once, each with its own reason."""
    now = timezone.now()
    by_status: dict[str, list[Resident]] = {}
    for resident, status, reason in changed:
        resident.status = status
        resident._change_reason = reason  # type: ignore[attr-defined]
        by_status.setdefault(status, []).append(resident)
    if not by_status:
        return
    for status, residents in by_status.items():
        Resident.objects.filter(pk__in=[resident.pk for resident in residents]).update(status=status, updated_at=now)
    everyone = [resident for residents in by_status.values() for resident in residents]
    full = Resident.objects.in_bulk([resident.pk for resident in everyone])
    for resident in everyone:
        full[resident.pk]._change_reason = resident._change_reason  # type: ignore[attr-defined]
    Resident.history.bulk_history_create(list(full.values()), default_user=actor, default_date=now)
