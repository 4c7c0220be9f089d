"""公安户籍落户: the police registry tells us a child was registered in a household, with the ID number it now holds.

The birth awaiting that number (a newborn registered with a placeholder identity, R7.5) is found by its birth
certificate number, else by the mother's ID number and the birth date; exactly one match completes the identity
through newborns.services.newborn_identity_complete, and the newborn's enrollment continues under the real number.
No match, or several, waits for a clerk: a number is never guessed onto a child.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column
from newborns.models import BirthGender

from .base import Feed, FeedResult
from .fields import FeedIdNumberField, date_not_after_today


class HouseholdRegistrationSerializer(serializers.Serializer):
    id_number = FeedIdNumberField(label="身份证号", help_text="落户后的18位公民身份号码")
    name = serializers.CharField(label="姓名", max_length=64)
    gender = serializers.ChoiceField(label="性别", choices=BirthGender.choices, help_text="M 男，F 女")
    birth_date = serializers.DateField(label="出生日期")
    birth_certificate_no = serializers.CharField(
        label="出生医学证明编号", max_length=32, required=False, allow_blank=True, default=""
    )
    mother_id_number = FeedIdNumberField(label="母亲身份证号", required=False, allow_blank=True, default="")
    registration_date = serializers.DateField(label="落户日期")
    division = serializers.RegexField(
        r"^[0-9]{9}([0-9]{3})?$",
        label="户籍地代码",
        help_text="落户所在乡镇或村（社区）的9位或12位区划代码",
        error_messages={"invalid": "户籍地代码应为9位或12位区划代码。"},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_not_after_today(attrs["birth_date"], "出生日期")
        date_not_after_today(attrs["registration_date"], "落户日期")
        if attrs["registration_date"] < attrs["birth_date"]:
            raise serializers.ValidationError("落户日期早于出生日期。")
        if not attrs.get("birth_certificate_no") and not attrs.get("mother_id_number"):
            raise serializers.ValidationError("出生医学证明编号和母亲身份证号至少填写一项。")
        return attrs


class HouseholdRegistrationFeed(Feed):
    kind: ClassVar[str] = "household-registrations"
    label: ClassVar[str] = "公安户籍落户"
    serializer_class = HouseholdRegistrationSerializer
    columns = (
        Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
        Column("姓名", ("姓名",)),
        Column("性别", ("性别",)),
        Column("出生日期", ("出生日期",)),
        Column("出生医学证明编号", ("出生医学证明编号", "出生证编号", "出生医学证明号"), required=False),
        Column("母亲身份证号", ("母亲身份证号", "母亲公民身份号码"), required=False),
        Column("落户日期", ("落户日期", "登记日期")),
        Column("户籍地代码", ("户籍地代码", "户籍地区划代码", "落户地代码")),
    )

    def record_key(self, record: Mapping[str, Any]) -> str:
        return str(record["id_number"])

    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        raise NotImplementedError
