import datetime
from decimal import Decimal

from accounts.models import Role
from enrollment.models import Enrollment
from tests.factories import EnrollmentFactory, ResidentFactory, UserFactory


def test_the_factories_build_through_the_services(db):
    # given
    clerk = UserFactory(username="window1")
    # when
    resident = ResidentFactory(actor=clerk, birth_date=datetime.date(1985, 3, 12), sequence=17, name="王玉井")
    enrollment = EnrollmentFactory(actor=clerk, resident=resident)
    # then
    assert (clerk.role, clerk.division.code, clerk.check_password("test-password-2026")) == (
        Role.WINDOW_CLERK,
        "140621",
        True,
    )
    assert (resident.id_number[:17], resident.gender, resident.household_division.code[:9]) == (
        "14062119850312017",
        "M",
        "140621100",
    )
    assert (enrollment.individual_due, enrollment.recorded_by, Enrollment.objects.count()) == (
        Decimal("400.00"),
        clerk,
        1,
    )
