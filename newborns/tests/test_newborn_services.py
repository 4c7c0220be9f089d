"""R7.1-R7.6 through the services: registration once per certificate, identity completion, pre-enrollment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.models import Enrollment, Payment, Resident
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import BirthRecord, PreEnrollment
from newborns.services import (
    newborn_identity_complete,
    newborn_register,
    pre_enrollment_create,
    pre_enrollment_terminate,
)
from reports.selectors.settlement import settlement_compute
from targets.selectors.targets import enrollments_as_of

pytestmark = pytest.mark.django_db
D = datetime.date
BIRTH = D(2026, 3, 1)
BABY_ID = id_number_compose(address_code=SHANYIN, birth_date=BIRTH, sequence=12)  # even: a girl


@pytest.fixture
def mother(clerk):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24),
        name="刘芳",
        household_division=first_village(YUJING_TOWN),
    )


def register(clerk, mother, **changes):
    arguments = {
        "birth_certificate_no": "P140012345",
        "name": "刘小满",
        "gender": "F",
        "birth_date": BIRTH,
        "mother_id_number": mother.id_number,
        "division": first_village(YUJING_TOWN),
        "registration_date": D(2026, 3, 20),
        **changes,
    }
    return newborn_register(actor=clerk, **arguments)


def test_r7_1_registration_without_id_creates_a_placeholder_and_a_free_birth_year(clerk, mother):
    # when
    record, created = register(clerk, mother)
    # then
    resident = record.resident
    assert created is True
    assert (resident.id_number, resident.id_number_is_placeholder, resident.name, resident.gender) == (
        f"{mother.id_number}B",
        True,
        "刘小满",
        "F",
    )
    enrollment = record.enrollment
    assert (enrollment.insurance_year, enrollment.benefit_start, enrollment.benefit_end) == (
        2026,
        BIRTH,
        D(2026, 12, 31),
    )
    assert (enrollment.individual_due, enrollment.subsidy_amount, enrollment.subsidy_category) == (
        Decimal("0.00"),
        Decimal("400.00"),
        "newborn_programme",
    )


def test_r7_1_the_same_certificate_again_returns_the_record_and_enrolls_nothing_more(clerk, mother):
    first, _ = register(clerk, mother)
    again, created = register(clerk, mother, name="别的名字")
    assert (again.pk, created, again.name) == (first.pk, False, "刘小满")
    assert (BirthRecord.objects.count(), Enrollment.objects.count(), Resident.objects.count()) == (1, 1, 2)


def test_r7_1_registration_with_an_id_number_that_contradicts_the_certificate_is_refused(clerk, mother):
    boy = id_number_compose(address_code=SHANYIN, birth_date=BIRTH, sequence=13)
    with pytest.raises(ValidationError) as refusal:
        register(clerk, mother, id_number=boy)
    assert refusal.value.message_dict == {"id_number": ["身份证号中的出生日期或性别与出生医学证明不符。"]}
    assert (BirthRecord.objects.count(), Enrollment.objects.count()) == (0, 0)


def test_r7_1_twins_registered_without_ids_get_b_and_b2(clerk, mother):
    register(clerk, mother)
    second, _ = register(clerk, mother, birth_certificate_no="P140012346", name="刘小圆")
    assert second.resident.id_number == f"{mother.id_number}B2"


def test_r7_5_identity_is_completed_in_place_with_history(clerk, mother):
    # given
    record, _ = register(clerk, mother)
    resident_pk = record.resident.pk
    # when
    record = newborn_identity_complete(actor=clerk, record=record, id_number=BABY_ID)
    # then
    resident = Resident.objects.get(pk=resident_pk)
    assert (resident.id_number, resident.id_number_is_placeholder) == (BABY_ID, False)
    assert [change.id_number for change in resident.history.order_by("history_date")] == [
        f"{mother.id_number}B",
        BABY_ID,
    ]
    assert record.id_number_completed_at is not None


def test_r7_5_a_resident_registered_meanwhile_is_merged_with_the_placeholder(clerk, mother):
    # given the baby was also registered by a clerk with its new ID number
    record, _ = register(clerk, mother)
    placeholder = record.resident
    registered = resident_create(
        actor=clerk, id_number=BABY_ID, name="刘小满", household_division=first_village(YUJING_TOWN)
    )
    # when
    record = newborn_identity_complete(actor=clerk, record=record, id_number=BABY_ID)
    # then
    placeholder.refresh_from_db()
    assert record.resident == registered
    assert (placeholder.status, placeholder.merged_into) == ("voided", registered)
    assert list(Enrollment.objects.values_list("resident_id", "insurance_year")) == [(registered.pk, 2026)]


def test_r7_5_merge_is_refused_when_both_records_paid_the_same_year(clerk, mother):
    record, _ = register(clerk, mother)
    registered = resident_create(
        actor=clerk, id_number=BABY_ID, name="刘小满", household_division=first_village(YUJING_TOWN)
    )
    enrollment_create(
        actor=clerk,
        resident=registered,
        details=PaymentDetails(
            insurance_year=2026, payment_date=D(2026, 3, 25), special_status="newborn", special_date=BIRTH
        ),
    )
    with pytest.raises(ValidationError, match="2026年度已另行参保"):
        newborn_identity_complete(actor=clerk, record=record, id_number=BABY_ID)
    record.refresh_from_db()
    assert (record.resident.id_number_is_placeholder, record.id_number_completed_at) == (True, None)


@pytest.fixture
def enrolled_mother(clerk, mother):
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    return mother


def pre_enroll(clerk, mother, **changes):
    arguments = {
        "mother_id_number": mother.id_number,
        "expected_delivery_date": D(2026, 10, 1),
        "application_date": D(2026, 6, 11),
        "babies": 1,
        **changes,
    }
    return pre_enrollment_create(actor=clerk, **arguments)


def test_r7_6_twins_get_b1_and_b2_named_after_the_mother(clerk, enrolled_mother):
    # when
    pre_enrollment = pre_enroll(clerk, enrolled_mother, babies=2)
    # then
    placeholders = [
        (p.resident.id_number, p.resident.name, p.resident.gender) for p in pre_enrollment.placeholders.all()
    ]
    assert placeholders == [
        (f"{enrolled_mother.id_number}B1", "刘芳B1", "U"),
        (f"{enrolled_mother.id_number}B2", "刘芳B2", "U"),
    ]
    enrollment = pre_enrollment.placeholders.first().enrollment
    assert (enrollment.benefit_start, enrollment.individual_due, enrollment.explanation[1]["rule"]) == (
        D(2026, 10, 1),
        Decimal("0.00"),
        "R7.6",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"application_date": D(2026, 6, 10)},
            {"application_date": ["预参保须在预产期前16周以内申请，最早可于2026年6月11日申请。"]},
        ),
        ({"expected_delivery_date": D(2026, 6, 1)}, {"expected_delivery_date": ["预产期不能早于申请日期。"]}),
    ],
)
def test_r7_6_too_early_or_impossible_dates_are_refused(clerk, enrolled_mother, changes, message):
    with pytest.raises(ValidationError) as refusal:
        pre_enroll(clerk, enrolled_mother, **changes)
    assert refusal.value.message_dict == message
    assert PreEnrollment.objects.count() == 0


def test_r7_6_a_mother_not_enrolled_this_year_is_refused(clerk, mother):
    with pytest.raises(ValidationError) as refusal:
        pre_enroll(clerk, mother)
    assert refusal.value.message_dict == {
        "mother_id_number": ["申请人2026年度未参加基本医疗保险，不能申请新生儿预参保。"]
    }
    assert Resident.objects.filter(id_number_is_placeholder=True).count() == 0


def test_r7_6_a_region_without_pre_enrollment_refuses(db):
    # given 应县 (140622) inherits the province's parameters, which do not offer pre-enrollment
    clerk = make_user("yingxian", "window_clerk", "140622")
    mother = resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code="140622", birth_date=D(1994, 1, 1), sequence=2),
        name="张敏",
        household_division=first_village("140622100"),
    )
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    with pytest.raises(ValidationError, match="本地区未开办新生儿预参保"):
        pre_enroll(clerk, mother)


def test_r7_6_the_birth_links_the_placeholder_and_recomputes_from_the_real_birth_date(clerk, enrolled_mother):
    # given
    pre_enrollment = pre_enroll(clerk, enrolled_mother)
    placeholder = pre_enrollment.placeholders.get()
    # when the baby is born early, on 2026-09-20, and registered without an ID number yet
    record, _ = register(
        clerk,
        enrolled_mother,
        birth_date=D(2026, 9, 20),
        registration_date=D(2026, 9, 25),
        gender="M",
        name="刘早早",
    )
    # then
    placeholder.refresh_from_db()
    assert placeholder.birth_record == record
    assert record.resident == placeholder.resident
    assert (record.resident.name, record.resident.gender, record.resident.birth_date) == ("刘早早", "M", D(2026, 9, 20))
    assert record.enrollment.benefit_start == D(2026, 9, 20)
    assert PreEnrollment.objects.get().status == "born"
    assert Enrollment.objects.count() == 2  # the mother's and the baby's: no second one for the baby


@pytest.mark.parametrize(
    ("birth_date", "registration_date"),
    [
        (D(2026, 6, 10), D(2026, 6, 20)),  # the day before the application (2026-06-11)
        (D(2026, 11, 13), D(2026, 11, 20)),  # 6 weeks and 1 day after the expected date (2026-10-01)
    ],
)
def test_r7_6_a_birth_inconsistent_with_the_pregnancy_is_registered_on_its_own(
    clerk, enrolled_mother, birth_date, registration_date
):
    # given
    pre_enrollment = pre_enroll(clerk, enrolled_mother)
    placeholder = pre_enrollment.placeholders.get()
    # when
    record, created = register(clerk, enrolled_mother, birth_date=birth_date, registration_date=registration_date)
    # then the baby is a newborn of its own, as for a mother without pre-enrollment
    assert created is True
    assert (record.resident.id_number, record.resident.name, record.resident.birth_date) == (
        f"{enrolled_mother.id_number}B2",
        "刘小满",
        birth_date,
    )
    assert (record.enrollment.insurance_year, record.enrollment.benefit_start) == (2026, birth_date)
    # and the placeholder stays pending, unchanged
    placeholder.refresh_from_db()
    placeholder.resident.refresh_from_db()
    assert (placeholder.birth_record, placeholder.linked_at) == (None, None)
    assert (placeholder.resident.name, placeholder.resident.birth_date) == (
        f"{enrolled_mother.name}B",
        D(2026, 10, 1),
    )
    assert PreEnrollment.objects.get().status == "waiting"
    assert Enrollment.objects.count() == 3  # the mother's, the placeholder's, the baby's


def test_r7_6_a_birth_6_weeks_after_the_expected_date_links_the_placeholder(clerk, enrolled_mother):
    placeholder = pre_enroll(clerk, enrolled_mother).placeholders.get()
    record, _ = register(clerk, enrolled_mother, birth_date=D(2026, 11, 12), registration_date=D(2026, 11, 20))
    placeholder.refresh_from_db()
    assert (placeholder.birth_record, record.resident) == (record, placeholder.resident)
    assert PreEnrollment.objects.get().status == "born"
    assert Enrollment.objects.count() == 2


def test_r7_6_a_placeholder_counts_from_the_business_date_of_the_registration_that_linked_it(clerk, enrolled_mother):
    # given a birth of 2026-09-20 registered with the business date 2026-09-25, typed in later (today)
    placeholder = pre_enroll(clerk, enrolled_mother).placeholders.get()
    register(clerk, enrolled_mother, birth_date=D(2026, 9, 20), registration_date=D(2026, 9, 25))
    placeholder.refresh_from_db()
    assert placeholder.linked_on == D(2026, 9, 25)
    # then the baby's enrollment counts as of the registration date, not before
    baby_enrollment = placeholder.enrollment_id
    assert baby_enrollment in enrollments_as_of(year=2026, as_of=D(2026, 9, 25)).values_list("pk", flat=True)
    assert baby_enrollment not in enrollments_as_of(year=2026, as_of=D(2026, 9, 24)).values_list("pk", flat=True)


def test_r7_6_r12_a_terminated_pregnancy_is_refunded_outside_the_collection_period(clerk, enrolled_mother):
    pre_enrollment = pre_enroll(clerk, enrolled_mother)
    pre_enrollment = pre_enrollment_terminate(actor=clerk, pre_enrollment=pre_enrollment, date=D(2026, 7, 1))
    placeholder = pre_enrollment.placeholders.get()
    placeholder.enrollment.refresh_from_db()
    placeholder.resident.refresh_from_db()
    assert (pre_enrollment.status, placeholder.enrollment.status, placeholder.resident.status) == (
        "terminated",
        "refunded",
        "voided",
    )
    assert Payment.objects.filter(enrollment=placeholder.enrollment, kind="refund").count() == 1


def test_r7_4_the_window_applies_the_newborn_rules_from_the_birth_date(client, clerk):
    # given a baby born 2026-09-01, registered with its ID, whose 2027 is paid on the 26th of November 2026: inside
    # 2027's collection period a day the period refuses (after the 25th), but day 86 after birth
    baby = resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(2026, 9, 1), sequence=15),
        name="王小秋",
        household_division=first_village(YUJING_TOWN),
    )
    client.force_login(clerk)
    form = {"insurance_year": "2027", "payment_date": "2026-11-26", "back_paid_years": "0", "channel": "window"}
    # when
    page = client.post(f"/window/residents/{baby.pk}/", {**form, "action": "pay"})
    # then
    enrollment = Enrollment.objects.get(resident=baby)
    assert page["Location"] == f"/window/enrollments/{enrollment.pk}/receipt/"
    assert (enrollment.special_status, enrollment.benefit_start, enrollment.waiting_total_months) == (
        "newborn",
        D(2027, 1, 1),
        0,
    )
    assert enrollment.explanation[1]["rule"] == "R7.4"


def test_r13_0_a_birth_registered_with_a_date_after_today_is_refused_on_that_field(clerk, mother):
    # given tomorrow, as the registration date of a birth of yesterday
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    born = today - datetime.timedelta(days=1)
    # when
    with pytest.raises(ValidationError) as refusal:
        register(clerk, mother, birth_date=born, registration_date=tomorrow)
    # then
    assert refusal.value.message_dict == {
        "registration_date": [f"登记日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert (BirthRecord.objects.count(), Enrollment.objects.count(), Resident.objects.count()) == (0, 0, 1)


def test_r13_0_a_pre_enrollment_applied_for_after_today_is_refused_on_that_field(clerk, enrolled_mother):
    # given
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    # when
    with pytest.raises(ValidationError) as refusal:
        pre_enroll(clerk, enrolled_mother, application_date=tomorrow, expected_delivery_date=tomorrow)
    # then
    assert refusal.value.message_dict == {
        "application_date": [f"申请日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert (PreEnrollment.objects.count(), Enrollment.objects.count()) == (0, 1)


@pytest.fixture
def today_2027_02_10(monkeypatch):
    """R7.1a's example happens in 2027: fix today so that its dates are today or before (R13.0)."""
    localdate = timezone.localdate
    fixed = D(2027, 2, 10)
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, timezone=None: fixed if value is None else localdate(value, timezone)
    )
    return fixed


