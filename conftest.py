import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import ResidentFactory, UserFactory, first_village

SHANYIN = "140621"
YUJING_TOWN = "140621100"
BEIZHOUZHUANG_TOWN = "140621101"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql need a second real connection: on SQLite they are deselected, not skipped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if "postgresql" not in item.keywords]
    deselected = [item for item in items if "postgresql" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def make_user(username: str, role: str, division_code: str):
    return UserFactory(username=username, role=role, division_code=division_code)


@pytest.fixture
def clerk(db):
    return make_user("clerk", Role.WINDOW_CLERK, SHANYIN)


@pytest.fixture
def yujing_official(db):
    return make_user("yujing", Role.TOWNSHIP_OFFICIAL, YUJING_TOWN)


@pytest.fixture
def city_staff(db):
    return make_user("shuozhou", Role.CITY_STAFF, "1406")


@pytest.fixture
def yujing_resident(clerk):
    return ResidentFactory(actor=clerk, birth_date=datetime.date(1985, 3, 12), sequence=17, name="王玉井")


@pytest.fixture
def beizhouzhuang_resident(clerk):
    return ResidentFactory(
        actor=clerk,
        birth_date=datetime.date(1990, 7, 1),
        sequence=22,
        name="李北周",
        household_division=first_village(BEIZHOUZHUANG_TOWN),
    )


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
