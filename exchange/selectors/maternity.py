"""Reads of the maternity reimbursements (生育保险报销), scoped to the user by the mother's village (or, for a mother
not found in the registry, the division that received the record)."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from enrollment.models import EnrollmentStatus
from newborns.models import BirthRecord

from ..models import MaternityReimbursement


def maternity_reimbursements(*, user: User) -> QuerySet[MaternityReimbursement]:
    return scope_queryset(MaternityReimbursement.objects.all(), user=user, code_fields=("division__code",))


def maternity_mothers_babies_unenrolled(*, actor: User, today: datetime.date) -> QuerySet[MaternityReimbursement]:
    """The mothers, in the user's scope, whose baby born on or before today has no birth registration with an active
    enrollment yet (出生登记参保), matched by the birth certificate or by the mother's ID number and birth date;
    the newest births first, for the reminders to the parents (R7.1)."""
    registered = BirthRecord.objects.filter(
        Q(birth_certificate_no=OuterRef("birth_certificate_no"))
        | Q(mother_id_number=OuterRef("mother_id_number"), birth_date=OuterRef("baby_birth_date")),
        enrollment__status=EnrollmentStatus.ACTIVE,
    )
    return (
        maternity_reimbursements(user=actor)
        .filter(baby_birth_date__lte=today)
        .exclude(Exists(registered))
        .select_related("mother", "division")
        .order_by("-baby_birth_date", "id")
    )
