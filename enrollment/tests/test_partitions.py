"""Enrollments partitioned by insurance year on PostgreSQL (enrollment 0033): the partitions of the coming years, the
rows a new partition takes out of DEFAULT, the history of a change, and the schedule that keeps the years ready."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from enrollment.models import Enrollment, Payment
from enrollment.services import enrollment_partitions_ensure, partition_years_coming, refund_request
from enrollment.services.partitions import enrollment_partition_years, enrollment_table_partitioned
from enrollment.tasks import enrollment_partitions_ensure_task
from tests.factories import EnrollmentFactory


def partition_of(enrollment_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM enrollment_enrollment WHERE id = %s", [enrollment_id])
        (table,) = cursor.fetchone()
    return table


def parent_index(index: str) -> str:
    """The index of the partitioned table that a partition's index belongs to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = to_regclass(%s)", [index])
        (parent,) = cursor.fetchone()
    return parent


def enrollment_copy(enrollment: Enrollment, *, insurance_year: int) -> Enrollment:
    """The same person's enrollment for another year, written as a plain row (no rule is run)."""
    copy = Enrollment.objects.get(pk=enrollment.pk)
    copy.pk = None
    copy.insurance_year = insurance_year
    copy.save()
    return copy


def test_coming_years_are_the_current_insurance_year_and_the_next_two():
    assert partition_years_coming(today=datetime.date(2026, 12, 4)) == [2026, 2027, 2028]
    assert partition_years_coming(today=datetime.date(2027, 1, 1)) == [2027, 2028, 2029]


def test_the_partitions_are_ensured_every_night_on_the_bulk_queue(db):
    task = PeriodicTask.objects.get(task="enrollment.partitions_ensure")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone), task.enabled) == (
        "1",
        "30",
        "Asia/Shanghai",
        True,
    )
    assert app.amqp.router.route({}, "enrollment.partitions_ensure")["queue"].name == "bulk"


@pytest.mark.postgresql
def test_the_migration_left_a_partition_for_each_coming_year_and_default(db):
    # given the database as migrated, today
    coming = partition_years_coming(today=timezone.localdate())
    # then the table is partitioned, each coming year has its partition, and there is nothing to create
    assert enrollment_table_partitioned()
    assert set(coming) <= set(enrollment_partition_years())
    assert enrollment_partitions_ensure(years=coming) == []


@pytest.mark.postgresql
def test_a_new_year_gets_its_partition_and_its_rows_move_out_of_default(clerk, yujing_resident):
    # given an enrollment of 2026 and, for a year without a partition, two rows of the same person in DEFAULT
    enrollment = EnrollmentFactory(actor=clerk, resident=yujing_resident, insurance_year=2026)
    far = max(enrollment_partition_years()) + 3
    in_default = [enrollment_copy(enrollment, insurance_year=far) for _ in range(1)]
    in_default.append(enrollment_copy(enrollment, insurance_year=far + 1))
    Enrollment.objects.filter(pk=in_default[0].pk).update(status="refunded", refund_reason="death")
    before = {
        row["id"]: row for row in Enrollment.objects.filter(insurance_year__in=[far, far + 1]).order_by("id").values()
    }
    assert [partition_of(row.pk) for row in in_default] == ["enrollment_enrollment_default"] * 2
    history_before = Enrollment.history.count()

    # when the partition of that year is ensured
    created = enrollment_partitions_ensure(years=[2026, far])

    # then only the missing year is created, its row moved into it with its id and every column, the other year left
    assert created == [far]
    assert far in enrollment_partition_years() and far + 1 not in enrollment_partition_years()
    assert partition_of(in_default[0].pk) == f"enrollment_enrollment_y{far}"
    assert partition_of(in_default[1].pk) == "enrollment_enrollment_default"
    assert partition_of(enrollment.pk) == "enrollment_enrollment_y2026"
    after = {
        row["id"]: row for row in Enrollment.objects.filter(insurance_year__in=[far, far + 1]).order_by("id").values()
    }
    assert after == before
    assert Enrollment.history.count() == history_before
    # and a second run changes nothing
    assert enrollment_partitions_ensure(years=[far]) == []
    assert partition_of(in_default[0].pk) == f"enrollment_enrollment_y{far}"


