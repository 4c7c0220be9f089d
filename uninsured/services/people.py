"""One person on the ledger: found by the township, or the outcome of the visits (R13.5); what an outcome may
say, and the writes every ledger service shares."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.history import history_save
from divisions.models import Division
from enrollment.rules import IdNumberError, RecordDateRefused, date_not_in_future_check, id_number_parse

from ..models import OutreachStep, UninsuredList, UninsuredPerson, UninsuredReason

OUTCOME_FIELDS = (
    "reason",
    "insured_elsewhere_place",
    "verification_status",
    "contact_result",
    "outreach_note",
    "enrollment_date",
    "step",
)
STEP_ORDER = tuple(OutreachStep.values)
NAME_MAX_LENGTH = UninsuredPerson._meta.get_field("name").max_length or 64


def save_checked(instance: UninsuredList | UninsuredPerson, *, actor: User) -> None:
    instance.full_clean()
    history_save(instance, actor=actor)


# --- R13.5: what an outcome may say -------------------------------------------------------------------------------


def uninsured_outcome_errors(
    *,
    reason: str,
    insured_elsewhere_place: str,
    enrollment_date: datetime.date | None,
    step: str,
    today: datetime.date,
) -> dict[str, str]:
    """The contradictions in an outcome, by field (empty: none). Plain values in: no database, no clock."""
    errors: dict[str, str] = {}
    if reason == UninsuredReason.INSURED_ELSEWHERE and not insured_elsewhere_place.strip():
        errors["insured_elsewhere_place"] = "未参保原因为「已在外地参保」时，须填写异地参保地。"
    elif reason != UninsuredReason.INSURED_ELSEWHERE and insured_elsewhere_place.strip():
        errors["insured_elsewhere_place"] = "只有未参保原因为「已在外地参保」时才填写异地参保地。"
    if step not in STEP_ORDER:
        errors["step"] = "请选择工作步骤。"
    if enrollment_date is not None:
        try:
            date_not_in_future_check(value=enrollment_date, today=today, field="enrollment_date", label="参保日期")
        except RecordDateRefused as error:
            errors[error.field] = str(error)
        if step in STEP_ORDER and STEP_ORDER.index(step) < STEP_ORDER.index(OutreachStep.MOBILISATION):
            errors["step"] = "已填写参保日期，工作步骤须为「动员参保」或「汇总反馈」。"
    return errors


def unsigned_list_message(person: UninsuredPerson) -> str:
    if person.uninsured_list is not None and person.uninsured_list.signed_at is None:
        return f"该人员所在的名单「{person.uninsured_list.title}」尚未签领，请先签领名单。"
    return ""


# --- One person: found by the township, or the outcome of the visits ----------------------------------------------


@transaction.atomic
def uninsured_person_create(
    *,
    actor: User,
    township: Division,
    year: int,
    name: str,
    id_number: str,
    phone: str = "",
    village: Division | None = None,
    step: str = OutreachStep.DOOR_TO_DOOR,
) -> UninsuredPerson:
    """A person the township found itself (精准摸排): on its ledger without a pushed list."""
    errors: dict[str, str] = {}
    try:
        facts = id_number_parse(id_number)
        id_number = facts.id_number
        date_not_in_future_check(
            value=facts.birth_date, today=timezone.localdate(), field="id_number", label="身份证号中的出生日期"
        )
    except (IdNumberError, RecordDateRefused) as error:
        errors["id_number"] = str(error)
    if not name.strip():
        errors["name"] = "请填写姓名。"
    if village is not None and village.parent_id != township.code:
        errors["village"] = f"{village.name}不是{township.name}的村（社区）。"
    if errors:
        raise ValidationError(errors)
    existing = UninsuredPerson.objects.filter(township=township, year=year, id_number=id_number).first()
    if existing is not None:
        raise ValidationError(
            {"id_number": f"{existing.name}（{id_number}）已在{township.name}{year}年度未参保台账中，不能重复添加。"}
        )
    person = UninsuredPerson(
        uninsured_list=None,
        township=township,
        village=village,
        year=year,
        name=name.strip(),
        id_number=id_number,
        phone=phone.strip(),
        step=step,
        updated_by=actor,
    )
    person.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            history_save(person, actor=actor)
    except IntegrityError:
        raise ValidationError({"id_number": "该人员刚被他人加入台账，不能重复添加。"}) from None
    return person


@transaction.atomic
def uninsured_person_update(
    *,
    actor: User,
    person: UninsuredPerson,
    today: datetime.date,
    reason: str,
    insured_elsewhere_place: str,
    verification_status: str,
    contact_result: str,
    outreach_note: str,
    enrollment_date: datetime.date | None,
    step: str,
) -> UninsuredPerson:
    """Record the outcome of the visits to one person (R13.5)."""
    person = UninsuredPerson.objects.select_for_update(of=("self",)).select_related("uninsured_list").get(pk=person.pk)
    message = unsigned_list_message(person)
    if message:
        raise ValidationError(message)
    errors = uninsured_outcome_errors(
        reason=reason,
        insured_elsewhere_place=insured_elsewhere_place,
        enrollment_date=enrollment_date,
        step=step,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    person.reason = reason
    person.insured_elsewhere_place = insured_elsewhere_place.strip()
    person.verification_status = verification_status
    person.contact_result = contact_result
    person.outreach_note = outreach_note.strip()
    person.enrollment_date = enrollment_date
    person.step = step
    person.updated_by = actor
    save_checked(person, actor=actor)
    return person
