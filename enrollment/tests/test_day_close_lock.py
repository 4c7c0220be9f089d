"""A clerk's payments and the close of their day (日结) on several PostgreSQL connections: the payments share the
clerk's lock and run at once; a close waits for every payment in flight."""

import datetime

import pytest
from django.db import OperationalError, connection, transaction

from enrollment.models import ClerkDayClose
from enrollment.services import clerk_day_close, day_close_check
from tests.connections import on_another_connection

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAID_ON = datetime.date(2025, 11, 20)


def in_other_connection(step) -> str:
    """Run `step` on a connection of its own that waits at most half a second for a lock: "done" or "waited"."""

    def run() -> str:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '500ms'")
                step()
        except OperationalError:
            return "waited"
        return "done"

    return on_another_connection(run)


def test_two_payments_of_one_clerk_hold_the_day_check_at_once(clerk):
    # given a payment of the clerk in flight, past its day check
    assert connection.vendor == "postgresql"
    with transaction.atomic():
        day_close_check(actor=clerk, date=PAID_ON, field="payment_date")
        # when another payment of the same clerk checks the same day
        other = in_other_connection(lambda: day_close_check(actor=clerk, date=PAID_ON, field="payment_date"))
    # then it does not wait for the first
    assert other == "done"


def test_the_close_of_the_day_waits_for_a_payment_in_flight(clerk):
    # given a payment of the clerk in flight, past its day check
    with transaction.atomic():
        day_close_check(actor=clerk, date=PAID_ON, field="payment_date")
        # when the clerk closes that day on another connection
        close = in_other_connection(lambda: clerk_day_close(actor=clerk, date=PAID_ON))
    # then the close waits for the payment, and nothing is closed
    assert (close, ClerkDayClose.objects.count()) == ("waited", 0)
