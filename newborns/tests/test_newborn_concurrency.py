"""The birth platform posts the same certificate twice at the same moment: one resident, one enrollment."""

import datetime
import threading

import pytest
from django.db import connection

from conftest import SHANYIN, YUJING_TOWN, first_village
from enrollment.models import Enrollment, Resident
from enrollment.rules import id_number_compose
from newborns.models import BirthRecord
from newborns.services import newborn_register

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_r7_1_concurrent_posts_of_one_certificate_register_it_once(clerk):
    # given
    assert connection.vendor == "postgresql"
    division = first_village(YUJING_TOWN)
    start = threading.Barrier(3)
    outcomes: list[bool] = []

    def post() -> None:
        start.wait()
        try:
            _, created = newborn_register(
                actor=clerk,
                birth_certificate_no="P140099777",
                name="刘小满",
                gender="M",
                birth_date=datetime.date(2026, 3, 1),
                mother_id_number=id_number_compose(
                    address_code=SHANYIN, birth_date=datetime.date(1995, 6, 1), sequence=24
                ),
                division=division,
                registration_date=datetime.date(2026, 3, 20),
            )
            outcomes.append(created)
        finally:
            connection.close()

    # when three posts arrive together
    posts = [threading.Thread(target=post) for _ in range(3)]
    for thread in posts:
        thread.start()
    for thread in posts:
        thread.join()
    # then
    assert sorted(outcomes) == [False, False, True]
    assert (BirthRecord.objects.count(), Resident.objects.count(), Enrollment.objects.count()) == (1, 1, 1)
