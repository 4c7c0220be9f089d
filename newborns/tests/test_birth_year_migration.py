"""R7.1a, R7.6: the data migration (newborns 0005) gives babies enrolled only for a later year their birth-year
enrollment, and repairs a placeholder's year stretched back before its 1 January (R1.1)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import SHANYIN, YUJING_TOWN, first_village
from enrollment.models import Enrollment, Payment
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import BirthRecord, PreEnrollmentPlaceholder
from newborns.services import pre_enrollment_create

D = datetime.date
migration = importlib.import_module("newborns.migrations.0005_birth_year_enrollments")


def mother_of(clerk, number):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1990, 1, number), sequence=20 + 2 * number),
        name=f"母亲{number}",
        household_division=first_village(YUJING_TOWN),
    )


def enrolled_for_the_next_year_only(clerk, number, *, born, registered):
    """A newborn registered as before R7.1a: enrolled for the registration's year only."""
    mother = mother_of(clerk, number)
    baby = resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=born, sequence=100 + 2 * number),
        name=f"新生儿{number}",
        household_division=first_village(YUJING_TOWN),
    )
    enrollment = enrollment_create(
        actor=clerk,
        resident=baby,
        details=PaymentDetails(
            insurance_year=registered.year, payment_date=registered, special_status="newborn", special_date=born
        ),
    )
    return BirthRecord.objects.create(
        birth_certificate_no=f"P2025{number:04d}",
        name=baby.name,
        gender="F",
        birth_date=born,
        mother_id_number=mother.id_number,
        division=first_village(YUJING_TOWN),
        registration_date=registered,
        channel="birth_platform",
        resident=baby,
        enrollment=enrollment,
        registered_by=clerk,
    )


def linked_as_before(clerk):
    """A baby born 2025-12-28, before its placeholder's year 2026, linked as before the fix: the placeholder's 2026
    enrollment recomputed from the real birth date, covered from 2025-12-28."""
    mother = mother_of(clerk, 9)
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2025, payment_date=D(2024, 11, 20))
    )
    placeholder = pre_enrollment_create(
        actor=clerk,
        mother_id_number=mother.id_number,
        expected_delivery_date=D(2026, 1, 20),
        application_date=D(2025, 10, 1),
    ).placeholders.get()
    resident = placeholder.resident
    resident.name, resident.gender, resident.birth_date = "刘早早", "M", D(2025, 12, 28)
    resident.save()
    Enrollment.objects.filter(pk=placeholder.enrollment_id).update(
        benefit_start=D(2025, 12, 28),
        individual_due=Decimal("400.00"),
        subsidy_amount=Decimal("0.00"),
        subsidy_category="",
        special_date=D(2025, 12, 28),
    )
    record = BirthRecord.objects.create(
        birth_certificate_no="P20250009",
        name="刘早早",
        gender="M",
        birth_date=D(2025, 12, 28),
        mother_id_number=mother.id_number,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 1, 5),
        channel="window",
        resident=resident,
        enrollment_id=placeholder.enrollment_id,
        registered_by=clerk,
    )
    PreEnrollmentPlaceholder.objects.filter(pk=placeholder.pk).update(birth_record=record, linked_on=D(2026, 1, 5))
    return record, placeholder.enrollment_id


def years_of(record):
    return {
        enrollment.insurance_year: enrollment
        for enrollment in Enrollment.objects.filter(resident=record.resident, status="active")
    }


