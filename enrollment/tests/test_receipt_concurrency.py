"""Receipt numbers under clerks paying at the same moment, on several PostgreSQL connections: no gap, no duplicate
(issue 19, item 2)."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from enrollment.models import Receipt, ReceiptCounter
from enrollment.services import PaymentDetails, enrollment_create
from tests.factories import ResidentFactory, UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAID_ON = datetime.date(2025, 11, 20)


class PaymentAbandoned(Exception):
    """A payment whose transaction is rolled back after its receipt number was taken."""


def test_receipt_numbers_have_no_gap_and_no_duplicate_when_clerks_pay_at_once(clerk):
    # given five clerks of Shanyin paying for five people at the same moment, the fifth payment rolled back after
    # its number was taken, all in Shanyin's first sequence of the year (the counter row does not exist yet)
    assert connection.vendor == "postgresql"
    residents = [
        ResidentFactory(actor=clerk, birth_date=datetime.date(1980 + index, 5, 1), sequence=30 + index)
        for index in range(5)
    ]
    clerks = [clerk] + [
        UserFactory(username=f"clerk{index}", role=Role.WINDOW_CLERK, division_code="140621") for index in range(1, 5)
    ]
    start = threading.Barrier(len(residents))
    # Each clerk's transaction stays open a moment after the payment, as a clerk's does while the receipt prints: a
    # number taken without the counter's lock would be read by every clerk before any of them commits.
    hold_open = threading.Barrier(len(residents))
    errors: list[BaseException] = []

    def pay(actor, resident, abandon: bool) -> None:
        start.wait()
        try:
            with transaction.atomic():
                enrollment_create(
                    actor=actor, resident=resident, details=PaymentDetails(insurance_year=2026, payment_date=PAID_ON)
                )
                try:
                    hold_open.wait(timeout=2)
                except threading.BrokenBarrierError:
                    pass  # the others wait for this clerk's counter lock: commit and let them through
                if abandon:
                    raise PaymentAbandoned
        except PaymentAbandoned:
            pass
        except BaseException as error:  # reported below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [
        threading.Thread(target=pay, args=(actor, resident, index == len(residents) - 1))
        for index, (actor, resident) in enumerate(zip(clerks, residents, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then the four payments hold the numbers 1 to 4, each once; the abandoned one gave its number back
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(Receipt.objects.filter(county_id="140621", year=year).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
    assert ReceiptCounter.objects.get(county_id="140621", year=year).last_number == 4
    assert not Receipt.objects.filter(enrollment__resident=residents[-1]).exists()
