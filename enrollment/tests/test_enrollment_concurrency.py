"""Two clerks paying for the same person and year at the same moment, on two PostgreSQL connections, on the table
partitioned by insurance year."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from enrollment.models import Enrollment, Payment
from enrollment.services import PaymentDetails, enrollment_create
from enrollment.services.partitions import enrollment_table_partitioned

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_only_one_active_enrollment_when_two_clerks_submit_at_once(clerk, yujing_resident):
    # given
    assert connection.vendor == "postgresql"
    assert enrollment_table_partitioned()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def pay() -> None:
        start.wait()
        try:
            enrollment_create(
                actor=clerk,
                resident=yujing_resident,
                details=PaymentDetails(insurance_year=2026, payment_date=datetime.date(2025, 11, 20)),
            )
            outcomes.append("saved")
        except ValidationError as refusal:
            outcomes.append(refusal.message_dict["non_field_errors"][0])
        finally:
            connection.close()

    # when
    clerks = [threading.Thread(target=pay) for _ in range(2)]
    for thread in clerks:
        thread.start()
    for thread in clerks:
        thread.join()
    # then
    assert sorted(outcomes) == ["saved", "该居民2026年度已在山阴县参保，不能重复参保。"]
    assert Enrollment.objects.filter(resident=yujing_resident, insurance_year=2026).count() == 1
    assert Payment.objects.count() == 1
