"""R13.0: the data migration voids the enrollments stored with dates no record can have, lists them, keeps their
payments and history."""

import datetime
import importlib

import pytest
from django.apps import apps

from enrollment.models import Enrollment, Payment
from enrollment.services import PaymentDetails, enrollment_create, refund_request

D = datetime.date
cleanup = importlib.import_module("enrollment.migrations.0019_void_impossible_dates")


def enroll(clerk, resident, **changes):
    arguments = {"insurance_year": 2026, "payment_date": D(2025, 11, 20), **changes}
    return enrollment_create(actor=clerk, resident=resident, details=PaymentDetails(**arguments))


@pytest.mark.django_db
def test_r13_0_cleanup_voids_enrollments_with_impossible_dates_and_lists_them(clerk, yujing_resident):
    # given rows the services used to accept, written as they were stored
    fine = enroll(clerk, yujing_resident)
    future = enroll(clerk, yujing_resident, insurance_year=2025, payment_date=D(2024, 11, 20))
    Enrollment.objects.filter(pk=future.pk).update(insurance_year=2099, payment_date=D(9802, 10, 4))
    Payment.objects.filter(enrollment=future).update(date=D(9802, 10, 4))
    other = enroll(clerk, yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20))
    refunded = refund_request(actor=clerk, enrollment=other, reason="employee_insured", date=D(2026, 11, 21))
    Enrollment.objects.filter(pk=refunded.pk).update(refund_reason="pregnancy_terminated", refund_date=D(100, 1, 1))
    Payment.objects.filter(enrollment=refunded, kind="refund").update(date=D(100, 1, 1))
    payments_before = list(Payment.objects.order_by("id").values_list("id", "kind", "amount", "date"))
    histories_before = (fine.history.count(), future.history.count(), refunded.history.count())
    lines = []
    # when
    voided = cleanup.impossible_dates_void(apps, run_date=D(2026, 12, 3), write=lines.append)
    # then
    assert voided == {
        future.pk: "数据清理（R13.0）：缴费日期9802-10-04晚于清理日2026-12-03；保险年度2099晚于2027年度",
        refunded.pk: (
            "数据清理（R13.0）：退费日期0100-01-01早于1900年；退费日期0100-01-01早于缴费日期2026-11-20；"
            "终止妊娠退费用于非预参保新生儿的参保记录"
        ),
    }
    assert lines == [
        f"作废参保记录 id={future.pk}（居民id={yujing_resident.pk}，2099年度，原状态active）：{voided[future.pk]}",
        f"作废参保记录 id={refunded.pk}（居民id={yujing_resident.pk}，2027年度，原状态refunded）："
        f"{voided[refunded.pk]}",
        "共作废2条日期不可能的参保记录。",
    ]
    rows = {e.pk: (e.status, e.benefit_start, e.counts_as_enrolled_year) for e in Enrollment.objects.all()}
    assert rows == {
        fine.pk: ("active", D(2026, 4, 1), True),
        future.pk: ("voided", None, False),
        refunded.pk: ("voided", None, False),
    }
    assert list(Payment.objects.order_by("id").values_list("id", "kind", "amount", "date")) == payments_before
    assert (fine.history.count(), future.history.count(), refunded.history.count()) == (
        histories_before[0],
        histories_before[1] + 1,
        histories_before[2] + 1,
    )
    assert future.history.first().history_change_reason == voided[future.pk]
    # and a second run changes nothing
    assert cleanup.impossible_dates_void(apps, run_date=D(2026, 12, 3), write=lines.append) == {}
