"""Newborns: registration (R7.1-R7.3), identity completion (R7.5) and pre-enrollment (R7.6)."""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from core.history import history_save
from divisions.models import Division
from enrollment.models import (
    Enrollment,
    EnrollmentBasis,
    EnrollmentStatus,
    Gender,
    Payment,
    PaymentChannel,
    PaymentKind,
    Resident,
    ResidentStatus,
)
from enrollment.policy import PolicyNotFound, policy_resolve
from enrollment.rules import IdNumberError, SpecialStatus, id_number_parse, newborn_first_insurance_year
from enrollment.selectors import (
    REGISTERED_ELSEWHERE,
    enrollment_region_code,
    resident_find,
    resident_get,
    resident_list,
)
from enrollment.services import (
    PaymentDetails,
    enrollment_create,
    enrollment_recompute,
    record_date_check,
    refund_request,
    resident_create,
    resident_division_check,
)
from subsidies.models import HardshipIdentity

from ..models import BirthRecord, PreEnrollment, PreEnrollmentPlaceholder, PreEnrollmentStatus, RegistrationChannel
from ..rules import (
    PLACEHOLDER_SUFFIX,
    PreEnrollmentRefused,
    birth_consistent_with_pregnancy,
    placeholder_suffixes,
    pre_enrollment_check,
)
from ..selectors.births import birth_record_get, birth_record_list
from .medical_codes import REVOKED_ON_IDENTITY, medical_code_issue, medical_code_revoke

CERTIFICATE_REGISTERED_ELSEWHERE = "该出生医学证明已在其他辖区登记，请核对编号。"

CHANNEL_PAYMENT = {
    RegistrationChannel.WINDOW: PaymentChannel.WINDOW,
    RegistrationChannel.BIRTH_PLATFORM: PaymentChannel.ONLINE,
    RegistrationChannel.IMPORT: PaymentChannel.ONLINE,
}


def _id_number(raw: str, field: str) -> str:
    try:
        facts = id_number_parse(raw)
    except IdNumberError as error:
        raise ValidationError({field: str(error)}) from None
    record_date_check(value=facts.birth_date, field=field, label="身份证号中的出生日期")
    return facts.id_number


def _taken_suffixes(mother_id_number: str) -> frozenset[str]:
    numbers = Resident.objects.filter(id_number__startswith=f"{mother_id_number}{PLACEHOLDER_SUFFIX}").values_list(
        "id_number", flat=True
    )
    return frozenset(number[len(mother_id_number) :] for number in numbers)


def _placeholder_resident_create(
    *, actor: User, id_number: str, name: str, gender: str, birth_date: datetime.date, division: Division
) -> Resident:
    resident = Resident(
        id_number=id_number,
        id_number_is_placeholder=True,
        name=name,
        gender=gender,
        birth_date=birth_date,
        household_division=division,
    )
    resident.full_clean()
    history_save(resident, actor=actor)
    return resident


def _resident_save(resident: Resident, *, actor: User) -> None:
    resident.full_clean()
    history_save(resident, actor=actor)


# --- Registration (出生一件事, R7.1-R7.3) -------------------------------------------------------------------------


def birth_check(
    *,
    birth_date: datetime.date,
    registration_date: datetime.date,
    gender: str,
    id_number: str,
    today: datetime.date,
) -> None:
    """The facts of one birth as registration and the birth-list import check them (R7.1, R13.0)."""
    if birth_date > today:
        raise ValidationError({"birth_date": "出生日期不能晚于今天。"})
    record_date_check(value=registration_date, today=today, field="registration_date", label="登记日期")
    if registration_date < birth_date:
        raise ValidationError({"registration_date": "参保登记日期不能早于出生日期。"})
    if id_number:
        facts = id_number_parse(id_number)
        if facts.birth_date != birth_date or facts.gender != gender:
            raise ValidationError({"id_number": "身份证号中的出生日期或性别与出生医学证明不符。"})


