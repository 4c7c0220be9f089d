"""Reads of the exchange, scoped: a county's batches and records are seen by the users whose scope holds the county;
for everyone else they do not exist (404)."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from enrollment.models import EnrollmentStatus, Resident
from newborns.models import BirthRecord

from .models import FeedBatch, FeedOutcome, FeedRecord, MaternityReimbursement, StudentRoll
from .models.school_rolls import FIRST_ENROLLMENT_SCHOOL_TYPES


def feed_batch_list(*, user: User, kind: str = "") -> QuerySet[FeedBatch]:
    """Batches received for a county in the user's scope, newest first."""
    batches = scope_queryset(FeedBatch.objects.all(), user=user, code_fields=("county__code",))
    if kind:
        batches = batches.filter(kind=kind)
    return batches.select_related("county", "sent_by")


def feed_batch_get(*, user: User, pk: int) -> FeedBatch | None:
    return feed_batch_list(user=user).filter(pk=pk).first()


def feed_record_list(
    *, user: User, batch: FeedBatch | None = None, outcome: str = "", search: str = ""
) -> QuerySet[FeedRecord]:
    """Records of batches the user may see, with the residents they name."""
    records = scope_queryset(FeedRecord.objects.all(), user=user, code_fields=("county__code",))
    if batch is not None:
        records = records.filter(batch=batch)
    if outcome:
        records = records.filter(outcome=outcome)
    search = search.strip()
    if search:
        records = records.filter(Q(record_key__startswith=search.upper()) | Q(message__contains=search))
    return records.select_related("resident", "batch")


def feed_record_queue(*, user: User) -> QuerySet[FeedRecord]:
    """QUEUED records of the user's counties, oldest first: what a clerk settles by hand."""
    return feed_record_list(user=user, outcome=FeedOutcome.QUEUED).order_by("received_at", "id")


def feed_record_get(*, user: User, pk: int) -> FeedRecord | None:
    return feed_record_list(user=user).filter(pk=pk).first()


def feed_refund_offers(*, user: User) -> QuerySet[FeedRecord]:
    """Deaths before a paid year's benefits start whose refund is still to be opened at the window (R12)."""
    records = scope_queryset(FeedRecord.objects.all(), user=user, code_fields=("county__code",))
    return (
        records.filter(refund_enrollment__isnull=False, refund_enrollment__status=EnrollmentStatus.ACTIVE)
        .select_related("resident", "refund_enrollment", "batch")
        .order_by("received_at", "id")
    )


# --- School rolls (学籍): by the school's division, or the student's registry record -------------------------------

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


# --- Maternity reimbursements (生育保险报销): by the mother's village, or the county that received the record -------


def maternity_reimbursements(*, user: User) -> QuerySet[MaternityReimbursement]:
    return scope_queryset(MaternityReimbursement.objects.all(), user=user, code_fields=("division__code",))


def maternity_mothers_babies_unenrolled(*, actor: User, today: datetime.date) -> QuerySet[MaternityReimbursement]:
    """The mothers, in the user's scope, whose baby born on or before today has no birth registration with an active
    enrollment yet (出生登记参保), matched by the birth certificate or by the mother's ID number and birth date;
    the newest births first, for the reminders to the parents (R7.1)."""
    return maternity_babies_unenrolled(maternity_reimbursements(user=actor), today=today)


def maternity_babies_unenrolled(
    reimbursements: QuerySet[MaternityReimbursement], *, today: datetime.date
) -> QuerySet[MaternityReimbursement]:
    """Of the given reimbursements, those whose baby born on or before today has no birth registration with an active
    enrollment, matched by the birth certificate or by the mother's ID number and birth date."""
    registered = BirthRecord.objects.filter(
        Q(birth_certificate_no=OuterRef("birth_certificate_no"))
        | Q(mother_id_number=OuterRef("mother_id_number"), birth_date=OuterRef("baby_birth_date")),
        enrollment__status=EnrollmentStatus.ACTIVE,
    )
    return (
        reimbursements.filter(baby_birth_date__lte=today)
        .exclude(Exists(registered))
        .select_related("mother", "division")
        .order_by("-baby_birth_date", "id")
    )
