import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from enrollment.models import Resident

from .models import HardshipCategory, HardshipIdentity


@transaction.atomic
def hardship_identity_create(
    *,
    actor: User,
    resident: Resident,
    category: str,
    department: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    disability_grade: int | None = None,
) -> HardshipIdentity:
    """R6.1: an identity certified by a department, valid from one date to another (or open-ended)."""
    if category == HardshipCategory.DISABILITY and disability_grade is None:
        raise ValidationError({"disability_grade": "残疾人身份须填写残疾等级（1至4级）。"})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "有效期止不能早于有效期起。"})
    identity = HardshipIdentity(
        resident=resident,
        category=category,
        department=department,
        valid_from=valid_from,
        valid_to=valid_to,
        disability_grade=disability_grade,
        recorded_by=actor,
    )
    identity.full_clean()
    identity._history_user = actor  # type: ignore[attr-defined]
    identity.save()
    return identity
