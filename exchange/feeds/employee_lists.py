"""The employee-insurance system's lists (职工医保参保名单、停保名单): the years a person was insured under employee
insurance (R8.2: no break year, no cap penalty; R8.1: the continuous years of a stopper), recorded set-based through
enrollment's `employee_insured_years_record_many`, one per person and year, source 导入.

A person insured under employee insurance who also holds an active resident enrollment for the same year is enrolled
twice across schemes: the record's message says so, and the duplicate-enrollment job finds the pair later (R12.1).
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from rest_framework import serializers

from accounts.models import User
from bulk.rules import Column
from core.serializers import Serializer
from enrollment.models import EmployeeYearSource, Enrollment, EnrollmentStatus
from enrollment.services import EmployeeYearEntry, employee_insured_years_record_many

from ..models import FeedOutcome
from .base import Feed, FeedResult
from .fields import FeedDateField, FeedIdNumberField, context_today, date_not_after_today
from .lookups import NAME_DIFFERS, ResolvedByApplying, chunk_people, id_birth_date

DOUBLE_ENROLLMENT = "同年度已参加城乡居民医保，疑似重复参保（R12.1）。"
ID_COLUMN = Column("身份证号", ("身份证号", "公民身份号码", "身份证号码"))
NAME_COLUMN = Column("姓名", ("姓名",))
YEAR_COLUMN = Column("职工医保参保年度", ("职工医保参保年度", "参保年度", "年度"))


class EmployeeInsuredSerializer(Serializer):
    id_number = FeedIdNumberField(label="身份证号", help_text="18位公民身份号码")
    name = serializers.CharField(label="姓名", max_length=64, help_text="应与居民档案一致")
    year = serializers.IntegerField(label="职工医保参保年度", help_text="不能晚于今年，不能早于出生年份")

    def validate_year(self, value: int) -> int:
        today = context_today(self)
        if value > today.year:
            raise serializers.ValidationError(
                f"职工医保参保年度{value}年晚于今年（{today.year}年），不能登记尚未开始的年度。"
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        born = id_birth_date(attrs["id_number"])
        if attrs["year"] < born.year:
            message = f"职工医保参保年度{attrs['year']}年早于出生年份（{born.year}年）。"
            raise serializers.ValidationError({"year": message})
        return attrs


class EmployeeStoppedSerializer(EmployeeInsuredSerializer):
    stop_date = FeedDateField(label="停保日期", help_text="职工医保停保日期")

    def validate_stop_date(self, value: datetime.date) -> datetime.date:
        date_not_after_today(value, "停保日期", context_today(self))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs["stop_date"].year < attrs["year"]:
            raise serializers.ValidationError({"stop_date": "停保日期早于职工医保参保年度。"})
        return attrs


class EmployeeListFeed(ResolvedByApplying, Feed):
    """What the insured and the stopped lists share; the stopped list carries the stop date too."""

    reason: str

    def record_key(self, record: Mapping[str, Any]) -> str:
        return f"{record['id_number']}|{record['year']}"

    @transaction.atomic
    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        people = chunk_people(actor=actor, id_numbers=(record["id_number"] for record in records))
        entries = []
        for record in records:
            person = people.in_scope.get(record["id_number"])
            if person is not None and person.name == record["name"]:
                entries.append(EmployeeYearEntry(person, record["year"], record.get("stop_date")))
        recorded = employee_insured_years_record_many(
            actor=actor, entries=entries, source=EmployeeYearSource.IMPORT, reason=self.reason, today=today
        )
        doubled = set(
            Enrollment.objects.filter(
                resident_id__in={entry.resident.pk for entry in entries},
                insurance_year__in={entry.year for entry in entries},
                status=EnrollmentStatus.ACTIVE,
            ).values_list("resident_id", "insurance_year")
        )
        results = []
        created_seen: set[tuple[int, int]] = set()
        for record in records:
            person = people.in_scope.get(record["id_number"])
            if person is None:
                message = f"{people.missing_message(record['id_number'])}，{self.label}待经办人核实。"
                results.append(FeedResult(FeedOutcome.QUEUED, message))
                continue
            if person.name != record["name"]:
                results.append(FeedResult(FeedOutcome.QUEUED, f"{NAME_DIFFERS}（{self.label}）。", person.pk))
                continue
            key = (person.pk, record["year"])
            double = DOUBLE_ENROLLMENT if key in doubled else ""
            if key in recorded.created and key not in created_seen:
                created_seen.add(key)
                message = (
                    f"已登记{record['year']}年度为职工医保参保年度（R8.2：不计断保年度，不扣减大病保险最高支付限额）。"
                )
                results.append(FeedResult(FeedOutcome.APPLIED, message + double, person.pk))
            elif key in recorded.filled and key not in created_seen:
                created_seen.add(key)
                message = f"已补录{record['year']}年度职工医保的停保日期（R8.1）。"
                results.append(FeedResult(FeedOutcome.APPLIED, message + double, person.pk))
            else:
                message = f"该居民{record['year']}年度的职工医保参保已登记，未作改动。"
                results.append(FeedResult(FeedOutcome.UNCHANGED, message + double, person.pk))
        return results


class EmployeeInsuredFeed(EmployeeListFeed):
    kind = "employee-insured"
    label = "职工医保参保名单"
    reason = "职工医保参保名单"
    serializer_class = EmployeeInsuredSerializer
    columns = (ID_COLUMN, NAME_COLUMN, YEAR_COLUMN)


class EmployeeStoppedFeed(EmployeeListFeed):
    kind = "employee-stopped"
    label = "职工医保停保名单"
    reason = "职工医保停保名单"
    serializer_class = EmployeeStoppedSerializer
    columns = (ID_COLUMN, NAME_COLUMN, YEAR_COLUMN, Column("停保日期", ("停保日期", "职工医保停保日期")))
