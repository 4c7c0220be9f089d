"""Residents (居民档案): registration and changes, with the R13.0 date check every service that records a date
calls."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_can_see_division
from core.history import history_save
from divisions.models import Division, DivisionLevel

from ..models import Resident
from ..rules import IdNumberError, RecordDateRefused, date_not_in_future_check, id_number_parse
from ..selectors import REGISTERED_ELSEWHERE, resident_find

RESIDENT_DIVISION_LEVELS = {DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE}


def resident_division_check(*, actor: User, division: Division | None, field: str) -> None:
    if division is None:
        return
    if division.level not in RESIDENT_DIVISION_LEVELS:
        raise ValidationError({field: "请选择乡（镇、街道）或村（社区）。"})
    if not user_can_see_division(user=actor, division_code=division.code):
        raise ValidationError({field: "只能登记本辖区内的居民。"})


def id_number_address_warnings(*, id_number: str) -> list[str]:
    """R13.4: an address code missing from today's division table is a warning, never a refusal."""
    address_code = id_number[:6]
    if Division.objects.filter(code=address_code).exists():
        return []
    return [f"身份证号地址码 {address_code} 不在现行行政区划表中（可能为撤并前的旧代码），请核实。"]


@transaction.atomic
def resident_create(
    *,
    actor: User,
    id_number: str,
    name: str,
    household_division: Division,
    phone: str = "",
    residence_division: Division | None = None,
) -> Resident:
    try:
        facts = id_number_parse(id_number)
    except IdNumberError as error:
        raise ValidationError({"id_number": str(error)}) from None
    record_date_check(value=facts.birth_date, field="id_number", label="身份证号中的出生日期")
    found = resident_find(user=actor, id_number=facts.id_number)
    if found.elsewhere:
        raise ValidationError({"id_number": REGISTERED_ELSEWHERE})
    if found.resident is not None:
        raise ValidationError({"id_number": "该身份证号已登记，请直接查询该居民。"})
    resident_division_check(actor=actor, division=household_division, field="household_division")
    resident_division_check(actor=actor, division=residence_division, field="residence_division")
    resident = Resident(
        id_number=facts.id_number,
        name=name.strip(),
        gender=facts.gender,
        birth_date=facts.birth_date,
        phone=phone.strip(),
        household_division=household_division,
        residence_division=residence_division,
    )
    # Neither the ID number, which resident_find has just looked for (a registration of the same number at the same
    # moment is refused by the constraint below), nor a division read from the database is looked up again.
    divisions_read = [
        field
        for field, division in (("household_division", household_division), ("residence_division", residence_division))
        if division is not None and not division._state.adding
    ]
    resident.full_clean(exclude=divisions_read, validate_constraints=False)
    try:
        with transaction.atomic():
            history_save(resident, actor=actor)
    except IntegrityError:
        # Another clerk registered the same number between our check and our insert.
        raise ValidationError({"id_number": "该身份证号已登记，请直接查询该居民。"}) from None
    return resident


EDITABLE_RESIDENT_FIELDS = ("name", "phone", "household_division", "residence_division", "status")


@transaction.atomic
def resident_update(*, actor: User, resident: Resident, **changes: object) -> Resident:
    unknown = set(changes) - set(EDITABLE_RESIDENT_FIELDS)
    if unknown:
        raise ValidationError({"non_field_errors": f"不可修改的字段：{'、'.join(sorted(unknown))}。"})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    for field in ("household_division", "residence_division"):
        if field in changes:
            resident_division_check(actor=actor, division=changes[field], field=field)  # type: ignore[arg-type]
    for field, value in changes.items():
        setattr(resident, field, value.strip() if isinstance(value, str) else value)
    resident.full_clean()
    history_save(resident, actor=actor)
    return resident


def record_date_check(*, value: datetime.date, field: str, label: str, today: datetime.date | None = None) -> None:
    """R13.0 for a service: `value` not after today, else a refusal on `field` naming `label` (the field's Chinese
    name). Every service that records a date calls it, the newborn ones too."""
    try:
        date_not_in_future_check(value=value, today=today or timezone.localdate(), field=field, label=label)
    except RecordDateRefused as error:
        raise ValidationError({error.field: str(error)}) from None
