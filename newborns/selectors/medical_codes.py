"""Reads of newborns' 医保码: the region's validity figure, and the codes of the births in the user's scope."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from divisions.codes import code_prefix, code_reaches
from divisions.models import DivisionLevel
from enrollment.models import Enrollment

from ..models import BirthRecord, MedicalCodeParameter, NewbornMedicalCode
from ..rules import MedicalCodeFigures, MedicalCodeStanding, medical_code_standing
from .births import birth_record_list

REGION_LEVELS = (DivisionLevel.COUNTY, DivisionLevel.CITY, DivisionLevel.PROVINCE)


def medical_code_figures(*, region_code: str, year: int) -> MedicalCodeFigures | None:
    """The figure in force for births of `year` in a county: the latest year not after it, and for that year the
    county's own row before its city's and the province's (as every policy figure is inherited). None where no row
    reaches: no code is issued there."""
    chain = [code_prefix(region_code, level) for level in REGION_LEVELS if code_reaches(region_code, level)]
    rows = MedicalCodeParameter.objects.filter(region_id__in=chain, year__lte=year)
    chosen = max(rows, key=lambda row: (row.year, len(row.region_id)), default=None)
    if chosen is None:
        return None
    source = " ".join(part for part in (chosen.source_document, chosen.source_clause) if part)
    return MedicalCodeFigures(validity_days=chosen.validity_days, source=source)


def medical_code_list(*, user: User) -> QuerySet[NewbornMedicalCode]:
    """The codes of the births in the user's divisions (scoped as the births are)."""
    return NewbornMedicalCode.objects.filter(birth_record__in=birth_record_list(user=user).values("pk")).select_related(
        "birth_record__resident", "revoked_by", "issued_by"
    )


def medical_code_get(*, user: User, code: str) -> NewbornMedicalCode | None:
    """One code by its text (spaces and case forgiven), in scope; out of scope answers as unknown."""
    return medical_code_list(user=user).filter(code=code.strip().upper()).first()


def medical_code_of_birth(*, record: BirthRecord) -> NewbornMedicalCode | None:
    """The code of a birth the caller has already found in scope."""
    return NewbornMedicalCode.objects.filter(birth_record=record).select_related("revoked_by", "issued_by").first()


def medical_code_of_enrollment(*, enrollment: Enrollment) -> NewbornMedicalCode | None:
    """The code of the baby an enrollment is for (its birth year's, or a later year paid while the code is known):
    the receipt of that enrollment shows it. The caller has found the enrollment in scope."""
    return NewbornMedicalCode.objects.filter(
        Q(birth_record__enrollment_id=enrollment.pk) | Q(birth_record__resident_id=enrollment.resident_id)
    ).first()


def medical_code_standing_on(*, medical_code: NewbornMedicalCode, today: datetime.date) -> MedicalCodeStanding:
    """The code's status as of `today`, with its explanation (newborns.rules.medical_code_standing)."""
    revoked_at = medical_code.revoked_at
    return medical_code_standing(
        valid_from=medical_code.valid_from,
        valid_until=medical_code.valid_until,
        validity_days=medical_code.validity_days,
        source=medical_code.source,
        revoked_on=timezone.localdate(revoked_at) if revoked_at is not None else None,
        revocation_reason=medical_code.revocation_reason,
        today=today,
    )