@pytest.mark.django_db
def test_r7_1a_r7_6_migration_adds_the_birth_year_and_repairs_the_second_year(clerk, capsys):
    # The migration's function runs on today's models, as the other data-migration tests do.
    # given a baby born 2025-12-20, registered 2026-01-15 (day 26), enrolled for 2026 only
    december = enrolled_for_the_next_year_only(clerk, 1, born=D(2025, 12, 20), registered=D(2026, 1, 15))
    before_2026 = Enrollment.objects.get(pk=december.enrollment_id)
    assert (before_2026.cap_break_penalty, before_2026.continuous) == (Decimal("3000.00"), True)
    # and a baby born 2025-09-01, registered 2026-01-15 (day 136): outside the window, rightly enrolled for 2026
    late = enrolled_for_the_next_year_only(clerk, 2, born=D(2025, 9, 1), registered=D(2026, 1, 15))
    # and a baby linked to a 2026 placeholder as before the fix
    linked, placeholder_enrollment = linked_as_before(clerk)
    capsys.readouterr()

    # when
    outcome = migration.birth_year_enrollments_add(apps)

    # then the December baby has its 2025 enrollment, free under R7.2a, paid on its registration date
    years = years_of(december)
    added = years[2025]
    assert (
        added.payment_date,
        added.benefit_start,
        added.benefit_end,
        added.individual_due,
        added.subsidy_amount,
        added.subsidy_category,
        added.special_status,
        added.channel,
        added.counts_as_enrolled_year,
    ) == (
        D(2026, 1, 15),
        D(2025, 12, 20),
        D(2025, 12, 31),
        Decimal("0.00"),
        Decimal("0.00"),
        "",
        "newborn",
        "online",
        True,
    )
    assert [entry["rule"] for entry in added.explanation] == ["R1.2", "R7.1", "R7.1a", "R7.2a", "R5.1", "R7.1a"]
    assert added.explanation[-1] == {"rule": "R7.1a", "text": "按R7.1a补记出生当年参保", "source": ""}
    assert list(Payment.objects.filter(enrollment=added).values_list("kind", "amount", "date")) == [
        ("contribution", Decimal("0.00"), D(2026, 1, 15))
    ]
    assert (added.history.count(), added.history.first().history_change_reason) == (1, "按R7.1a补记出生当年参保")
    december.refresh_from_db()
    assert december.enrollment_id == added.pk
    # and its 2026 enrollment is the second year: no break penalty now, due and payments as they were
    second = years[2026]
    assert (second.benefit_start, second.cap_break_penalty, second.individual_due, second.subsidy_category) == (
        D(2026, 1, 1),
        Decimal("0.00"),
        Decimal("400.00"),
        "",
    )
    assert second.explanation[-1] == {
        "rule": "R7.4",
        "text": "按R7.1a补记出生当年参保后，本年度按出生次年（R7.4）重新计算",
        "source": "",
    }
    # and the late baby is left as it was
    assert list(years_of(late)) == [2026]
    # and the linked baby has 2025, and its 2026 starts on 1 January (R1.1), its due kept, the balance said
    years = years_of(linked)
    assert (years[2025].benefit_start, years[2025].payment_date, years[2025].individual_due) == (
        D(2025, 12, 28),
        D(2026, 1, 5),
        Decimal("0.00"),
    )
    repaired = years[2026]
    assert repaired.pk == placeholder_enrollment
    assert (repaired.benefit_start, repaired.benefit_end, repaired.individual_due) == (
        D(2026, 1, 1),
        D(2026, 12, 31),
        Decimal("400.00"),
    )
    assert repaired.explanation[-1]["text"] == (
        "按R7.1a补记出生当年参保后，本年度按出生次年（R7.4）重新计算；已缴0.00元，个人应缴400.00元，尚需补缴400.00元"
    )
    assert list(Payment.objects.filter(enrollment=repaired).values_list("amount", flat=True)) == [Decimal("0.00")]
    for record in (december, linked):
        for enrollment in years_of(record).values():
            year = enrollment.insurance_year
            assert D(year, 1, 1) <= enrollment.benefit_start <= enrollment.benefit_end <= D(year, 12, 31)
    assert set(outcome) == {december.pk, linked.pk}
    assert "共补记2条出生当年参保记录，未补记0条。" in capsys.readouterr().out

    # when run again, nothing more is done
    count, history = Enrollment.objects.count(), Enrollment.history.count()
    assert migration.birth_year_enrollments_add(apps) == {}
    assert (Enrollment.objects.count(), Enrollment.history.count()) == (count, history)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_r7_1a_migration_runs_backwards_and_forwards_and_leaves_the_latest_migrations():
    # when the migration is unapplied and applied again on the database
    executor = MigrationExecutor(connection)
    executor.migrate([("newborns", "0004_fill_placeholder_linked_on")])
    executor = MigrationExecutor(connection)
    executor.migrate([("newborns", "0005_birth_year_enrollments")])
    # then it is applied, and the database is left at the latest migrations for the tests that follow
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert ("newborns", "0005_birth_year_enrollments") in executor.loader.applied_migrations