def _pending_placeholder(
    *, actor: User, mother_id_number: str, birth_date: datetime.date
) -> PreEnrollmentPlaceholder | None:
    """The mother's pre-enrolled baby not yet linked to a birth (R7.6), the first of multiples first, for a birth
    consistent with that pregnancy: any other birth of the mother is registered on its own and the placeholder stays
    pending. A placeholder of another county is not the user's to link: the birth is then registered on its own, and
    that county's pre-enrollment stays as it was."""
    pending = (
        PreEnrollmentPlaceholder.objects.select_for_update(of=("self",))
        .filter(
            pre_enrollment__mother__id_number=mother_id_number,
            resident__in=resident_list(user=actor).values("pk"),
            pre_enrollment__status__in=[PreEnrollmentStatus.WAITING, PreEnrollmentStatus.BORN],
            birth_record__isnull=True,
        )
        .select_related("resident", "enrollment", "pre_enrollment__mother")
        .order_by("pre_enrollment__application_date", "id")
    )
    for placeholder in pending:
        pre_enrollment = placeholder.pre_enrollment
        try:
            policy = policy_resolve(
                region_code=enrollment_region_code(resident=pre_enrollment.mother),
                insurance_year=pre_enrollment.insurance_year,
            )
        except PolicyNotFound:
            continue
        if birth_consistent_with_pregnancy(
            parameters=policy.newborns,
            application_date=pre_enrollment.application_date,
            expected_delivery_date=pre_enrollment.expected_delivery_date,
            birth_date=birth_date,
        ):
            return placeholder
    return None


def _link_placeholder(
    *, actor: User, placeholder: PreEnrollmentPlaceholder, record: BirthRecord, id_number: str
) -> tuple[Resident, Enrollment]:
    """The pre-enrolled placeholder becomes the baby: name, sex and birth date from the certificate, the real ID
    if already known, and its enrollment recomputed from the real birth date.

    A baby born before 1 January of the placeholder's year (R7.6) is first enrolled for its birth year (R7.1a), paid
    on the registration date, and the placeholder's enrollment becomes its second year (R7.4); the enrollment
    returned is then the birth year's."""
    resident = placeholder.resident
    resident.name = record.name
    resident.gender = record.gender
    resident.birth_date = record.birth_date
    if id_number:
        resident.id_number = id_number
        resident.id_number_is_placeholder = False
    _resident_save(resident, actor=actor)
    birth_year_enrollment = None
    if record.birth_date.year < placeholder.enrollment.insurance_year:
        year = _first_insurance_year(resident=resident, record=record)
        if year == record.birth_date.year:
            birth_year_enrollment = enrollment_create(
                actor=actor,
                resident=resident,
                details=PaymentDetails(
                    insurance_year=year,
                    payment_date=record.registration_date,
                    channel=CHANNEL_PAYMENT[RegistrationChannel(record.channel)],
                    special_status=SpecialStatus.NEWBORN,
                    special_date=record.birth_date,
                ),
            )
    enrollment = enrollment_recompute(actor=actor, enrollment=placeholder.enrollment, special_date=record.birth_date)
    if record.birth_date.year < enrollment.insurance_year:
        _second_year_balance_record(actor=actor, enrollment=enrollment)
    placeholder.birth_record = record
    placeholder.linked_at = timezone.now()
    placeholder.linked_on = record.registration_date
    placeholder.save(update_fields=["birth_record", "linked_at", "linked_on"])
    PreEnrollment.objects.filter(pk=placeholder.pre_enrollment_id).update(status=PreEnrollmentStatus.BORN)
    return resident, birth_year_enrollment or enrollment


def _second_year_balance_record(*, actor: User, enrollment: Enrollment) -> None:
    """R7.4, R7.6: the pre-enrollment paid the placeholder's year as if it were the birth year; as the second year
    it is paid normally. The payment rows stay what was paid: the explanation says what was paid before birth, what
    the second year owes and the difference still to be paid (or paid in excess)."""
    paid = Payment.objects.filter(enrollment=enrollment, kind=PaymentKind.CONTRIBUTION).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal("0.00")
    difference = enrollment.individual_due - paid
    if not difference:
        return
    balance = f"尚需补缴{difference}元" if difference > 0 else f"多缴{-difference}元"
    text = (
        f"预参保时（{enrollment.payment_date:%Y年%-m月%-d日}）按出生当年缴费{paid}元；"
        f"{enrollment.insurance_year}年度为出生次年，个人应缴{enrollment.individual_due}元，{balance}"
    )
    source = next((entry["source"] for entry in enrollment.explanation if entry["rule"] == "R7.4"), "")
    enrollment.explanation = [*enrollment.explanation, {"rule": "R7.4", "text": text, "source": source}]
    history_save(enrollment, actor=actor)


