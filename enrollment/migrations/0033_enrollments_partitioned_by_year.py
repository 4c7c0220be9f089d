"""Enrollments partitioned by insurance year on PostgreSQL; SQLite keeps one table.

A partitioned table's primary key and unique indexes must hold its partition key, and a foreign key can only point
at a unique constraint of exactly its columns: the primary key becomes (id, insurance_year), Django still knows `id`
as the key, and the references to an enrollment (payments, receipts, and those of the apps above, whose migrations
run before this one) are kept by the application (`on_delete=PROTECT`) instead of by the database.

Forward, in the migration's transaction: the table is renamed aside, a table partitioned by LIST (insurance_year)
takes its columns, a partition is created for every year the rows hold and for the coming years
(`enrollment_partitions_ensure`), plus DEFAULT; every row is copied with its id, the old table dropped, and its
indexes and constraints are created again under their own names. PostgreSQL 15 has no identity column on a
partitioned table, so `id` takes its values from a sequence the column owns, continuing where the old one stood.
Backward does the opposite: one plain table with the same rows, ids, indexes, constraints and an identity again.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from enrollment.services.partitions import (
    DEFAULT_PARTITION,
    TABLE,
    enrollment_partitions_ensure,
    partition_years_coming,
)

ASIDE = f"{TABLE}_aside"
SEQUENCE = f"{TABLE}_id_seq"


def _definitions(cursor, table):
    """The table's own secondary indexes and its check and foreign-key constraints, as SQL that creates them again
    on a table of the same name, and its primary key's name."""
    cursor.execute(
        "SELECT indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname AND c.relkind IN ('i', 'I') "
        "WHERE i.schemaname = current_schema() AND i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid AND k.contype = 'p') "
        "ORDER BY i.indexname",
        [table],
    )
    indexes = [definition for (definition,) in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('c', 'f') ORDER BY conname",
        [table],
    )
    constraints = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in cursor.fetchall()]
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'", [table])
    (primary_key,) = cursor.fetchone()
    return indexes, constraints, primary_key


def _sequence_state(cursor):
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    (sequence,) = cursor.fetchone()
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    return cursor.fetchone()


def _years_held(cursor, table):
    """The distinct insurance years of the rows, read by skipping along the index that leads with the year."""
    cursor.execute(
        f"WITH RECURSIVE held AS (SELECT MIN(insurance_year) AS year FROM {table} "
        f"UNION ALL SELECT (SELECT MIN(insurance_year) FROM {table} WHERE insurance_year > held.year) "
        f"FROM held WHERE held.year IS NOT NULL) SELECT year FROM held WHERE year IS NOT NULL"
    )
    return [year for (year,) in cursor.fetchall()]


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    alias = schema_editor.connection.alias
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        indexes, constraints, primary_key = _definitions(cursor, TABLE)
        last_value, is_called = _sequence_state(cursor)
        years = _years_held(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {ASIDE}")
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {ASIDE} INCLUDING DEFAULTS) PARTITION BY LIST (insurance_year)")
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
        enrollment_partitions_ensure(
            years=[*years, *partition_years_coming(today=timezone.localdate())], using=alias
        )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {ASIDE}")
        # Dropping the old table drops its identity sequence and frees the names of its indexes and constraints.
        # Any foreign key still pointing at it makes this fail, and the migration with it.
        cursor.execute(f"DROP TABLE {ASIDE}")
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
        cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, last_value, is_called])
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}'::regclass)")
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{primary_key}" PRIMARY KEY (id, insurance_year)')
        for statement in [*indexes, *constraints]:
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {TABLE}")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        indexes, constraints, primary_key = _definitions(cursor, TABLE)
        last_value, is_called = _sequence_state(cursor)
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"DROP SEQUENCE {SEQUENCE}")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {ASIDE}")
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {ASIDE} INCLUDING DEFAULTS)")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {ASIDE}")
        cursor.execute(f"DROP TABLE {ASIDE}")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [TABLE, last_value, is_called])
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{primary_key}" PRIMARY KEY (id)')
        for statement in [*indexes, *constraints]:
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0032_policy_parameter_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payment",
            name="enrollment",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="payments",
                to="enrollment.enrollment",
                verbose_name="参保记录",
            ),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="enrollment",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="receipts",
                to="enrollment.enrollment",
                verbose_name="参保记录",
            ),
        ),
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
