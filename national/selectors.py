"""What canbao holds of one person for the national platform's person query, read in the user's scope."""

from accounts.models import User
from enrollment.models import EmployeeInsuredYear, Enrollment, EnrollmentStatus, ResidentStatus
from enrollment.selectors import household_county_code, resident_get
from subsidies.models import HardshipIdentity

from .rules import EmployeeYearFacts, EnrollmentFacts, IdentityFacts, PersonFacts


def person_facts_get(*, user: User, id_number: str) -> PersonFacts | None:
    """The person of this ID number in the user's scope, with every enrollment wherever held, the employee years and
    the hardship identities; None when there is none in scope (outside the scope a person does not exist for the
    user). A newborn still on a placeholder identity has no ID number yet, and a record merged into another is
    answered by that other one: neither is found by an ID number."""
    resident = resident_get(user=user, id_number=id_number)
    if resident is None or resident.id_number_is_placeholder or resident.merged_into_id is not None:
        return None
    enrollments = (
        Enrollment.objects.filter(resident=resident).select_related("enrolling_county").order_by("insurance_year", "id")
    )
    employee_years = EmployeeInsuredYear.objects.filter(resident=resident).order_by("year")
    identities = HardshipIdentity.objects.filter(resident=resident).order_by("valid_from", "id")
    return PersonFacts(
        record_number=resident.pk,
        id_number=resident.id_number,
        name=resident.name,
        gender=resident.gender,
        birth_date=resident.birth_date,
        household_county_code=household_county_code(resident=resident),
        ended_status="" if resident.status == ResidentStatus.NORMAL else resident.get_status_display(),
        enrollments=tuple(
            EnrollmentFacts(
                insurance_year=enrollment.insurance_year,
                active=enrollment.status == EnrollmentStatus.ACTIVE,
                payment_date=enrollment.payment_date,
                enrolling_county_code=enrollment.enrolling_county.code,
                enrolling_county_name=enrollment.enrolling_county.name,
                cap_effective=enrollment.cap_effective,
            )
            for enrollment in enrollments
        ),
        employee_years=tuple(EmployeeYearFacts(year=row.year, exit_date=row.exit_date) for row in employee_years),
        identities=tuple(
            IdentityFacts(
                category=identity.category,
                category_label=identity.get_category_display(),
                disability_grade=identity.disability_grade,
                valid_from=identity.valid_from,
                valid_to=identity.valid_to,
            )
            for identity in identities
        ),
    )
