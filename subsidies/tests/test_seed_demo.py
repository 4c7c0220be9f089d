"""The demo data of `make run`: users, residents, identities and payments; a second run changes nothing."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from enrollment.models import Enrollment, Resident
from subsidies.models import HardshipIdentity

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_residents_identities_and_payments_once():
    # when
    call_command("seed_demo", residents=20, stdout=io.StringIO())
    call_command("seed_demo", residents=20, stdout=io.StringIO())
    # then
    assert User.objects.count() == 6
    assert (Resident.objects.count(), HardshipIdentity.objects.count(), Enrollment.objects.count()) == (20, 2, 16)
    subsidised = Enrollment.objects.exclude(subsidy_category="").count()
    assert subsidised == Enrollment.objects.filter(subsidy_amount__gt=0).count()
