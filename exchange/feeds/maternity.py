"""Maternity reimbursements (生育保险报销) from the employee-insurance system (陕医保发〔2024〕7号 二（二）、（三）):
the bureau learns of a birth from the mother's reimbursement and reminds her to enroll the baby (R7.1).

Every valid record is kept, one per mother and birth date. A mother found in the receiving user's scope is linked and
counted in her village; one not found, or named otherwise than in the registry, is kept under the receiving user's
division and queued for a clerk. The mothers whose baby is not yet registered are read by
exchange.selectors.maternity_mothers_babies_unenrolled, for outreach.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from bulk.rules import PHONE_PATTERN, Column
from core.serializers import Serializer
from newborns.models import BirthRecord

from ..models import FeedOutcome, MaternityReimbursement
from .base import Feed, FeedResult
from .fields import FeedDateField, FeedIdNumberField, context_today, date_not_after_today
from .lookups import NAME_DIFFERS, ResolvedByApplying, chunk_people, id_birth_date

MATERNITY_FIELDS = ("mother_name", "phone", "birth_certificate_no", "reimbursement_date")
BABY_REGISTERED = "婴儿已办理出生登记参保（R7.1）。"
BABY_NOT_REGISTERED = "婴儿尚未办理出生登记参保，列入提醒家长为婴儿参保的名单（R7.1）。"


class MaternitySerializer(Serializer):
    id_number = FeedIdNumberField(label="母亲身份证号", help_text="母亲的18位公民身份号码")
    name = serializers.CharField(label="母亲姓名", max_length=64)
    phone = serializers.CharField(label="联系电话", max_length=20, required=False, allow_blank=True, default="")
    birth_date = FeedDateField(label="婴儿出生日期")
    birth_certificate_no = serializers.CharField(
        label="出生医学证明编号", max_length=32, required=False, allow_blank=True, default=""
    )
    reimbursement_date = FeedDateField(label="报销日期", help_text="生育保险报销日期")

    def validate_phone(self, value: str) -> str:
        if not PHONE_PATTERN.match(value):
            raise serializers.ValidationError("联系电话只能包含数字、空格和+-()。")
        return value.strip()

    def validate_birth_date(self, value: datetime.date) -> datetime.date:
        date_not_after_today(value, "婴儿出生日期", context_today(self))
        return value

    def validate_reimbursement_date(self, value: datetime.date) -> datetime.date:
        date_not_after_today(value, "报销日期", context_today(self))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["birth_date"] <= id_birth_date(attrs["id_number"]):
            raise serializers.ValidationError({"birth_date": "婴儿出生日期应晚于母亲的出生日期。"})
        if attrs["reimbursement_date"] < attrs["birth_date"]:
            raise serializers.ValidationError({"reimbursement_date": "报销日期早于婴儿出生日期。"})
        attrs["birth_certificate_no"] = attrs["birth_certificate_no"].strip().upper()
        return attrs


def births_registered(records: Sequence[Mapping[str, Any]]) -> tuple[set[str], set[tuple[str, datetime.date]]]:
    """One query: the certificates, and the (mother's ID number, birth date) pairs, of the chunk's babies already
    registered (出生登记) anywhere in the province."""
    certificates = {record["birth_certificate_no"] for record in records if record["birth_certificate_no"]}
    mothers = {record["id_number"] for record in records}
    found = BirthRecord.objects.filter(
        Q(birth_certificate_no__in=certificates) | Q(mother_id_number__in=mothers)
    ).values_list("birth_certificate_no", "mother_id_number", "birth_date")
    return {row[0] for row in found}, {(row[1], row[2]) for row in found}


class MaternityFeed(ResolvedByApplying, Feed):
    kind = "maternity"
    label = "生育保险报销"
    serializer_class = MaternitySerializer
    columns = (
        Column("母亲身份证号", ("母亲身份证号", "身份证号", "公民身份号码")),
        Column("母亲姓名", ("母亲姓名", "姓名")),
        Column("联系电话", ("联系电话", "电话"), required=False),
        Column("婴儿出生日期", ("婴儿出生日期", "出生日期")),
        Column("出生医学证明编号", ("出生医学证明编号", "出生证编号"), required=False),
        Column("报销日期", ("报销日期", "生育保险报销日期")),
    )

    def record_key(self, record: Mapping[str, Any]) -> str:
        return f"{record['id_number']}|{record['birth_date']:%Y-%m-%d}"

    @transaction.atomic
    def apply(self, *, actor: User, records: Sequence[Mapping[str, Any]], today: datetime.date) -> list[FeedResult]:
        people = chunk_people(actor=actor, id_numbers=(record["id_number"] for record in records))
        kept = {
            (row.mother_id_number, row.baby_birth_date): row
            for row in MaternityReimbursement.objects.filter(
                mother_id_number__in={record["id_number"] for record in records}
            )
        }
        certificates, mother_births = births_registered(records)
        now = timezone.now()
        created: dict[tuple[str, datetime.date], MaternityReimbursement] = {}
        updated: dict[int, MaternityReimbursement] = {}
        results = []
        for record in records:
            person = people.in_scope.get(record["id_number"])
            mother = person if person is not None and person.name == record["name"] else None
            resident_id = person.pk if person is not None else None
            values = {
                "mother_name": record["name"],
                "phone": record["phone"],
                "birth_certificate_no": record["birth_certificate_no"],
                "reimbursement_date": record["reimbursement_date"],
            }
            registered = record["birth_certificate_no"] in certificates or (
                (record["id_number"], record["birth_date"]) in mother_births
            )
            baby = BABY_REGISTERED if registered else BABY_NOT_REGISTERED
            key = (record["id_number"], record["birth_date"])
            row = kept.get(key) or created.get(key)
            if row is not None and row.mother_id is None and mother is not None and row.pk is not None:
                row.mother, row.division_id, row.updated_at = mother, mother.household_division_id, now
                updated[row.pk] = row
                message = f"已将生育保险报销关联到母亲的居民档案。{baby}"
                results.append(FeedResult(FeedOutcome.APPLIED, message, resident_id))
                continue
            if row is not None:
                if all(getattr(row, field) == values[field] for field in MATERNITY_FIELDS):
                    results.append(FeedResult(FeedOutcome.UNCHANGED, "该生育保险报销已登记，未作改动。", resident_id))
                    continue
                for field, value in values.items():
                    setattr(row, field, value)
                row.updated_at = now
                if row.pk is not None:
                    updated[row.pk] = row
                results.append(FeedResult(FeedOutcome.APPLIED, f"生育保险报销信息已更新。{baby}", resident_id))
                continue
            created[key] = MaternityReimbursement(
                mother_id_number=record["id_number"],
                mother=mother,
                division_id=mother.household_division_id if mother is not None else actor.division_id,
                baby_birth_date=record["birth_date"],
                recorded_by=actor,
                **values,
            )
            if mother is not None:
                results.append(FeedResult(FeedOutcome.APPLIED, f"已记录生育保险报销。{baby}", resident_id))
            elif person is not None:
                message = f"已记录生育保险报销。{NAME_DIFFERS}。{baby}"
                results.append(FeedResult(FeedOutcome.QUEUED, message, resident_id))
            else:
                message = f"已记录生育保险报销。母亲{people.missing_message(record['id_number'])}，待经办人核实。{baby}"
                results.append(FeedResult(FeedOutcome.QUEUED, message))
        MaternityReimbursement.objects.bulk_create(created.values())
        MaternityReimbursement.objects.bulk_update(
            updated.values(), [*MATERNITY_FIELDS, "mother", "division", "updated_at"]
        )
        return results