def newborn_register(
    *,
    actor: User,
    birth_certificate_no: str,
    name: str,
    gender: str,
    birth_date: datetime.date,
    mother_id_number: str,
    division: Division,
    registration_date: datetime.date,
    id_number: str = "",
    channel: str = RegistrationChannel.WINDOW,
    enrolling_county: str | None = None,
    basis_document_no: str = "",
    basis_valid_from: datetime.date | None = None,
    basis_valid_to: datetime.date | None = None,
) -> tuple[BirthRecord, bool]:
    """Register a birth once per certificate: the resident (a placeholder while the ID is unknown) and the enrollment
    of the birth year (R7.1-R7.3, and R7.1a when registered in the next year within the window; of the registration's
    year when registered after both the birth year and the window ended).

    Returns the record and whether it was created now; the same certificate again returns the existing record, if
    the user may see it: a certificate of another county is refused without saying more.

    R13.0a: the baby enrolls in the household county, or with `enrolling_county` in a parent's county of residence
    (basis 新生儿随父母常住地, with the parent's residence permit: `basis_document_no` and its validity).
    """
    place: dict[str, Any] = {}
    if enrolling_county:
        place = {
            "enrolling_county": enrolling_county,
            "enrollment_basis": EnrollmentBasis.PARENT_RESIDENCE,
            "basis_document_no": basis_document_no,
            "basis_valid_from": basis_valid_from,
            "basis_valid_to": basis_valid_to,
        }
    birth_certificate_no = birth_certificate_no.strip()
    existing = _registered_certificate(actor=actor, birth_certificate_no=birth_certificate_no)
    if existing is not None:
        return existing, False
    mother_id_number = _id_number(mother_id_number, "mother_id_number")
    id_number = _id_number(id_number, "id_number") if id_number else ""
    birth_check(
        birth_date=birth_date,
        registration_date=registration_date,
        gender=gender,
        id_number=id_number,
        today=timezone.localdate(),
    )
    resident_division_check(actor=actor, division=division, field="division")
    try:
        with transaction.atomic():
            return _newborn_register(
                actor=actor,
                record=BirthRecord(
                    birth_certificate_no=birth_certificate_no,
                    name=name.strip(),
                    gender=gender,
                    birth_date=birth_date,
                    mother_id_number=mother_id_number,
                    division=division,
                    registration_date=registration_date,
                    channel=channel,
                    registered_by=actor,
                ),
                id_number=id_number,
                place=place,
            ), True
    except IntegrityError:
        # The same certificate was posted at the same moment: the first post's record stands.
        existing = _registered_certificate(actor=actor, birth_certificate_no=birth_certificate_no)
        if existing is None:
            raise
        return existing, False


def _registered_certificate(*, actor: User, birth_certificate_no: str) -> BirthRecord | None:
    if not BirthRecord.objects.filter(birth_certificate_no=birth_certificate_no).exists():
        return None
    existing = birth_record_get(user=actor, birth_certificate_no=birth_certificate_no)
    if existing is None:
        raise ValidationError({"birth_certificate_no": CERTIFICATE_REGISTERED_ELSEWHERE})
    return existing


def _first_insurance_year(*, resident: Resident, record: BirthRecord) -> int:
    """R7.1a: the birth year, also when registered in the next calendar year within the birth year's window."""
    if record.registration_date.year == record.birth_date.year:
        return record.birth_date.year
    try:
        policy = policy_resolve(
            region_code=enrollment_region_code(resident=resident), insurance_year=record.birth_date.year
        )
    except PolicyNotFound:
        # No figures for the birth year, so no window either: the registration's year, refused there if uncovered.
        return record.registration_date.year
    return newborn_first_insurance_year(
        policy=policy, birth_date=record.birth_date, registration_date=record.registration_date
    )


