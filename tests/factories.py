"""factory_boy factories for the main models. They build through the services, as the system itself does, so a
made-up resident or enrollment carries the same checks, computed figures and history rows as a real one."""

import datetime
import io
from collections.abc import Sequence
from typing import cast

import factory
from openpyxl import Workbook

from accounts.models import Role, User
from accounts.services import user_create
from divisions.models import Division
from enrollment.models import Enrollment, Resident
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create

TEST_PASSWORD = "test-password-2026"
SHUOZHOU_COUNTIES = ("140602", "140603", "140621", "140622", "140623", "140671", "140681")  # the seeded 朔州, by code


def xlsx_bytes(rows: Sequence[Sequence[object]], *, title: str | None = None) -> bytes:
    """An xlsx of `rows` on its first sheet, under a one-cell `title` row when given."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def division(code: str) -> Division:
    return Division.objects.get(code=code)


def first_village(township_code: str) -> Division:
    # Every township of the seeded divisions has villages.
    return cast(
        Division, Division.objects.filter(code__startswith=township_code, level="village").order_by("code").first()
    )


class UserFactory(factory.django.DjangoModelFactory):
    """A user of a role at a division, e.g. `UserFactory(role=Role.TOWNSHIP_OFFICIAL, division_code="140621100")`."""

    class Meta:
        model = User

    username = factory.Sequence(lambda number: f"user{number}")
    role = Role.WINDOW_CLERK
    division_code = "140621"

    @classmethod
    def _create(cls, model_class, *, division_code: str, **fields):
        return user_create(password=TEST_PASSWORD, division=division(division_code), **fields)


class ResidentFactory(factory.django.DjangoModelFactory):
    """A resident registered by `actor` in a village of 玉井镇 unless told otherwise; the ID number is composed
    from the address code, the birth date and a sequence number."""

    class Meta:
        model = Resident

    actor = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda number: f"居民{number}")
    address_code = "140621"
    birth_date = datetime.date(1985, 3, 12)
    sequence = factory.Sequence(lambda number: number % 1000)
    household_division = factory.LazyFunction(lambda: first_village("140621100"))

    @classmethod
    def _create(cls, model_class, *, address_code: str, birth_date: datetime.date, sequence: int, **fields):
        id_number = id_number_compose(address_code=address_code, birth_date=birth_date, sequence=sequence)
        return resident_create(id_number=id_number, **fields)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """An enrollment taken at the window through `enrollment_create`: its figures come from the policy rules."""

    class Meta:
        model = Enrollment

    actor = factory.SubFactory(UserFactory)
    resident = factory.SubFactory(ResidentFactory, actor=factory.SelfAttribute("..actor"))
    insurance_year = 2026
    payment_date = datetime.date(2025, 11, 20)

    @classmethod
    def _create(cls, model_class, *, actor, resident, **details):
        return enrollment_create(actor=actor, resident=resident, details=PaymentDetails(**details))
