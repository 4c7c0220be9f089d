"""R12.2: the data migration (enrollment 0021) restores the enrollments a duplicate or two-channel refund voided,
corrects the over-returned refund with a refund row of the opposite sign, lists what it changed and left."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from enrollment.models import Enrollment, Payment
from enrollment.services import PaymentDetails, enrollment_create, refund_request

D = datetime.date
restore = importlib.import_module("enrollment.migrations.0021_restore_duplicate_refunds")


def voided_as_before(clerk, enrollment, *, reason, date):
    """A duplicate refund as the service used to store it: the year voided, everything paid returned."""
    refunded = refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=date)
    Enrollment.objects.filter(pk=refunded.pk).update(refund_reason=reason)
    Payment.objects.filter(enrollment=refunded, kind="refund").update(reason=reason)
    return refunded


def ledger(enrollment):
    return [(p.kind, p.amount, p.reason) for p in Payment.objects.filter(enrollment=enrollment).order_by("id")]


@pytest.mark.django_db
def test_r12_2_migration_restores_enrollments_voided_by_a_duplicate_refund(clerk, yujing_resident, capsys):
    # The migration's function runs on today's models: migrating the database back to before it would drop columns
    # that later migrations add and today's services write.
    # given 2026 (benefits 2026-04-01 .. 2026-12-31) voided by a duplicate refund that returned 430 (400 + top-up)
    voided = enrollment_create(
        actor=clerk,
        resident=yujing_resident,
        details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20), accident_topup=Decimal("30")),
    )
    voided_as_before(clerk, voided, reason="duplicate_payment", date=D(2026, 1, 10))
    # and 2027 computed afterwards with 2026 as a break
    later = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2027, payment_date=D(2026, 11, 20))
    )
    # and 2025 voided by a two-channel refund, then paid again
    left = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2025, payment_date=D(2024, 11, 20))
    )
    voided_as_before(clerk, left, reason="multi_channel", date=D(2025, 1, 10))
    again = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2025, payment_date=D(2025, 1, 20))
    )
    left_ledger, left_history = ledger(left), left.history.count()
    capsys.readouterr()

    # when
    restore.restore_duplicate_refunds(apps, None)

    # then 2026 is active again with its period, paid once (430 in, 430 out, 430 back)
    voided.refresh_from_db()
    assert (
        voided.status,
        voided.benefit_start,
        voided.benefit_end,
        voided.counts_as_enrolled_year,
        voided.refund_reason,
        voided.refund_date,
    ) == ("active", D(2026, 4, 1), D(2026, 12, 31), True, "", None)
    correction = Payment.objects.filter(enrollment=voided).order_by("id").last()
    assert ledger(voided) == [
        ("contribution", Decimal("400.00"), ""),
        ("accident_topup", Decimal("30.00"), ""),
        ("refund", Decimal("-430.00"), "duplicate_payment"),
        ("refund", Decimal("430.00"), "duplicate_payment"),
    ]
    assert correction.date == D(2026, 1, 10)
    assert voided.history.count() == 3
    assert voided.history.first().history_change_reason == restore.RESTORE_NOTE
    assert voided.explanation[-1] == {"rule": "R12.2", "text": restore.RESTORE_NOTE, "source": ""}
    # and 2025, paid again since, is left as it was
    left.refresh_from_db()
    assert (left.status, left.refund_reason, ledger(left), left.history.count()) == (
        "refunded",
        "multi_channel",
        left_ledger,
        left_history,
    )
    assert capsys.readouterr().out.splitlines() == [
        f"参保记录 id={voided.pk}（居民id={yujing_resident.pk}，2026年度）恢复为有效，待遇期2026-04-01至2026-12-31；"
        f"退费流水已退还430.00元，多缴部分为0.00元，补记更正流水 id={correction.pk}（430.00元）；"
        f"以后年度参保记录 id={later.pk} 按断保计算，需重新计算",
        f"参保记录 id={left.pk}（居民id={yujing_resident.pk}，2025年度）"
        f"未恢复：该居民本年度已重新参保（参保记录 id={again.pk}）",
        "共恢复1条因重复缴费退费而作废的参保记录，未恢复1条。",
    ]
    # and a second run restores nothing more
    lines = []
    assert restore.duplicate_refunds_restore(apps, write=lines.append) == {
        left.pk: f"未恢复：该居民本年度已重新参保（参保记录 id={again.pk}）"
    }
    assert Payment.objects.filter(enrollment=voided).count() == 4


@pytest.mark.django_db
def test_r12_2_restore_keeps_a_refund_that_returned_only_the_extra_payment(clerk, yujing_resident):
    # given two contributions recorded and a refund that returned only the second one, though the year was voided
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    Payment.objects.create(
        enrollment=enrollment, kind="contribution", amount=Decimal("400.00"), date=D(2025, 12, 1), recorded_by=clerk
    )
    refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=D(2026, 1, 10))
    Enrollment.objects.filter(pk=enrollment.pk).update(refund_reason="duplicate_payment")
    Payment.objects.filter(enrollment=enrollment, kind="refund").update(reason="duplicate_payment", amount=-400)
    lines = []
    # when
    outcome = restore.duplicate_refunds_restore(apps, write=lines.append)
    # then no correction row
    assert outcome == {enrollment.pk: "恢复为有效，待遇期2026-04-01至2026-12-31"}
    assert Payment.objects.filter(enrollment=enrollment).count() == 3
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.counts_as_enrolled_year) == ("active", True)
