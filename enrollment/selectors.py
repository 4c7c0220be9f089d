import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db.models import DecimalField, ExpressionWrapper, F, Model, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.scope import scope_queryset, user_can_see_division, user_can_see_report_row
from divisions.codes import PROVINCE_CODE, county_code_of
from divisions.models import Division, DivisionLevel

from .models import (
    ClaimSummary,
    EmployeeInsuredYear,
    Enrollment,
    EnrollmentBasis,
    EnrollmentStatus,
    ExportJob,
    HardshipCategory,
    Payment,
    PaymentKind,
    Receipt,
    Resident,
)
from .policy import PolicyNotFound, policy_resolve
from .rules import DayMovement, Explanation, PersonHistory, employee_years_credit

RESIDENT_DIVISION_FIELDS = ("household_division__code", "residence_division__code")


def resident_list(*, user: User, search: str = "", division_code: str = "") -> QuerySet[Resident]:
    """Residents the user may see: household or residence inside the user's subtree."""
    residents = scope_queryset(Resident.objects.all(), user=user, code_fields=RESIDENT_DIVISION_FIELDS)
    if division_code:
        residents = residents.filter(
            Q(household_division__code__startswith=division_code)
            | Q(residence_division__code__startswith=division_code)
        )
    search = search.strip()
    if search:
        if search[:17].isdigit():
            residents = residents.filter(id_number__startswith=search.upper())
        else:
            residents = residents.filter(name__contains=search)
    return residents.select_related("household_division__parent", "residence_division")


def residents_with_division_name(residents: QuerySet[Resident]) -> QuerySet[Resident]:
    """`residents` each with the name of their household division (`household_division_name`), joined in the same
    query, as the API's lists show it (enrollment.serializers.ResidentSerializer). Joined rather than read by a
    subquery per row, which Django builds and compiles anew for every search: a window search's query takes a third
    less CPU (docs/scaling.md). An inner join loses no one: a resident's household division is checked when written,
    and divisions are never deleted."""
    return residents.annotate(household_division_name=F("household_division__name"))


def resident_window_search(*, user: User, name: str = "", digits: str = "") -> QuerySet[Resident]:
    """The window's search, in the user's scope: by part of the name, or by digits that end an ID number (4 or more,
    an X included) or are a phone number; by name, then ID number."""
    residents = resident_list(user=user)
    if digits:
        residents = residents.filter(Q(id_number__endswith=digits.upper()) | Q(phone=digits))
    elif name:
        residents = residents.filter(name__contains=name)
    else:
        residents = residents.none()
    return residents.order_by("name", "id_number")


def resident_paid_years(*, resident: Resident) -> dict[int, str]:
    """The years a person found in scope holds an active enrollment for, anywhere in the province (R13.0a: one a year),
    each with the county holding it and the payment date, in Chinese for the window."""
    enrollments = (
        Enrollment.objects.filter(resident=resident, status=EnrollmentStatus.ACTIVE)
        .select_related("enrolling_county")
        .order_by("insurance_year")
    )
    return {
        enrollment.insurance_year: (
            f"{enrollment.enrolling_county.name}，{enrollment.payment_date.year}年"
            f"{enrollment.payment_date.month}月{enrollment.payment_date.day}日缴费"
        )
        for enrollment in enrollments
    }


def resident_get(*, user: User, id_number: str | None = None, pk: int | None = None) -> Resident | None:
    """One resident in the user's scope, or None: outside the scope a person does not exist for this user."""
    residents = resident_list(user=user)
    lookup: dict[str, str | int | None] = (
        {"id_number": id_number.strip().upper()} if id_number is not None else {"pk": pk}
    )
    return residents.filter(**lookup).first()


REGISTERED_ELSEWHERE = "该身份证号的居民登记在其他区县，本辖区不能为其办理。"


@dataclass(frozen=True)
class ResidentLookup:
    """A person looked up by ID number for a write: the resident if in the user's scope; `elsewhere` when the number
    belongs to a person outside it, who must be neither shown nor changed, and may not be registered a second time."""

    resident: Resident | None
    elsewhere: bool


def resident_find(*, user: User, id_number: str, for_update: bool = False) -> ResidentLookup:
    """Every write path that names a person by ID number (registration, newborns, identity completion, imports) looks
    the person up here, so that a person of another county is never taken for one of the user's own."""
    id_number = id_number.strip().upper()
    people = Resident.objects.filter(id_number=id_number)
    if for_update:
        people = people.select_for_update()
    person = people.first()
    if person is None:
        return ResidentLookup(resident=None, elsewhere=False)
    if not resident_list(user=user).filter(pk=person.pk).exists():
        return ResidentLookup(resident=None, elsewhere=True)
    return ResidentLookup(resident=person, elsewhere=False)


def person_history(*, resident: Resident, before_year: int, on_date: datetime.date) -> PersonHistory:
    """What the rules need of a person, from the database (person_histories_many for one person)."""
    return person_histories_many(
        residents=[resident.pk],
        birth_dates={resident.pk: resident.birth_date},
        before_year=before_year,
        on_date=on_date,
    )[resident.pk]


