"""The resolution of a duplicate case: a refund, a transfer, or not a duplicate."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.personal_data import id_number_mask
from core.history import history_save
from enrollment.models import Enrollment, EnrollmentStatus, Payment, PaymentKind
from enrollment.rules import EMPLOYEE_INSURED, REFUND_REASON_LABELS
from enrollment.selectors import enrollment_get
from enrollment.services import refund_request
from newborns.selectors.births import birth_record_list
from newborns.services import newborn_identity_complete

from ..models import CaseStatus, DuplicateCase, DuplicateKind, Resolution

DUPLICATE_PAYMENT = "duplicate_payment"
CASE_NOT_FOUND = "没有找到该重复参保记录。"


@transaction.atomic
def duplicate_case_resolve(
    *,
    actor: User,
    case: DuplicateCase,
    resolution: str,
    note: str = "",
    date: datetime.date | None = None,
) -> DuplicateCase:
    """Resolve an open case in the actor's scope:

    - refund (R12.2) through the window's refund service: an employee-insured year refunds the resident enrollment
      (the year voided and kept as an employee year); a duplicate of one person refunds the extra payment as a
      duplicate payment (refused, as at the window, where the enrollment holds one payment only); the case records
      the refund's payment;
    - transfer (one person, two records): the placeholder's enrollment is voided with its reason and the real
      record's is kept; a placeholder registered on a birth certificate is then merged into the real record as
      completing its ID number does (R7.5);
    - not a duplicate, with the reason in `note`.

    Refused, with nothing changed: a case already resolved or outside the scope, an unknown resolution, a transfer
    of an employee-insured year, not a duplicate without a note, and whatever the refund or merge refuses.
    """
    from ..selectors import duplicate_case_list

    locked = duplicate_case_list(user=actor).select_for_update(of=("self",)).filter(pk=case.pk).first()
    if locked is None:
        raise ValidationError({"non_field_errors": CASE_NOT_FOUND})
    case = locked
    if case.status != CaseStatus.OPEN:
        raise ValidationError(
            {"non_field_errors": f"该重复参保已处理（{case.get_resolution_display()}），不能再次处理。"}
        )
    note = note.strip()
    if resolution == Resolution.REFUND:
        note = _refund(actor=actor, case=case, date=date or timezone.localdate(), note=note)
    elif resolution == Resolution.TRANSFER:
        note = _transfer(actor=actor, case=case, note=note)
    elif resolution == Resolution.NOT_DUPLICATE:
        if not note:
            raise ValidationError({"note": "认定不属于重复参保须填写理由。"})
    else:
        raise ValidationError({"resolution": "请选择处理方式：退费、转移或不属于重复参保。"})
    case.status = CaseStatus.RESOLVED
    case.resolution = resolution
    case.resolved_by = actor
    case.resolved_at = timezone.now()
    case.resolution_note = note
    case.full_clean()
    history_save(case, actor=actor, reason=f"重复参保处理：{case.get_resolution_display()}")
    return case


def _case_enrollment(*, actor: User, pk: int | None) -> Enrollment:
    enrollment = enrollment_get(user=actor, pk=pk) if pk is not None else None
    if enrollment is None or enrollment.status != EnrollmentStatus.ACTIVE:
        status = enrollment.get_status_display() if enrollment is not None else "不在您的管辖范围内"
        raise ValidationError({"non_field_errors": f"重复的参保记录已{status}，请重新比对后再处理。"})
    return enrollment


def _refund(*, actor: User, case: DuplicateCase, date: datetime.date, note: str) -> str:
    enrollment = _case_enrollment(actor=actor, pk=case.enrollment_id)
    reason = EMPLOYEE_INSURED if case.kind == DuplicateKind.EMPLOYEE_AND_RESIDENT else DUPLICATE_PAYMENT
    refund_request(actor=actor, enrollment=enrollment, reason=reason, date=date)
    payment = Payment.objects.filter(enrollment=enrollment, kind=PaymentKind.REFUND).latest("id")
    case.refund_payment = payment
    done = f"按「{REFUND_REASON_LABELS[reason]}」退费{-payment.amount}元（{date:%Y年%-m月%-d日}，R12.2）"
    if reason == EMPLOYEE_INSURED:
        done += f"，{case.year}年度城乡居民医保参保作废，记为参加职工医保年度（R8.2）"
    else:
        done += "，参保记录保留、按一次缴费"
    return f"{done}。{note}".strip()


def _transfer(*, actor: User, case: DuplicateCase, note: str) -> str:
    if case.kind != DuplicateKind.PLACEHOLDER_AND_REGISTERED:
        raise ValidationError(
            {"resolution": "职工医保与城乡居民医保重复不能转移，请办理退费（已参加职工医保）或认定不属于重复参保。"}
        )
    voided = _case_enrollment(actor=actor, pk=case.enrollment_id)
    kept = _case_enrollment(actor=actor, pk=case.other_enrollment_id)
    registered = kept.resident
    reason = (
        f"与{registered.name}（{id_number_mask(registered.id_number)}）{case.year}年度参保重复，"
        f"保留正式档案的参保记录（重复参保第{case.pk}号）"
    )
    voided.status = EnrollmentStatus.VOIDED
    voided.void_reason = reason[:200]
    voided.benefit_start = None
    voided.benefit_end = None
    voided.counts_as_enrolled_year = False
    voided.explanation = [*voided.explanation, {"rule": "R13.0a", "text": f"作废：{reason}", "source": ""}]
    history_save(voided, actor=actor, reason=reason)
    birth = birth_record_list(user=actor).filter(resident_id=case.resident_id).first()
    if birth is not None:
        newborn_identity_complete(actor=actor, record=birth, id_number=registered.id_number)
        merged = f"临时身份档案已合并至正式档案（出生医学证明{birth.birth_certificate_no}补录身份证号，R7.5）"
    else:
        merged = "临时身份为预参保档案，未关联出生登记，档案保留"
    done = (
        f"保留{kept.enrolling_county.name}的参保记录（{kept.payment_date:%Y年%-m月%-d日}缴费），"
        f"临时身份的{case.year}年度参保记录作废；{merged}"
    )
    return f"{done}。{note}".strip()
