"""Restore the enrollments a duplicate or two-channel refund voided (R12.2): such a refund returns the extra payment
and keeps the enrollment and its cover, but the service used to void the year, which then became a break year with
a waiting period and a cap penalty for the following ones.

Each such enrollment goes back to 有效 with the benefit period it had before the refund, read from its history, and
counts again as an enrolled year. Nothing is deleted and no payment is edited: where the refund row returned more
than the extra contributions recorded (every contribution after the first), a refund row of the opposite sign
corrects the difference, so that the year stays paid once. A history row records each change and the migration
prints every enrollment it changed or could not change:
- one without a history row from before its refund is left as it is;
- one whose person has since enrolled again for that year is left as it is (one active enrollment per year);
- later years of a restored person were computed with this year as a break: they are listed, to be recomputed.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

EXTRA_PAYMENT_REASONS = ("duplicate_payment", "multi_channel")
RESTORE_NOTE = "数据修复（R12.2）：重复缴费退费只退还多缴部分，恢复参保记录及待遇期"
HISTORY_REASON_LENGTH = 100


def _money(value):
    return Decimal(value).quantize(Decimal("0.01"))


def duplicate_refunds_restore(apps, *, write=print):
    """Restore every enrollment voided by a duplicate or two-channel refund; returns {enrollment id: what changed,
    or why it was left}."""
    Enrollment = apps.get_model("enrollment", "Enrollment")
    HistoricalEnrollment = apps.get_model("enrollment", "HistoricalEnrollment")
    Payment = apps.get_model("enrollment", "Payment")
    outcome = {}
    restored = 0
    now = timezone.now()
    candidates = Enrollment.objects.filter(status="refunded", refund_reason__in=EXTRA_PAYMENT_REASONS).order_by("id")
    for enrollment in candidates:
        label = f"参保记录 id={enrollment.pk}（居民id={enrollment.resident_id}，{enrollment.insurance_year}年度）"
        before = (
            HistoricalEnrollment.objects.filter(id=enrollment.pk, status="active")
            .order_by("-history_date", "-history_id")
            .first()
        )
        if before is None:
            outcome[enrollment.pk] = "未恢复：没有退费前的变更记录，无法确定原待遇期"
            write(f"{label}{outcome[enrollment.pk]}")
            continue
        active = (
            Enrollment.objects.filter(
                resident_id=enrollment.resident_id, insurance_year=enrollment.insurance_year, status="active"
            )
            .values_list("pk", flat=True)
            .first()
        )
        if active is not None:
            outcome[enrollment.pk] = f"未恢复：该居民本年度已重新参保（参保记录 id={active}）"
            write(f"{label}{outcome[enrollment.pk]}")
            continue
        payments = Payment.objects.filter(enrollment_id=enrollment.pk).order_by("date", "id")
        contributions = list(payments.filter(kind="contribution").values_list("amount", flat=True))
        extra = _money(sum(contributions[1:], Decimal("0")))
        refunds = list(payments.filter(kind="refund", reason__in=EXTRA_PAYMENT_REASONS))
        returned = _money(-sum((refund.amount for refund in refunds), Decimal("0")))
        changes = [f"恢复为有效，待遇期{before.benefit_start or '无'}至{before.benefit_end or '无'}"]
        if returned != extra:
            correction = Payment.objects.create(
                enrollment_id=enrollment.pk,
                kind="refund",
                amount=returned - extra,
                date=refunds[-1].date if refunds else enrollment.refund_date,
                reason=refunds[-1].reason if refunds else enrollment.refund_reason,
                recorded_by_id=refunds[-1].recorded_by_id if refunds else enrollment.recorded_by_id,
            )
            changes.append(
                f"退费流水已退还{returned}元，多缴部分为{extra}元，补记更正流水 id={correction.pk}（{correction.amount}元）"
            )
        later = list(
            Enrollment.objects.filter(
                resident_id=enrollment.resident_id, insurance_year__gt=enrollment.insurance_year, status="active"
            )
            .order_by("insurance_year")
            .values_list("pk", flat=True)
        )
        if later:
            changes.append(f"以后年度参保记录 id={'、'.join(map(str, later))} 按断保计算，需重新计算")
        enrollment.status = "active"
        enrollment.benefit_start = before.benefit_start
        enrollment.benefit_end = before.benefit_end
        enrollment.counts_as_enrolled_year = before.counts_as_enrolled_year
        enrollment.refund_reason = ""
        enrollment.refund_date = None
        enrollment.explanation = [*enrollment.explanation, {"rule": "R12.2", "text": RESTORE_NOTE, "source": ""}]
        fields = ("status", "benefit_start", "benefit_end", "counts_as_enrolled_year", "refund_reason", "refund_date")
        # update(), not save(): the history row below is the one record of the change, whichever models run this
        Enrollment.objects.filter(pk=enrollment.pk).update(
            explanation=enrollment.explanation, **{field: getattr(enrollment, field) for field in fields}
        )
        HistoricalEnrollment.objects.create(
            **{field.attname: getattr(enrollment, field.attname) for field in Enrollment._meta.concrete_fields},
            history_date=now,
            history_type="~",
            history_change_reason=RESTORE_NOTE[:HISTORY_REASON_LENGTH],
        )
        restored += 1
        outcome[enrollment.pk] = "；".join(changes)
        write(f"{label}{outcome[enrollment.pk]}")
    write(f"共恢复{restored}条因重复缴费退费而作废的参保记录，未恢复{len(outcome) - restored}条。")
    return outcome


def restore_duplicate_refunds(apps, schema_editor):
    duplicate_refunds_restore(apps)


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0020_export_job_from_reports")]

    operations = [migrations.RunPython(restore_duplicate_refunds, migrations.RunPython.noop)]