@pytest.mark.postgresql
def test_the_nightly_task_creates_the_coming_years_only(db):
    # given the database as migrated: the coming years already have their partitions
    before = enrollment_partition_years()
    # when the nightly task runs
    created = enrollment_partitions_ensure_task()
    # then nothing is created
    assert (created, enrollment_partition_years()) == ([], before)


@pytest.mark.postgresql
def test_a_change_of_an_enrollment_in_its_partition_keeps_its_history(clerk, yujing_resident):
    # given an enrollment of 2026, held in 2026's partition
    enrollment = EnrollmentFactory(actor=clerk, resident=yujing_resident, insurance_year=2026)
    assert partition_of(enrollment.pk) == "enrollment_enrollment_y2026"
    versions_before = list(enrollment.history.order_by("history_id").values_list("history_type", "status"))

    # when it is refunded
    refund_request(
        actor=clerk,
        enrollment=enrollment,
        reason="died_before_benefit",
        date=datetime.date(2026, 2, 1),
        death_date=datetime.date(2026, 1, 20),
    )

    # then the change has its history row beside the creation's, and the payments still point at the enrollment
    versions = list(enrollment.history.order_by("history_id").values_list("history_type", "status", "history_user"))
    assert versions_before == [("+", "active")]
    assert versions == [("+", "active", clerk.pk), ("~", "refunded", clerk.pk)]
    assert list(Payment.objects.filter(enrollment=enrollment).values_list("kind", flat=True).order_by("kind")) == [
        "contribution",
        "refund",
    ]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("year_offset", [0, 10], ids=["in its year's partition", "in DEFAULT"])
def test_two_connections_writing_the_same_active_enrollment_one_is_refused(clerk, yujing_resident, year_offset):
    # given a person's refunded enrollment, and two connections each about to write an active one for the same
    # person and year, as plain rows past every check of the service (a year of its own partition, or of DEFAULT)
    assert enrollment_table_partitioned()
    template = EnrollmentFactory(actor=clerk, resident=yujing_resident, insurance_year=2026)
    year = 2026 if year_offset == 0 else max(enrollment_partition_years()) + year_offset
    Enrollment.objects.filter(pk=template.pk).update(status="refunded", refund_reason="death")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def write() -> None:
        start.wait()
        try:
            with transaction.atomic():
                copy = Enrollment.objects.get(pk=template.pk)
                copy.pk, copy.insurance_year, copy.status, copy.refund_reason = None, year, "active", ""
                copy.save()
                time.sleep(0.2)  # the first writer holds its row uncommitted while the second one writes
            outcomes.append("saved")
        except IntegrityError as refusal:
            cause = refusal.__cause__
            outcomes.append(f"{cause.sqlstate} {cause.diag.constraint_name}")  # type: ignore[union-attr]
        finally:
            connection.close()

    # when both write at once
    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    # then exactly one is saved, the other refused as a unique violation by the partition's index of the table's
    # one active enrollment per person and year
    refused, saved = sorted(outcomes)
    sqlstate, index = refused.split()
    assert (sqlstate, parent_index(index), saved) == ("23505", "one_active_enrollment_per_person_year", "saved")
    assert Enrollment.objects.filter(resident=yujing_resident, insurance_year=year, status="active").count() == 1
    # and the model's own check of the constraint says so in Chinese to the person writing the second
    second = Enrollment.objects.get(resident=yujing_resident, insurance_year=year, status="active")
    second.pk = None
    with pytest.raises(ValidationError) as refusal:
        second.validate_constraints()
    assert refusal.value.messages == ["该居民本年度已有有效参保记录。"]


@pytest.mark.postgresql
def test_enrollments_annotated_with_their_payments_group_by_every_column(clerk, yujing_resident):
    # given an enrollment of 2026 with its contribution; the table's primary key is (id, insurance_year), so
    # PostgreSQL does not take the other columns as determined by `id` alone
    enrollment = EnrollmentFactory(actor=clerk, resident=yujing_resident, insurance_year=2026)
    # when the enrollments are read with a sum of their payments
    rows = list(Enrollment.objects.annotate(paid=Sum("payments__amount")).values_list("pk", "insurance_year", "paid"))
    # then each enrollment is one row, with its sum
    assert rows == [(enrollment.pk, 2026, enrollment.individual_due)]
