import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core import serializers
from django.core.management.commands import flush as flush_command
from django.core.serializers.base import DeserializedObject
from django.db import connection, connections, transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.models import Model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from divisions.models import Division
from tests.factories import ResidentFactory, UserFactory, first_village

SHANYIN = "140621"
YUJING_TOWN = "140621100"
BEIZHOUZHUANG_TOWN = "140621101"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql need a second real connection: on SQLite they are deselected, not skipped."""
    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if "postgresql" not in item.keywords]
    deselected = [item for item in items if "postgresql" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _deserialize_in_bulk(self: BaseDatabaseCreation, data: str) -> None:
    """Reload the reference data after a transactional test (serialized_rollback) with one bulk insert per table.

    Django saves the serialized rows back one `save()` at a time: every transactional test (the migration,
    concurrency, worker and browser tests) spent 10 to 40 seconds in its set-up on PostgreSQL when the division
    tree was still among them. The rows and their order are Django's own. Each table takes its rows in one bulk
    insert that, like Django's `save()`, updates a row whose key is already there (the first test finds what
    `migrate` wrote; after a flush, post_migrate has written the content types and permissions again). Like
    `save(raw=True)`, it writes no history row.
    """
    alias = self.connection.alias
    deserialized_by_model: dict[type[Model], list[DeserializedObject]] = defaultdict(list)
    with transaction.atomic(using=alias), self.connection.constraint_checks_disabled():
        for deserialized in serializers.deserialize("json", StringIO(data), using=alias):
            deserialized_by_model[type(deserialized.object)].append(deserialized)
        for model, rows in deserialized_by_model.items():
            if any(row.m2m_data for row in rows):
                for row in rows:
                    row.save()
                continue
            key = model._meta.pk
            other_fields = [field.name for field in model._meta.concrete_fields if field is not key]
            model._base_manager.using(alias).bulk_create(
                [row.object for row in rows],
                batch_size=2000,
                update_conflicts=bool(other_fields),
                ignore_conflicts=not other_fields,
                unique_fields=[key.name] if other_fields else None,
                update_fields=other_fields or None,
            )
    self.connection.check_constraints(table_names=[model._meta.db_table for model in deserialized_by_model])


BaseDatabaseCreation.deserialize_db_from_string = _deserialize_in_bulk  # type: ignore[method-assign]

# The division tree (26,598 rows that `migrate` loads and no test writes) stays in place between transactional
# tests: the flush after each one leaves its table alone, and it is not serialized to be loaded again
# (TEST_NON_SERIALIZED_APPS in config/test_settings.py). A transactional test must not write a division.
TABLES_KEPT_BY_FLUSH = {Division._meta.db_table}


def _sql_flush_keeping_the_division_tree(style, connection, reset_sequences=True, allow_cascade=False):
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    flushed = [table for table in tables if table not in TABLES_KEPT_BY_FLUSH]
    return connection.ops.sql_flush(style, flushed, reset_sequences=reset_sequences, allow_cascade=allow_cascade)


flush_command.sql_flush = _sql_flush_keeping_the_division_tree  # type: ignore[attr-defined]


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with every other session on it ended before it is dropped. A browser test's
    body runs in Playwright's greenlet, which Django gives a connection of its own that its teardown never sees; on
    PostgreSQL that open session made the drop fail ("being accessed by other users") and left the database."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connections.close_all()
