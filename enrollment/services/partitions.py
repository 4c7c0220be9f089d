"""The enrollments' partitions by insurance year on PostgreSQL (enrollment 0033); SQLite keeps one table.

Each insurance year has a partition of its own (LIST on `insurance_year`: a year is one value, and a year's
aggregation reads one partition), and a DEFAULT partition takes any year without one, so that no write is ever
refused for want of a partition. The nightly schedule creates the coming years' partitions ahead of their
collection period; a year whose rows already sit in DEFAULT has them moved into its new partition.
"""

import datetime
import re
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction

TABLE = "enrollment_enrollment"
DEFAULT_PARTITION = f"{TABLE}_default"
# The insurance years kept ready ahead: the current one and the next two (the next year's collection period opens
# in the autumn of the current one).
YEARS_AHEAD = 2


def partition_name(year: int) -> str:
    return f"{TABLE}_y{year}"


def partition_years_coming(*, today: datetime.date) -> list[int]:
    return list(range(today.year, today.year + YEARS_AHEAD + 1))


def enrollment_table_partitioned(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))", [TABLE])
        (partitioned,) = cursor.fetchone()
    return bool(partitioned)


def enrollment_partition_years(*, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """The insurance years that have a partition of their own (DEFAULT not counted)."""
    if not enrollment_table_partitioned(using=using):
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        bounds = [bound for (bound,) in cursor.fetchall()]
    return sorted(int(year) for bound in bounds for year in re.findall(r"\d+", bound))


def enrollment_partitions_ensure(*, years: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """Create the partition of each of `years` that has none, moving that year's rows out of DEFAULT into it, and
    return the years created. Nothing on SQLite, or before the table is partitioned.

    The table is locked against writes (reads go on) for the few statements this takes, so that no enrollment of
    the year lands in DEFAULT between the move and the new partition. The moved rows keep their ids and every
    column; a move is not a change of the enrollment, so it writes no history row.
    """
    with transaction.atomic(using=using):
        if not enrollment_table_partitioned(using=using):
            return []
        missing = sorted(set(years) - set(enrollment_partition_years(using=using)))
        if not missing:
            return []
        with connections[using].cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
            for year in missing:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE enrollment_partition_moving ON COMMIT DROP AS "
                    f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE insurance_year = %s RETURNING *) "
                    f"SELECT * FROM moved",
                    [year],
                )
                cursor.execute(f"CREATE TABLE {partition_name(year)} PARTITION OF {TABLE} FOR VALUES IN ({int(year)})")
                cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM enrollment_partition_moving")
                cursor.execute("DROP TABLE enrollment_partition_moving")
    return missing