def _newborn_register(
    *, actor: User, record: BirthRecord, id_number: str, place: Mapping[str, Any] | None = None
) -> BirthRecord:
    # The record goes in first: a concurrent post of the same certificate waits here on the unique index.
    record.full_clean(exclude=["resident", "enrollment"])
    history_save(record, actor=actor)
    placeholder = _pending_placeholder(
        actor=actor, mother_id_number=record.mother_id_number, birth_date=record.birth_date
    )
    known = None
    if id_number:
        found = resident_find(user=actor, id_number=id_number)
        if found.elsewhere:
            raise ValidationError({"id_number": REGISTERED_ELSEWHERE})
        known = found.resident
    if placeholder is not None and known is None:
        resident, enrollment = _link_placeholder(
            actor=actor, placeholder=placeholder, record=record, id_number=id_number
        )
    else:
        if known is not None:
            resident = known
        elif id_number:
            resident = resident_create(
                actor=actor, id_number=id_number, name=record.name, household_division=record.division
            )
        else:
            suffix = placeholder_suffixes(babies=1, taken=_taken_suffixes(record.mother_id_number))[0]
            resident = _placeholder_resident_create(
                actor=actor,
                id_number=f"{record.mother_id_number}{suffix}",
                name=record.name,
                gender=record.gender,
                birth_date=record.birth_date,
                division=record.division,
            )
        year = _first_insurance_year(resident=resident, record=record)
        enrollment = Enrollment.objects.filter(
            resident=resident, insurance_year=year, status=EnrollmentStatus.ACTIVE
        ).first() or enrollment_create(
            actor=actor,
            resident=resident,
            details=PaymentDetails(
                insurance_year=year,
                payment_date=record.registration_date,
                channel=CHANNEL_PAYMENT[RegistrationChannel(record.channel)],
                special_status=SpecialStatus.NEWBORN,
                special_date=record.birth_date,
                **(place or {}),
            ),
        )
    record.resident = resident
    record.enrollment = enrollment
    if id_number:
        record.id_number_completed_at = timezone.now()
    record.save(update_fields=["resident", "enrollment", "id_number_completed_at"])
    # Registered on the birth certificate alone: the baby is settled on by its 医保码 until the ID number is known.
    medical_code_issue(actor=actor, record=record)
    return record


# --- Identity completion (R7.5) ---------------------------------------------------------------------------------


@transaction.atomic
def newborn_identity_complete(*, actor: User, record: BirthRecord, id_number: str) -> BirthRecord:
    """R7.5: the ID number arrives with household registration. The placeholder record is completed in place; if a
    resident with that number was registered meanwhile, the placeholder is merged into it and voided."""
    locked = birth_record_list(user=actor).select_for_update(of=("self",)).filter(pk=record.pk).first()
    if locked is None:
        raise ValidationError({"non_field_errors": "没有找到该出生登记。"})
    record = locked
    id_number = _id_number(id_number, "id_number")
    resident = record.resident
    assert resident is not None
    if not resident.id_number_is_placeholder:
        if resident.id_number == id_number:
            return record
        raise ValidationError({"id_number": f"该新生儿已有身份证号{resident.id_number}，不能再次补录。"})
    facts = id_number_parse(id_number)
    if facts.birth_date != record.birth_date or facts.gender != record.gender:
        raise ValidationError({"id_number": "身份证号中的出生日期或性别与出生医学证明不符。"})
    found = resident_find(user=actor, id_number=id_number, for_update=True)
    if found.elsewhere:
        raise ValidationError({"id_number": REGISTERED_ELSEWHERE})
    other = found.resident
    if other is None:
        resident.id_number = id_number
        resident.id_number_is_placeholder = False
        _resident_save(resident, actor=actor)
    else:
        _merge_placeholder(actor=actor, placeholder=resident, into=other)
        record.resident = other
    record.id_number_completed_at = timezone.now()
    history_save(record, actor=actor)
    medical_code_revoke(actor=actor, record=record, reason=REVOKED_ON_IDENTITY)
    return record


def _merge_placeholder(*, actor: User, placeholder: Resident, into: Resident) -> None:
    """Move the placeholder's enrollments and identities to the resident registered with the real number."""
    years = set(
        Enrollment.objects.filter(resident=into, status=EnrollmentStatus.ACTIVE).values_list(
            "insurance_year", flat=True
        )
    )
    clash = Enrollment.objects.filter(
        resident=placeholder, status=EnrollmentStatus.ACTIVE, insurance_year__in=years
    ).first()
    if clash is not None:
        raise ValidationError(
            {
                "id_number": f"身份证号{into.id_number}的居民{clash.insurance_year}年度已另行参保，与新生儿参保重复，"
                "请先为重复的一笔办理退费再补录。"
            }
        )
    for enrollment in Enrollment.objects.filter(resident=placeholder):
        enrollment.resident = into
        history_save(enrollment, actor=actor)
    for identity in HardshipIdentity.objects.filter(resident=placeholder):
        identity.resident = into
        history_save(identity, actor=actor)
    PreEnrollmentPlaceholder.objects.filter(resident=placeholder).update(resident=into)
    placeholder.status = ResidentStatus.VOIDED
    placeholder.merged_into = into
    _resident_save(placeholder, actor=actor)


