"""公安户籍落户: the police registry tells us a child was registered in a household, with the ID number it now holds.

The birth awaiting that number (a newborn registered with a placeholder identity, R7.5) is found by its birth
certificate number, else by the mother's ID number and the birth date; exactly one match completes the identity
through newborns.services.newborn_identity_complete, and the newborn's enrollment continues under the real number.
No match, or several, waits for a clerk: a number is never guessed onto a child.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column
from core.serializers import Serializer
from newborns.models import BirthGender, BirthRecord
from newborns.selectors.births import birth_record_list
from newborns.services import newborn_identity_complete

from ..models.records import FeedOutcome
from .base import Feed, FeedResult
from .fields import FeedDateField, FeedIdNumberField, LabelledChoiceField, context_today, date_not_after_today


class HouseholdRegistrationSerializer(Serializer):
    id_number = FeedIdNumberField(label="身份证号", help_text="落户后的18位公民身份号码")
    name = serializers.CharField(label="姓名", max_length=64)
    gender = LabelledChoiceField(label="性别", choices=BirthGender.choices, help_text="M 男，F 女")
    birth_date = FeedDateField(label="出生日期")
    birth_certificate_no = serializers.CharField(
        label="出生医学证明编号", max_length=32, required=False, allow_blank=True, default=""
    )
    mother_id_number = FeedIdNumberField(label="母亲身份证号", required=False, allow_blank=True, default="")
    registration_date = FeedDateField(label="落户日期")
    division = serializers.RegexField(
        r"^[0-9]{9}([0-9]{3})?$",
        label="户籍地代码",
        help_text="落户所在乡镇或村（社区）的9位或12位区划代码",
        error_messages={"invalid": "户籍地代码应为9位或12位区划代码。"},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = context_today(self)
        date_not_after_today(attrs["birth_date"], "出生日期", today)
        date_not_after_today(attrs["registration_date"], "落户日期", today)
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
        """One query loads the births in the actor's scope the chunk can name (by certificate or by mother); each
        record is matched in memory, and only a record with exactly one birth awaiting its number calls the service."""
        certificates = {record["birth_certificate_no"] for record in records if record["birth_certificate_no"]}
        mothers = {record["mother_id_number"] for record in records if record["mother_id_number"]}
        births = list(
            birth_record_list(user=actor)
            .filter(Q(birth_certificate_no__in=certificates) | Q(mother_id_number__in=mothers))
            .select_related("resident")
        )
        by_certificate = {birth.birth_certificate_no: birth for birth in births}
        by_mother: dict[tuple[str, datetime.date], list[BirthRecord]] = {}
        for birth in births:
            by_mother.setdefault((birth.mother_id_number, birth.birth_date), []).append(birth)
        completed: set[int] = set()
        results = []
        for record in records:
            result = _match(record, by_certificate=by_certificate, by_mother=by_mother)
            if isinstance(result, BirthRecord):
                result = _complete(actor=actor, birth=result, id_number=record["id_number"], completed=completed)
            results.append(result)
        return results

    def resolve(self, *, actor: User, record: Mapping[str, Any], resident_id: int, today: datetime.date) -> FeedResult:
        """A clerk chose the birth (by its placeholder resident) the registration belongs to."""
        birth = birth_record_list(user=actor).filter(resident_id=resident_id).select_related("resident").first()
        if birth is None:
            raise ValidationError({"resident": "所选居民不是本辖区待补录身份证号的新生儿。"})
        assert birth.resident is not None
        if not birth.resident.id_number_is_placeholder and birth.resident.id_number != record["id_number"]:
            raise ValidationError({"resident": "该新生儿已有另一个身份证号，不能再次补录。"})
        result = _complete(actor=actor, birth=birth, id_number=str(record["id_number"]), completed=set())
        if result.outcome != FeedOutcome.APPLIED:
            raise ValidationError({"resident": result.message})
        return result


def _match(
    record: Mapping[str, Any],
    *,
    by_certificate: Mapping[str, BirthRecord],
    by_mother: Mapping[tuple[str, datetime.date], list[BirthRecord]],
) -> BirthRecord | FeedResult:
    """The one birth the record belongs to, or why it waits for a clerk (or changes nothing)."""
    id_number = record["id_number"]
    birth = by_certificate.get(record["birth_certificate_no"]) if record["birth_certificate_no"] else None
    if birth is not None:
        candidates = [birth]
        matched_by = "出生医学证明编号"
    else:
        same_birth = by_mother.get((record["mother_id_number"], record["birth_date"]), [])
        candidates = [birth for birth in same_birth if birth.gender == record["gender"]]
        matched_by = "母亲身份证号和出生日期"
    for birth in candidates:
        assert birth.resident is not None
        if not birth.resident.id_number_is_placeholder and birth.resident.id_number == id_number:
            return FeedResult(
                FeedOutcome.UNCHANGED, "该新生儿已按此身份证号完成落户登记，本次未变更（R7.5）。", birth.resident_id
            )
    awaiting = [birth for birth in candidates if birth.resident is not None and birth.resident.id_number_is_placeholder]
    if len(awaiting) == 1:
        return awaiting[0]
    if not candidates:
        return FeedResult(
            FeedOutcome.QUEUED,
            "本辖区没有找到对应的新生儿出生登记（按出生医学证明编号、母亲身份证号和出生日期），请人工核对（R7.5）。",
        )
    if not awaiting:
        return FeedResult(
            FeedOutcome.QUEUED,
            f"按{matched_by}找到的新生儿已有另一个身份证号，与本次落户的身份证号不同，请人工核对（R7.5）。",
        )
    return FeedResult(
        FeedOutcome.QUEUED,
        f"按{matched_by}找到{len(awaiting)}名待补录身份证号的新生儿（如多胞胎），无法确定对应哪一名，请人工选择（R7.5）。",
    )


def _complete(*, actor: User, birth: BirthRecord, id_number: str, completed: set[int]) -> FeedResult:
    if birth.pk in completed:
        return FeedResult(FeedOutcome.QUEUED, "同一新生儿在本批次中收到了两个身份证号，请人工核对（R7.5）。")
    try:
        with transaction.atomic():
            birth = newborn_identity_complete(actor=actor, record=birth, id_number=id_number)
    except ValidationError as error:
        reasons = "".join(str(message).rstrip("。") + "。" for message in error.messages)
        return FeedResult(FeedOutcome.QUEUED, f"不能自动补录身份证号：{reasons}请人工处理（R7.5）。", birth.resident_id)
    completed.add(birth.pk)
    return FeedResult(FeedOutcome.APPLIED, "已完成落户登记，参保身份补全（R7.5）。", birth.resident_id)
