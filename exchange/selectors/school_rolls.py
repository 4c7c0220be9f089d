"""Reads of the school rolls (学籍), scoped to the user: by the school's division, or the student's registry record."""

import datetime

from django.db.models import QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from enrollment.models import Resident

from ..models import StudentRoll
from ..models.school_rolls import FIRST_ENROLLMENT_SCHOOL_TYPES

STUDENT_ROLL_DIVISION_FIELDS = (
    "school_division__code",
    "resident__household_division__code",
    "resident__residence_division__code",
)


def student_rolls(*, user: User) -> QuerySet[StudentRoll]:
    rolls = StudentRoll.objects.select_related("school_division")
    return scope_queryset(rolls, user=user, code_fields=STUDENT_ROLL_DIVISION_FIELDS)


def student_first_enrollment_roll(*, user: User, resident: Resident, today: datetime.date) -> StudentRoll | None:
    """R9.1: the latest roll, in the user's scope, naming the resident (by ID number and name) a first-time
    university or technical-school student of this school year or the last (a student enrolled in the autumn of Y
    pays for Y+1 in Y); None when there is none, and the window quotes the ordinary rules."""
    return (
        student_rolls(user=user)
        .filter(
            id_number=resident.id_number,
            name=resident.name,
            first_time=True,
            school_type__in=FIRST_ENROLLMENT_SCHOOL_TYPES,
            school_year__gte=today.year - 1,
            enrolment_date__lte=today,
        )
        .order_by("-enrolment_date", "-id")
        .first()
    )
