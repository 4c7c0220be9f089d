"""Void the enrollments that carry a date or year no record can have (R13.0, R12.1), stored before the services
refused them: nothing is deleted or re-dated; each such enrollment is marked 已作废 with the reason, out of every
count, a history row records the change, and the migration prints every enrollment it changed.

An enrollment is voided when, as of the day the migration runs:
- its payment date, its refund date or the date of any of its payments is after that day or before 1900;
- its insurance year is after the year following that day's (no collection for it can have opened);
- it was refunded on a date before its payment date;
- it was refunded for a terminated pregnancy (R7.6) though it is not a pre-enrolled baby's before birth.
Its payments stay as they were recorded (a payment is never edited); the void reason says which date is wrong.
"""

import datetime

from django.db import migrations
from django.db.models import F, Q
from django.utils import timezone

EARLIEST_DATE = datetime.date(1900, 1, 1)
VOID_PREFIX = "数据清理（R13.0）："
HISTORY_REASON_LENGTH = 100


def _reasons(enrollment, *, run_date, odd_payments, placeholder_unborn):
    reasons = []
    if enrollment.payment_date > run_date:
        reasons.append(f"缴费日期{enrollment.payment_date.isoformat()}晚于清理日{run_date.isoformat()}")
    elif enrollment.payment_date < EARLIEST_DATE:
        reasons.append(f"缴费日期{enrollment.payment_date.isoformat()}早于1900年")
    if enrollment.insurance_year > run_date.year + 1:
        reasons.append(f"保险年度{enrollment.insurance_year}晚于{run_date.year + 1}年度")
    refund_date = enrollment.refund_date
    if refund_date is not None:
        if refund_date > run_date:
            reasons.append(f"退费日期{refund_date.isoformat()}晚于清理日{run_date.isoformat()}")
        elif refund_date < EARLIEST_DATE:
            reasons.append(f"退费日期{refund_date.isoformat()}早于1900年")
        if refund_date < enrollment.payment_date:
            reasons.append(f"退费日期{refund_date.isoformat()}早于缴费日期{enrollment.payment_date.isoformat()}")
    if enrollment.refund_reason == "pregnancy_terminated" and not placeholder_unborn:
        reasons.append("终止妊娠退费用于非预参保新生儿的参保记录")
    for payment_id, kind, date in odd_payments:
        if enrollment.payment_date != date and enrollment.refund_date != date:
            when = "晚于清理日" if date > run_date else "早于1900年"
            reasons.append(f"缴费流水{payment_id}（{kind}）日期{date.isoformat()}{when}")
    return reasons


def impossible_dates_void(apps, *, run_date, write=print):
    """Void every enrollment with an impossible date as of `run_date`; returns {enrollment id: void reason}."""
    Enrollment = apps.get_model("enrollment", "Enrollment")
    HistoricalEnrollment = apps.get_model("enrollment", "HistoricalEnrollment")
    Payment = apps.get_model("enrollment", "Payment")
    odd_payment_dates = Q(date__gt=run_date) | Q(date__lt=EARLIEST_DATE)
    odd_payments = {}
    for payment_id, enrollment_id, kind, date in (
        Payment.objects.filter(odd_payment_dates).order_by("id").values_list("id", "enrollment_id", "kind", "date")
    ):
        odd_payments.setdefault(enrollment_id, []).append((payment_id, kind, date))
    candidates = (
        Enrollment.objects.exclude(status="voided")
        .filter(
            Q(payment_date__gt=run_date)
            | Q(payment_date__lt=EARLIEST_DATE)
            | Q(insurance_year__gt=run_date.year + 1)
            | Q(refund_date__gt=run_date)
            | Q(refund_date__lt=EARLIEST_DATE)
            | Q(refund_date__lt=F("payment_date"))
            | Q(refund_reason="pregnancy_terminated")
            | Q(pk__in=list(odd_payments))
        )
        .select_related("resident")
        .order_by("id")
    )
    voided = {}
    now = timezone.now()
    for enrollment in candidates:
        resident = enrollment.resident
        placeholder_unborn = (
            resident.id_number_is_placeholder and resident.gender == "U" and enrollment.special_status == "newborn"
        )
        reasons = _reasons(
            enrollment,
            run_date=run_date,
            odd_payments=odd_payments.get(enrollment.pk, []),
            placeholder_unborn=placeholder_unborn,
        )
        if not reasons:
            continue
        before = enrollment.status
        enrollment.status = "voided"
        enrollment.void_reason = (VOID_PREFIX + "；".join(reasons))[:200]
        enrollment.benefit_start = None
        enrollment.benefit_end = None
        enrollment.counts_as_enrolled_year = False
        # update(), not save(): the history row below is the one record of the change, whichever models run this
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=enrollment.status,
            void_reason=enrollment.void_reason,
            benefit_start=None,
            benefit_end=None,
            counts_as_enrolled_year=False,
        )
        HistoricalEnrollment.objects.create(
            **{field.attname: getattr(enrollment, field.attname) for field in Enrollment._meta.concrete_fields},
            history_date=now,
            history_type="~",
            history_change_reason=enrollment.void_reason[:HISTORY_REASON_LENGTH],
        )
        voided[enrollment.pk] = enrollment.void_reason
        write(
            f"作废参保记录 id={enrollment.pk}（居民id={enrollment.resident_id}，{enrollment.insurance_year}年度，"
            f"原状态{before}）：{enrollment.void_reason}"
        )
    write(f"共作废{len(voided)}条日期不可能的参保记录。")
    return voided


def void_impossible_dates(apps, schema_editor):
    impossible_dates_void(apps, run_date=timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0018_enrollment_void_reason")]

    operations = [migrations.RunPython(void_impossible_dates, migrations.RunPython.noop)]
