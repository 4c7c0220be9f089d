"""School rolls (学籍) from the education departments (晋医保发〔2025〕3号 一（三）、十一;
陕医保发〔2024〕7号 二（五）).

Every valid roll is kept, one per student, school and school year. A first-time university or technical-school
student is then known: exchange.selectors.student_first_enrollment_roll tells the window that R9.1 applies to their
first enrollment at the school's location (the clerk chooses 大中专学生首次参保 with it). A student not registered in
the receiving user's scope is queued for a clerk only when the school lies in that scope: the school's county is
where the student enrolls.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from accounts.scope import user_can_see_division
from bulk.rules import Column
from core.serializers import Serializer
from divisions.models import Division

from ..models import FeedOutcome, StudentRoll
from ..models.school_rolls import FIRST_ENROLLMENT_SCHOOL_TYPES, SchoolType
from .base import Feed, FeedResult
from .fields import (
    FeedBooleanField,
    FeedDateField,
    FeedIdNumberField,
    LabelledChoiceField,
    context_today,
    date_not_after_today,
)
from .lookups import NAME_DIFFERS, ResolvedByApplying, chunk_people

DIVISION_CODE_LENGTHS = (6, 9, 12)
ROLL_FIELDS = ("name", "school_division_id", "school_type", "enrolment_date", "first_time")


class SchoolRollSerializer(Serializer):
    id_number = FeedIdNumberField(label="身份证号", help_text="学生的18位公民身份号码")
    name = serializers.CharField(label="姓名", max_length=64)
    school_name = serializers.CharField(label="学校名称", max_length=100)
    school_division = serializers.CharField(
        label="学校所在地代码",
        max_length=12,
        help_text="学校所在地的区划代码：6位区县代码，或9位乡镇、12位村（社区）代码",
    )
    enrolment_date = FeedDateField(label="入学日期")
    first_time = FeedBooleanField(label="是否新生", help_text="本学年新入学为 true（文件中写“是”）")
    school_type = LabelledChoiceField(
        label="学校类别",
        choices=SchoolType.choices,
        help_text="university 高等院校，technical 技工院校，primary_secondary 中小学（文件中可写中文名称）",
    )

    def validate_school_division(self, value: str) -> str:
        code = value.strip()
        if not (code.isascii() and code.isdigit() and len(code) in DIVISION_CODE_LENGTHS):
            raise serializers.ValidationError("学校所在地应为6位区县代码，或9位乡镇、12位村（社区）代码。")
        return code

    def validate_enrolment_date(self, value: datetime.date) -> datetime.date:
        date_not_after_today(value, "入学日期", context_today(self))
        return value


def first_enrollment_note(*, school_type: str, first_time: bool, school_county: str) -> str:
    """R9.1 for a first-time university or technical-school student, in the record's message; "" otherwise."""
    if not first_time or school_type not in FIRST_ENROLLMENT_SCHOOL_TYPES:
        return ""
    return (
        f"新入学{SchoolType(school_type).label}学生在学籍地（{school_county}）首次参保缴费的，"
        "待遇享受期自缴费之日起至次年12月31日，无等待期（R9.1）；窗口测算时将提示按大中专学生首次参保办理。"
    )


class SchoolRollsFeed(ResolvedByApplying, Feed):
    kind = "school-rolls"
    label = "教育部门学籍"
    serializer_class = SchoolRollSerializer
    columns = (
        Column("身份证号", ("身份证号", "公民身份号码", "学生身份证号")),
        Column("姓名", ("姓名", "学生姓名")),
        Column("学校名称", ("学校名称", "学校")),
        Column("学校所在地代码", ("学校所在地代码", "学校所在地区划代码", "学校区划代码")),
        Column("入学日期", ("入学日期",)),
        Column("是否新生", ("是否新生", "新生")),
        Column("学校类别", ("学校类别",)),
    )

    def record_key(self, record: Mapping[str, Any]) -> str:
        return f"{record['id_number']}|{record['school_name']}|{record['enrolment_date']:%Y}"

    @transaction.atomic
    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        counties = {record["school_division"][:6] for record in records}
        codes = {record["school_division"] for record in records}
        names = dict(Division.objects.filter(code__in=codes | counties).values_list("code", "name"))
        people = chunk_people(actor=actor, id_numbers=(record["id_number"] for record in records))
        kept = {
            (roll.id_number, roll.school_name, roll.school_year): roll
            for roll in StudentRoll.objects.filter(id_number__in={record["id_number"] for record in records})
        }
        now = timezone.now()
        created: dict[tuple[str, str, int], StudentRoll] = {}
        updated: dict[int, StudentRoll] = {}
        results = []
        for record in records:
            code = record["school_division"]
            if code not in names:
                results.append(FeedResult(FeedOutcome.REJECTED, f"学校所在地区划代码{code}不存在。"))
                continue
            person = people.in_scope.get(record["id_number"])
            resident = person if person is not None and person.name == record["name"] else None
            values = {
                "name": record["name"],
                "school_division_id": code,
                "school_type": record["school_type"],
                "enrolment_date": record["enrolment_date"],
                "first_time": record["first_time"],
            }
            key = (record["id_number"], record["school_name"], record["enrolment_date"].year)
            note = first_enrollment_note(
                school_type=record["school_type"],
                first_time=record["first_time"],
                school_county=names.get(code[:6], code[:6]),
            )
            resident_id = person.pk if person is not None else None
            roll = kept.get(key) or created.get(key)
            if roll is not None and roll.resident_id is None and resident is not None and roll.pk is not None:
                roll.resident, roll.updated_at = resident, now
                updated[roll.pk] = roll
                results.append(FeedResult(FeedOutcome.APPLIED, f"已将学籍关联到学生的居民档案。{note}", resident_id))
                continue
            if roll is not None:
                if all(getattr(roll, field) == values[field] for field in ROLL_FIELDS):
                    results.append(FeedResult(FeedOutcome.UNCHANGED, "该学籍已登记，未作改动。", resident_id))
                    continue
                for field, value in values.items():
                    setattr(roll, field, value)
                roll.resident, roll.updated_at = resident or roll.resident, now
                if roll.pk is not None:
                    updated[roll.pk] = roll
                results.append(FeedResult(FeedOutcome.APPLIED, f"学籍信息已更新。{note}", resident_id))
                continue
            created[key] = StudentRoll(
                id_number=record["id_number"],
                school_name=record["school_name"],
                school_year=record["enrolment_date"].year,
                resident=resident,
                recorded_by=actor,
                **values,
            )
            results.append(self._outcome(actor=actor, person=person, record=record, note=note))
        StudentRoll.objects.bulk_create(created.values())
        StudentRoll.objects.bulk_update(updated.values(), [*ROLL_FIELDS, "resident", "updated_at"])
        return results

    @staticmethod
    def _outcome(*, actor: User, person: Any, record: Mapping[str, Any], note: str) -> FeedResult:
        if person is not None and person.name != record["name"]:
            return FeedResult(FeedOutcome.QUEUED, f"已记录学籍。{NAME_DIFFERS}。", person.pk)
        if person is not None:
            return FeedResult(FeedOutcome.APPLIED, f"已记录学籍。{note}", person.pk)
        if user_can_see_division(user=actor, division_code=record["school_division"]):
            message = f"已记录学籍。学生未在本辖区居民档案中登记，学校在本辖区，待经办人登记后参保。{note}"
            return FeedResult(FeedOutcome.QUEUED, message)
        return FeedResult(FeedOutcome.APPLIED, "已记录学籍。学生未在本辖区登记，学校也不在本辖区，本辖区无需处理。")