def person_histories_many(
    *,
    residents: QuerySet[Resident] | Sequence[int],
    birth_dates: Mapping[int, datetime.date],
    before_year: int,
    on_date: datetime.date,
) -> dict[int, PersonHistory]:
    """What the rules need of each person of `residents` (whose birth dates the caller has read), in four queries
    whatever their number: enrolled years (R4.1), claim summaries (R5.3), the hardship identities valid on the
    payment date (R6.1) and the years recorded as insured under employee insurance (R8.2; all of them, the exit's
    run of R8.1 may end in the insurance year). `residents` is a query of people, which each of the four reads as
    a subquery, or the ids of a few: one person at the window is read by id, which spares compiling the subquery
    four times, about a fifth of the four's time."""
    people = residents.values("pk") if isinstance(residents, QuerySet) else residents
    enrolled: dict[int, set[int]] = defaultdict(set)
    for resident_id, year in Enrollment.objects.filter(
        resident__in=people,
        status=EnrollmentStatus.ACTIVE,
        counts_as_enrolled_year=True,
        insurance_year__lt=before_year,
    ).values_list("resident_id", "insurance_year"):
        enrolled[resident_id].add(year)
    zero_claim: dict[int, set[int]] = defaultdict(set)
    reward_used: dict[int, set[int]] = defaultdict(set)
    for resident_id, year, paid, used in ClaimSummary.objects.filter(resident__in=people).values_list(
        "resident_id", "year", "fund_paid_total", "reward_used"
    ):
        if paid == 0:
            zero_claim[resident_id].add(year)
        if used:
            reward_used[resident_id].add(year)
    # the identities are the subsidies app's, reached through their relation to the person
    identity_model = cast(type[Model], Resident.hardship_identities.rel.related_model)
    identities = identity_model._default_manager.filter(resident__in=people, valid_from__lte=on_date).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
    )
    categories: dict[int, set[str]] = defaultdict(set)
    grades: dict[int, list[int]] = defaultdict(list)
    for resident_id, category, grade in identities.values_list("resident_id", "category", "disability_grade"):
        categories[resident_id].add(category)
        if grade is not None:
            grades[resident_id].append(grade)
    employee_years: dict[int, set[int]] = defaultdict(set)
    for resident_id, year in EmployeeInsuredYear.objects.filter(resident__in=people).values_list("resident_id", "year"):
        employee_years[resident_id].add(year)
    return {
        resident_id: PersonHistory(
            birth_date=birth_date,
            hardship_categories=frozenset(categories.get(resident_id, ())),
            disability_grade=min(grades[resident_id]) if resident_id in grades else None,
            enrolled_years=frozenset(enrolled.get(resident_id, ())),
            zero_claim_years=frozenset(zero_claim.get(resident_id, ())),
            reward_used_years=frozenset(reward_used.get(resident_id, ())),
            employee_insured_years=frozenset(employee_years.get(resident_id, ())),
        )
        for resident_id, birth_date in birth_dates.items()
    }


def employee_insured_year_list(*, resident: Resident) -> QuerySet[EmployeeInsuredYear]:
    """The employee years recorded for a person the caller already found in scope, by year."""
    return EmployeeInsuredYear.objects.filter(resident=resident).order_by("year")


def household_county_code(*, resident: Resident) -> str:
    """The county of the person's household registration: where they enroll by default (R13.0a)."""
    return county_code_of(str(resident.household_division_id))


def enrollment_region_code(*, resident: Resident, enrollment: Enrollment | None = None) -> str:
    """The county whose policy figures apply (R13.0a): the county holding the enrollment; without one, the household
    county, where a person enrolls by default."""
    if enrollment is not None and enrollment.enrolling_county_id:
        return str(enrollment.enrolling_county_id)
    return household_county_code(resident=resident)


# An enrollment is in the scope of the county that holds it and of the person's household or residence division.
ENROLLMENT_DIVISION_FIELDS = (
    "enrolling_county__code",
    *(f"resident__{field}" for field in RESIDENT_DIVISION_FIELDS),
)


def enrollment_list(*, user: User) -> QuerySet[Enrollment]:
    """Enrollments the user may see: those their county holds (R13.0a), and every enrollment of a person whose
    record is theirs, wherever it is held."""
    enrollments = scope_queryset(Enrollment.objects.all(), user=user, code_fields=ENROLLMENT_DIVISION_FIELDS)
    return enrollments.select_related("resident", "enrolling_county")


def enrolling_county_choices() -> list[tuple[str, str]]:
    """The counties of the province a person may enroll in (R13.0a), by code."""
    return list(
        Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=PROVINCE_CODE)
        .order_by("code")
        .values_list("code", "name")
    )