def test_r7_1a_born_in_december_registered_in_january_is_enrolled_for_the_birth_year_free(
    clerk, mother, today_2027_02_10
):
    # when RULES.md R7.1a's baby, born 2026-12-20, is registered on 2027-01-15 (day 26)
    record, created = register(clerk, mother, birth_date=D(2026, 12, 20), registration_date=D(2027, 1, 15))
    # then its first enrollment is for 2026, covered from birth, paid by the programme (R7.2)
    enrollment = record.enrollment
    assert created is True
    assert (
        enrollment.insurance_year,
        enrollment.payment_date,
        enrollment.special_status,
        enrollment.benefit_start,
        enrollment.benefit_end,
        enrollment.waiting_total_months,
        enrollment.individual_due,
        enrollment.subsidy_amount,
        enrollment.subsidy_category,
        enrollment.counts_as_enrolled_year,
    ) == (
        2026,
        D(2027, 1, 15),
        "newborn",
        D(2026, 12, 20),
        D(2026, 12, 31),
        0,
        Decimal("0.00"),
        Decimal("400.00"),
        "newborn_programme",
        True,
    )
    assert list(Enrollment.objects.filter(resident=record.resident).values_list("insurance_year", flat=True)) == [2026]
    assert list(Payment.objects.filter(enrollment=enrollment).values_list("kind", "amount")) == [
        ("contribution", Decimal("0.00"))
    ]