# --- Pre-enrollment (预参保, R7.6) -------------------------------------------------------------------------------


@transaction.atomic
def pre_enrollment_create(
    *,
    actor: User,
    mother_id_number: str,
    expected_delivery_date: datetime.date,
    application_date: datetime.date,
    babies: int = 1,
    phone: str = "",
    home_address: str = "",
    entrusted_name: str = "",
    entrusted_id_number: str = "",
) -> PreEnrollment:
    """R7.6: placeholders for the expected babies (mother's ID + B, B1 … for multiples), each enrolled for the year
    of the expected delivery; benefits start at birth."""
    mother = resident_get(user=actor, id_number=_id_number(mother_id_number, "mother_id_number"))
    record_date_check(value=application_date, field="application_date", label="申请日期")
    if mother is None:
        raise ValidationError({"mother_id_number": "没有找到该申请人的居民档案，请先登记。"})
    if not 1 <= babies <= 9:
        raise ValidationError({"babies": "胎数应为1至9。"})
    if entrusted_id_number:
        entrusted_id_number = _id_number(entrusted_id_number, "entrusted_id_number")
    year = expected_delivery_date.year
    try:
        policy = policy_resolve(region_code=enrollment_region_code(resident=mother), insurance_year=year)
    except PolicyNotFound as error:
        raise ValidationError({"mother_id_number": str(error)}) from None
    try:
        pre_enrollment_check(
            parameters=policy.newborns,
            application_date=application_date,
            expected_delivery_date=expected_delivery_date,
            mother_enrolled_this_year=Enrollment.objects.filter(
                resident=mother,
                insurance_year=application_date.year,
                status=EnrollmentStatus.ACTIVE,
                counts_as_enrolled_year=True,
            ).exists(),
        )
    except PreEnrollmentRefused as error:
        raise ValidationError({error.field: str(error)}) from None
    pre_enrollment = PreEnrollment(
        mother=mother,
        phone=phone.strip() or mother.phone,
        expected_delivery_date=expected_delivery_date,
        home_address=home_address.strip(),
        entrusted_name=entrusted_name.strip(),
        entrusted_id_number=entrusted_id_number,
        insurance_year=year,
        application_date=application_date,
        babies=babies,
        registered_by=actor,
    )
    pre_enrollment.full_clean()
    history_save(pre_enrollment, actor=actor)
    for suffix in placeholder_suffixes(babies=babies, taken=_taken_suffixes(mother.id_number)):
        resident = _placeholder_resident_create(
            actor=actor,
            id_number=f"{mother.id_number}{suffix}",
            name=f"{mother.name}{suffix}",
            gender=Gender.UNKNOWN,
            birth_date=expected_delivery_date,
            division=mother.household_division,
        )
        enrollment = enrollment_create(
            actor=actor,
            resident=resident,
            details=PaymentDetails(
                insurance_year=year,
                payment_date=application_date,
                special_status=SpecialStatus.NEWBORN,
                special_date=expected_delivery_date,
            ),
        )
        PreEnrollmentPlaceholder.objects.create(pre_enrollment=pre_enrollment, resident=resident, enrollment=enrollment)
    return pre_enrollment


@transaction.atomic
def pre_enrollment_terminate(*, actor: User, pre_enrollment: PreEnrollment, date: datetime.date) -> PreEnrollment:
    """R7.6, R12: a terminated pregnancy (流产、引产) refunds every placeholder's payment and voids the placeholders."""
    pre_enrollment = PreEnrollment.objects.select_for_update().get(pk=pre_enrollment.pk)
    if pre_enrollment.status != PreEnrollmentStatus.WAITING:
        raise ValidationError({"non_field_errors": "只有待出生的预参保才能因终止妊娠退费。"})
    for placeholder in pre_enrollment.placeholders.select_related("resident", "enrollment"):
        refund_request(actor=actor, enrollment=placeholder.enrollment, reason="pregnancy_terminated", date=date)
        placeholder.resident.status = ResidentStatus.VOIDED
        _resident_save(placeholder.resident, actor=actor)
    pre_enrollment.status = PreEnrollmentStatus.TERMINATED
    history_save(pre_enrollment, actor=actor)
    return pre_enrollment
