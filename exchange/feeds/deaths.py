"""死亡、注销: the civil affairs / police registry tells us a person died or their registration was cancelled.

The resident is marked deceased or voided, with history. A paid year whose benefits have not started is offered
for refund (R12): the record names the enrollment so that a clerk opens its refund at the window; nothing is
refunded here.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.db import models
from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column

from .base import Feed, FeedResult
from .fields import FeedIdNumberField, date_not_after_today


class DeathType(models.TextChoices):
    DEATH = "death", "死亡"
    CANCELLATION = "cancellation", "注销"


class DeathSerializer(serializers.Serializer):
    id_number = FeedIdNumberField(label="身份证号")
    name = serializers.CharField(label="姓名", max_length=64)
    date = serializers.DateField(label="日期", help_text="死亡日期或户籍注销日期")
    type = serializers.ChoiceField(label="类型", choices=DeathType.choices, help_text="death 死亡，cancellation 注销")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_not_after_today(attrs["date"], "日期")
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
        raise NotImplementedError