def test_r11_4_the_settlement_counts_a_december_birth_registered_in_january(clerk, mother, today_2027_02_10):
    # given R7.1a's baby, born 2026-12-20 and registered on 2027-01-15, enrolled for 2026
    register(clerk, mother, birth_date=D(2026, 12, 20), registration_date=D(2027, 1, 15))
    # when the 2026 settlement is computed on 2027-02-10
    rows = settlement_compute(year=2026, city_code="1406")
    # then Shanyin's actual newborns of 2026 include it, at every level
    assert {(row.level, row.actual_people) for row in rows if row.county_code == SHANYIN} == {
        ("province", 1),
        ("city", 1),
        ("county", 1),
    }


def test_r7_1a_r7_4_the_year_after_birth_paid_on_10_february_is_covered_from_1_january(clerk, mother, today_2027_02_10):
    # given R7.1a's baby enrolled for 2026
    record, _ = register(clerk, mother, birth_date=D(2026, 12, 20), registration_date=D(2027, 1, 15))
    # when 2027 is paid on 2027-02-10 (day 52)
    second = enrollment_create(
        actor=clerk, resident=record.resident, details=PaymentDetails(insurance_year=2027, payment_date=D(2027, 2, 10))
    )
    # then R7.4: paid normally, covered from 1 January, no waiting, continuous after 2026
    assert (
        second.special_status,
        second.benefit_start,
        second.benefit_end,
        second.waiting_total_months,
        second.continuous,
        second.individual_due,
        second.subsidy_category,
    ) == ("newborn", D(2027, 1, 1), D(2027, 12, 31), 0, True, Decimal("400.00"), "")
    assert second.explanation[1]["rule"] == "R7.4"
