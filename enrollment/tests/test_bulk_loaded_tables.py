"""The indexes of the tables a county's file loads in bulk: each one a load writes once per row, so only those a
page or a check reads are kept (enrollment 0036)."""

import pytest
from django.db import connection

from enrollment.models import Enrollment, Resident

pytestmark = pytest.mark.django_db


def indexed_columns(model) -> list[list[str]]:
    """The column lists of the table's indexes other than its primary key, sorted."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexes = [definition for definition in constraints.values() if definition["index"]]
    return sorted(definition["columns"] for definition in indexes if not definition["primary_key"])


def test_the_registrys_history_is_indexed_by_the_persons_id_only():
    assert indexed_columns(Resident.history.model) == [["id"]]


def test_the_enrollments_history_has_no_index_of_the_change_date_or_user():
    indexed = indexed_columns(Enrollment.history.model)
    assert ["id"] in indexed
    assert ["history_date"] not in indexed and ["history_user_id"] not in indexed


@pytest.mark.postgresql
def test_only_the_people_with_a_residence_of_their_own_are_in_the_residence_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'resident_residence_division'")
        (definition,) = cursor.fetchone()
    assert definition.endswith("(residence_division_id varchar_pattern_ops) WHERE (residence_division_id IS NOT NULL)")