def resident_for_enrollment(
    *, user: User, county_code: str, basis: str, id_number: str | None = None, pk: int | None = None
) -> Resident | None:
    """The person a payment names by ID number (R13.0a): one in the user's scope; or, for a payment in a county of the
    user's scope on a basis other than the household (a residence permit, proof of work, a parent's residence), the
    person of that ID number anywhere in the province, whose record stays with the household county. None answers
    alike for "not in scope" and "does not exist"."""
    resident = resident_get(user=user, id_number=id_number, pk=pk)
    if resident is not None or not county_code or basis in ("", EnrollmentBasis.HOUSEHOLD):
        return resident
    if not user_can_see_division(user=user, division_code=county_code):
        return None
    lookup: dict[str, str | int | None] = (
        {"id_number": id_number.strip().upper()} if id_number is not None else {"pk": pk}
    )
    return (
        Resident.objects.filter(**lookup, household_division__code__startswith=PROVINCE_CODE)
        .exclude(household_division__code__startswith=county_code)
        .select_related("household_division__parent", "residence_division")
        .first()
    )


def enrollment_get(*, user: User, pk: int) -> Enrollment | None:
    return enrollment_list(user=user).filter(pk=pk).first()


def enrollments_with_balance(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """The enrollments with `balance`: what the individual part still owes after the contributions recorded (a
    pre-enrolled baby's year that became its second year, R7.6, R7.4); not above zero when nothing is owed."""
    contributed = Coalesce(
        Sum("payments__amount", filter=Q(payments__kind=PaymentKind.CONTRIBUTION)), Value(Decimal("0.00"))
    )
    return enrollments.annotate(
        balance=ExpressionWrapper(
            F("individual_due") - contributed, output_field=DecimalField(max_digits=12, decimal_places=2)
        )
    )


def enrollment_held_for_user(*, user: User, enrollment: Enrollment) -> bool:
    """Whether the enrollment is held in the user's county (R13.0a): only there is its money changed (back-payment,
    refund); the household county of a person enrolled elsewhere reads it."""
    return user_can_see_report_row(user=user, division_code=str(enrollment.enrolling_county_id))


def enrollment_held_elsewhere_message(*, enrollment: Enrollment, doing: str) -> str:
    """The refusal, on the pages and in the API alike, of a money change asked for outside the county holding the
    enrollment (R13.0a), naming that county and what was asked (`doing`: 缴费, 申请退费…)."""
    return f"该参保记录由{enrollment.enrolling_county.name}办理，请到参保地{doing}。"


def resident_years_paid(*, resident: Resident) -> int:
    """R13.3: insurance years the person paid for and was not refunded."""
    return (
        Enrollment.objects.filter(resident=resident, status=EnrollmentStatus.ACTIVE)
        .values("insurance_year")
        .distinct()
        .count()
    )


def resident_employee_years_credit(*, resident: Resident, today: datetime.date) -> tuple[Decimal, Explanation] | None:
    """R13.3 for the resident page, by the figures in force today; None where the region has none."""
    try:
        policy = policy_resolve(region_code=enrollment_region_code(resident=resident), insurance_year=today.year)
    except PolicyNotFound:
        return None
    return employee_years_credit(policy=policy, resident_years_paid=resident_years_paid(resident=resident))


def export_job_list(*, user: User) -> QuerySet[ExportJob]:
    """A user sees only the exports they asked for: each holds data of the asker's scope."""
    return ExportJob.objects.filter(requested_by=user)


# --- receipts and the clerk's day (日结) ----------------------------------------------------------------------------

# The categories a clerk's day is added up by: the enrollment's subsidy category (R6, R7.2), none for a full payer.
OTHER_SUBSIDY_CATEGORIES = {"": "无资助", "newborn_programme": "新生儿参保资助"}


def subsidy_category_label(category: str) -> str:
    return dict(HardshipCategory.choices).get(category) or OTHER_SUBSIDY_CATEGORIES.get(category, category)


def receipt_get(*, user: User, pk: int) -> Receipt | None:
    """A receipt of an enrollment the user may see; None alike for "not in scope" and "does not exist"."""
    return (
        Receipt.objects.filter(pk=pk, enrollment__in=enrollment_list(user=user))
        .select_related("county", "issued_by", "enrollment__resident", "enrollment__enrolling_county")
        .first()
    )


def receipt_list_for_enrollment(*, enrollment: Enrollment) -> QuerySet[Receipt]:
    return enrollment.receipts.select_related("county").order_by("issued_at", "id")


def clerk_day_movements(*, clerk: User, date: datetime.date) -> list[tuple[Payment, DayMovement]]:
    """The money the clerk recorded dated on the day, in the order recorded, each with what the day's totals add
    up (its amount, channel and subsidy category)."""
    payments = (
        Payment.objects.filter(recorded_by=clerk, date=date)
        .select_related("enrollment__resident", "receipt")
        .order_by("created_at", "id")
    )
    return [
        (
            payment,
            DayMovement(
                amount=payment.amount,
                channel=payment.enrollment.get_channel_display(),
                category=subsidy_category_label(payment.enrollment.subsidy_category),
            ),
        )
        for payment in payments
    ]
