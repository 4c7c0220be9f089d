"""An existing database brought across to the enrollments partitioned by insurance year (enrollment 0033, with the
references of the apps above made application-kept before it) and back: no row, id, reference or history is lost,
and the id sequence goes on where it stood."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from enrollment.services import partition_years_coming
from enrollment.services.partitions import enrollment_partition_years, enrollment_table_partitioned
from tests.factories import EnrollmentFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BEFORE = [
    ("enrollment", "0032_policy_parameter_versions"),
    ("newborns", "0008_issue_medical_codes"),
    ("tax_payments", "0002_content_type_from_bulk"),
    ("duplicates", "0002_schedule_duplicate_scan"),
    ("exchange", "0002_feeds_moves_rolls_maternity"),
]
TABLES = ["enrollment_enrollment", "enrollment_payment", "enrollment_historicalenrollment"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def table_rows() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        rows = {}
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            rows[table] = cursor.fetchall()
    return rows


def one(statement: str):
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


def sequence_last_value() -> int:
    sequence = one("SELECT pg_get_serial_sequence('enrollment_enrollment', 'id')")
    return one(f"SELECT last_value FROM {sequence}")


def foreign_keys_to_enrollments() -> int:
    return one("SELECT COUNT(*) FROM pg_constraint WHERE confrelid = 'enrollment_enrollment'::regclass")


def person_indexes() -> list[str]:
    """The indexes of the table that lead with the enrollment's person and hold no other key column."""
    return one(
        "SELECT array_agg(indexname ORDER BY indexname) FROM pg_indexes WHERE tablename = 'enrollment_enrollment' "
        "AND indexdef LIKE '%USING btree (resident_id)%'"
    )


def person_foreign_keys() -> int:
    return one(
        "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'enrollment_enrollment'::regclass AND contype = 'f' "
        "AND confrelid = 'enrollment_resident'::regclass"
    )


def enrollment_insert(apps, template_id: int, *, year: int, status: str = "active"):
    """A plain row of the same person for another year, through the models of the migration state at hand."""
    Enrollment = apps.get_model("enrollment", "Enrollment")
    row = Enrollment.objects.get(pk=template_id)
    row.pk, row.insurance_year, row.status = None, year, status
    row.save()
    return row


def test_an_existing_database_keeps_every_enrollment_reference_history_and_id_when_partitioned_and_back(
    clerk, yujing_resident
):
    # given the database before the partitions, holding an enrollment taken at the window (its payment and history
    # rows), rows of a year long past and of a year far ahead of the coming ones, their payments and history rows,
    # and an id the sequence gave out to a row deleted since (the sequence stands beyond the highest id)
    template = EnrollmentFactory(actor=clerk, resident=yujing_resident, insurance_year=2026)
    old_apps = migrate(BEFORE)
    assert not enrollment_table_partitioned()
    assert foreign_keys_to_enrollments() == 8
    far = max(partition_years_coming(today=timezone.localdate())) + 7
    past = enrollment_insert(old_apps, template.pk, year=2019, status="refunded")
    ahead = enrollment_insert(old_apps, template.pk, year=far)
    gone = enrollment_insert(old_apps, template.pk, year=2018)
    old_apps.get_model("enrollment", "Enrollment").objects.filter(pk=gone.pk).delete()
    Payment = old_apps.get_model("enrollment", "Payment")
    for enrollment in (past, ahead):
        Payment.objects.create(
            enrollment_id=enrollment.pk,
            kind="contribution",
            amount="400.00",
            date="2025-11-20",
            recorded_by_id=clerk.pk,
        )
    HistoricalEnrollment = old_apps.get_model("enrollment", "HistoricalEnrollment")
    history = HistoricalEnrollment.objects.filter(id=template.pk).get()
    history.pk, history.id, history.insurance_year = None, ahead.pk, far
    history.save()
    before = table_rows()
    last_id = sequence_last_value()
    assert (len(before["enrollment_enrollment"]), len(before["enrollment_payment"]), last_id) == (3, 3, gone.pk)

    # when the partitions are migrated
    migrate_to_latest()

    # then every row is there as it was, with its id, each payment pointing at its enrollment and the history kept
    assert table_rows() == before
    assert one(
        "SELECT COUNT(*) FROM enrollment_payment p JOIN enrollment_enrollment e ON e.id = p.enrollment_id"
    ) == len(before["enrollment_payment"])
    # and the table is partitioned, each year held in its own partition, the coming years ready, DEFAULT empty
    assert one("SELECT COUNT(*) FROM pg_partitioned_table WHERE partrelid = 'enrollment_enrollment'::regclass") == 1
    assert enrollment_partition_years() == sorted(
        {2019, 2026, far, *partition_years_coming(today=timezone.localdate())}
    )
    assert one(
        "SELECT array_agg(DISTINCT tableoid::regclass::text ORDER BY tableoid::regclass::text) "
        "FROM enrollment_enrollment"
    ) == ["enrollment_enrollment_y2019", "enrollment_enrollment_y2026", f"enrollment_enrollment_y{far}"]
    assert one("SELECT COUNT(*) FROM enrollment_enrollment_default") == 0
    # and nothing points at the enrollments from the database any more; the primary key holds the year
    assert foreign_keys_to_enrollments() == 0
    assert (
        one(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'enrollment_enrollment'::regclass "
            "AND contype = 'p'"
        )
        == "PRIMARY KEY (id, insurance_year)"
    )
    # and the person is indexed once (0037), by the index that also holds what the progress count reads, while the
    # enrollment's foreign key to the person stays
    assert person_indexes() == ["enrollment_resident_counted"]
    assert "INCLUDE (insurance_year, payment_date, status, refund_date, counts_as_enrolled_year)" in one(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'enrollment_resident_counted'"
    )
    assert person_foreign_keys() == 1
    # and the sequence goes on where it stood: a new enrollment takes the next id, never the deleted one's
    assert sequence_last_value() == last_id
    new = enrollment_insert(migrate(connection_leaves()), template.pk, year=2027)
    assert new.pk == last_id + 1

    # when migrated back
    after = table_rows()
    migrate(BEFORE)

    # then the one plain table holds the same rows and ids, its payments' foreign keys are the database's again,
    # and the next id still goes on
    assert not enrollment_table_partitioned()
    assert table_rows() == after
    assert foreign_keys_to_enrollments() == 8
    assert (person_indexes(), person_foreign_keys()) == (["enrollment_enrollment_resident_id_9299269c"], 1)
    assert sequence_last_value() == last_id + 1
    identity = (
        "SELECT attidentity FROM pg_attribute WHERE attrelid = 'enrollment_enrollment'::regclass AND attname = 'id'"
    )
    assert one(identity) == "d"
    again = enrollment_insert(migrate(BEFORE), template.pk, year=2028)
    assert again.pk == last_id + 2

    # and the database is left at the latest migrations for the tests that follow
    migrate_to_latest()
    assert enrollment_table_partitioned()


def connection_leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
