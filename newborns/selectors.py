"""Reads of the newborns app, limited to the user's division scope (accounts.selectors)."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import scope_queryset

from .models import BirthRecord, PreEnrollment


def birth_record_list(*, user: User) -> QuerySet[BirthRecord]:
    """Births registered in the user's divisions (by the division the baby is registered in)."""
    records = BirthRecord.objects.select_related("resident", "enrollment", "division__parent")
    return scope_queryset(records, user=user, division_fields=("division",))


def birth_record_get(*, user: User, birth_certificate_no: str) -> BirthRecord | None:
    return birth_record_list(user=user).filter(birth_certificate_no=birth_certificate_no.strip()).first()


def pre_enrollment_list(*, user: User) -> QuerySet[PreEnrollment]:
    """Pre-enrollments of mothers in the user's divisions."""
    applications = PreEnrollment.objects.select_related("mother__household_division")
    return scope_queryset(applications, user=user, division_fields=("mother__household_division",))
