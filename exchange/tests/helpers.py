"""The people and births the exchange tests send records about."""

import datetime

from django.contrib.auth.models import Permission

from accounts.models import Role, User
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.models import Enrollment, Resident
from enrollment.rules import id_number_compose
from enrollment.services import resident_create
from exchange.models import FeedBatch, FeedRecord
from newborns.models import BirthRecord
from newborns.services import newborn_register

D = datetime.date
BIRTH = D(2026, 3, 1)
GIRL_ID = id_number_compose(address_code=SHANYIN, birth_date=BIRTH, sequence=12)  # even: a girl
SECOND_GIRL_ID = id_number_compose(address_code=SHANYIN, birth_date=BIRTH, sequence=14)


def exchange_account(username: str = "shanyin-exchange", division: str = SHANYIN):
    """A county's system account: a user of the county given the permission to send feeds (not a superuser, whose
    scope is everything)."""
    user = make_user(username, Role.WINDOW_CLERK, division)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="exchange", codename="add_feedbatch"))
    return User.objects.get(pk=user.pk)  # without the permission cache of the user made above


def mother_create(actor, *, sequence: int = 24, name: str = "刘芳", township: str = YUJING_TOWN):
    return resident_create(
        actor=actor,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=sequence),
        name=name,
        household_division=first_village(township),
    )


def birth_register(actor, mother, *, certificate: str = "P140012345", name: str = "刘小满", **changes):
    record, _ = newborn_register(
        actor=actor,
        birth_certificate_no=certificate,
        name=name,
        gender="F",
        birth_date=BIRTH,
        mother_id_number=mother.id_number,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 3, 20),
        **changes,
    )
    return record


def registration(mother, **changes) -> dict:
    return {
        "id_number": GIRL_ID,
        "name": "刘小满",
        "gender": "F",
        "birth_date": "2026-03-01",
        "birth_certificate_no": "P140012345",
        "mother_id_number": mother.id_number,
        "registration_date": "2026-04-02",
        "division": first_village(YUJING_TOWN).code,
        **changes,
    }


def table_counts() -> dict[str, int]:
    """Every table a feed writes, history included."""
    return {
        "batches": FeedBatch.objects.count(),
        "records": FeedRecord.objects.count(),
        "residents": Resident.objects.count(),
        "resident history": Resident.history.count(),
        "births": BirthRecord.objects.count(),
        "birth history": BirthRecord.history.count(),
        "enrollments": Enrollment.objects.count(),
        "enrollment history": Enrollment.history.count(),
    }
