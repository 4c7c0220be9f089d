import datetime

import pytest

from accounts.models import Role
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.models import EmployeeYearSource
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, employee_insured_years_record, enrollment_create, resident_create
from newborns.services import newborn_register, pre_enrollment_create

D = datetime.date
YINGXIAN = "140622"
YINGXIAN_TOWN = "140622100"
BIRTH = D(2026, 3, 1)
BABY_ID = id_number_compose(address_code=SHANYIN, birth_date=BIRTH, sequence=12)  # even: a girl


@pytest.fixture
def yingxian_clerk(db):
    return make_user("yingxian", Role.WINDOW_CLERK, YINGXIAN)


@pytest.fixture
def province_staff(db):
    return make_user("province", Role.PROVINCE_STAFF, "14")


def person(clerk, *, name, birth_date, sequence, address_code=SHANYIN, township=YUJING_TOWN):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=address_code, birth_date=birth_date, sequence=sequence),
        name=name,
        household_division=first_village(township),
    )


def employee_duplicate(clerk, *, name="赵职工", sequence=31, address_code=SHANYIN, township=YUJING_TOWN):
    """A resident paid 2026 at the window, and the employee system's stop list says 2026 was an employee year."""
    resident = person(
        clerk, name=name, birth_date=D(1980, 5, 6), sequence=sequence, address_code=address_code, township=township
    )
    enrollment = enrollment_create(
        actor=clerk, resident=resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    employee_insured_years_record(
        actor=clerk, resident=resident, years=[2026], source=EmployeeYearSource.IMPORT, exit_date=D(2026, 8, 31)
    )
    return enrollment


def placeholder_duplicate(clerk):
    """A birth registered without an ID number (a placeholder, its birth year enrolled), and the same girl later
    registered at the window with her real ID number and enrolled for 2026 again."""
    mother = person(clerk, name="刘芳", birth_date=D(1995, 6, 1), sequence=24)
    record, _ = newborn_register(
        actor=clerk,
        birth_certificate_no="P140012345",
        name="刘小满",
        gender="F",
        birth_date=BIRTH,
        mother_id_number=mother.id_number,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 3, 20),
    )
    registered = resident_create(
        actor=clerk, id_number=BABY_ID, name="刘小满", household_division=first_village(YUJING_TOWN)
    )
    kept = enrollment_create(
        actor=clerk,
        resident=registered,
        details=PaymentDetails(
            insurance_year=2026, payment_date=D(2026, 3, 25), special_status="newborn", special_date=BIRTH
        ),
    )
    return record, kept


def pre_enrolled_duplicate(clerk):
    """A mother pre-enrolled her baby (placeholder …B, 2026 paid); the baby already had a record with its real ID
    number when its birth was registered, so the birth enrolled that record and the placeholder stayed unlinked."""
    mother = person(clerk, name="陈静", birth_date=D(1994, 2, 3), sequence=44)
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    pre_enrollment = pre_enrollment_create(
        actor=clerk,
        mother_id_number=mother.id_number,
        expected_delivery_date=D(2026, 10, 1),
        application_date=D(2026, 6, 11),
    )
    baby_id = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 9, 20), sequence=15)  # odd: a boy
    resident_create(actor=clerk, id_number=baby_id, name="陈早早", household_division=first_village(YUJING_TOWN))
    record, _ = newborn_register(
        actor=clerk,
        birth_certificate_no="P140099999",
        name="陈早早",
        gender="M",
        birth_date=D(2026, 9, 20),
        mother_id_number=mother.id_number,
        id_number=baby_id,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 9, 25),
    )
    return pre_enrollment.placeholders.get(), record
