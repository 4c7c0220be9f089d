"""Reads of the newborns app, limited to the user's division scope (accounts.scope)."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from enrollment.models import ResidentStatus
from enrollment.policy import PolicyNotFound, policy_resolve
from enrollment.rules import NewbornParameters
from enrollment.selectors import enrollment_region_code

from ..models import BirthRecord, PreEnrollment, PreEnrollmentPlaceholder, PreEnrollmentStatus
from ..rules import placeholder_link_deadline


def birth_record_list(*, user: User) -> QuerySet[BirthRecord]:
    """Births registered in the user's divisions (by the division the baby is registered in)."""
    records = BirthRecord.objects.select_related("resident", "enrollment", "division__parent", "medical_code")
    return scope_queryset(records, user=user, code_fields=("division__code",))


def birth_record_get(*, user: User, birth_certificate_no: str) -> BirthRecord | None:
    return birth_record_list(user=user).filter(birth_certificate_no=birth_certificate_no.strip()).first()


def pre_enrollment_list(*, user: User) -> QuerySet[PreEnrollment]:
    """Pre-enrollments of mothers in the user's divisions."""
    applications = PreEnrollment.objects.select_related("mother__household_division")
    return scope_queryset(applications, user=user, code_fields=("mother__household_division__code",))


# --- Pages: search, follow-up lists, one pre-enrollment --------------------------------------------------------


def birth_record_search(*, user: User, search: str = "") -> QuerySet[BirthRecord]:
    """Births in scope whose certificate number or mother's ID number starts with `search`, or whose name holds it."""
    records = birth_record_list(user=user)
    search = search.strip()
    if search:
        records = records.filter(
            Q(birth_certificate_no__istartswith=search)
            | Q(mother_id_number__startswith=search.upper())
            | Q(name__contains=search)
        )
    return records


def birth_record_detail(*, user: User, birth_certificate_no: str) -> BirthRecord | None:
    """One birth for its page: the clerk, the resident's village and the pre-enrollment it was linked to."""
    return (
        birth_record_list(user=user)
        .select_related(
            "registered_by",
            "resident__household_division__parent",
            "pre_enrollment_placeholder__pre_enrollment",
        )
        .filter(birth_certificate_no=birth_certificate_no.strip())
        .first()
    )


def birth_record_awaiting_id(*, user: User, born_on_or_before: datetime.date) -> QuerySet[BirthRecord]:
    """R7.5 follow-up: births still on a placeholder identity (no ID number yet), born on or before the date,
    oldest first."""
    return (
        birth_record_list(user=user)
        .filter(resident__id_number_is_placeholder=True, birth_date__lte=born_on_or_before)
        .exclude(resident__status=ResidentStatus.VOIDED)
        .order_by("birth_date", "id")
    )


def pre_enrollment_get(*, user: User, pk: int) -> PreEnrollment | None:
    return pre_enrollment_list(user=user).select_related("registered_by").filter(pk=pk).first()


def pre_enrollment_search(*, user: User, search: str = "") -> QuerySet[PreEnrollment]:
    """Pre-enrollments in scope by the mother's ID number (prefix) or name."""
    applications = pre_enrollment_list(user=user).select_related("mother__household_division__parent")
    search = search.strip()
    if search:
        applications = applications.filter(
            Q(mother__id_number__startswith=search.upper()) | Q(mother__name__contains=search)
        )
    return applications


def pre_enrollment_placeholders(*, pre_enrollment: PreEnrollment) -> QuerySet[PreEnrollmentPlaceholder]:
    """The expected babies of one pre-enrollment (B, or B1, B2 …), with their enrollments and linked births."""
    return (
        PreEnrollmentPlaceholder.objects.filter(pre_enrollment=pre_enrollment)
        .select_related("resident", "enrollment", "birth_record")
        .order_by("id")
    )


@dataclass(frozen=True)
class UnlinkedPlaceholder:
    """A pre-enrolled baby still without its real ID number past the region's deadline (R7.6)."""

    placeholder: PreEnrollmentPlaceholder
    born: bool
    birth_or_expected: datetime.date  # the birth date once linked to a birth, else the expected delivery date
    deadline: datetime.date


def pre_enrollment_unlinked(*, user: User, today: datetime.date) -> list[UnlinkedPlaceholder]:
    """R7.6 follow-up: placeholders still not linked to a real ID number after the region's link period, counted
    from the birth (or from the expected delivery date while no birth is linked), the most overdue first."""
    placeholders = scope_queryset(
        PreEnrollmentPlaceholder.objects.filter(resident__id_number_is_placeholder=True)
        .exclude(pre_enrollment__status=PreEnrollmentStatus.TERMINATED)
        .exclude(resident__status=ResidentStatus.VOIDED)
        .select_related("pre_enrollment__mother__household_division__parent", "resident", "birth_record"),
        user=user,
        code_fields=("pre_enrollment__mother__household_division__code",),
    )
    parameters: dict[tuple[str, int], NewbornParameters | None] = {}
    rows: list[UnlinkedPlaceholder] = []
    for placeholder in placeholders:
        record = placeholder.birth_record
        start = record.birth_date if record is not None else placeholder.pre_enrollment.expected_delivery_date
        key = (enrollment_region_code(resident=placeholder.pre_enrollment.mother), start.year)
        if key not in parameters:
            try:
                parameters[key] = policy_resolve(region_code=key[0], insurance_year=key[1]).newborns
            except PolicyNotFound:
                parameters[key] = None
        region_parameters = parameters[key]
        if region_parameters is None or not region_parameters.pre_enrollment_link_months:
            continue  # no link period known for the region: nothing to judge against
        deadline = placeholder_link_deadline(parameters=region_parameters, birth_or_expected=start)
        if deadline < today:
            rows.append(UnlinkedPlaceholder(placeholder, record is not None, start, deadline))
    rows.sort(key=lambda row: (row.deadline, row.placeholder.pk))
    return rows
