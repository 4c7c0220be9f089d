"""R7.2a, R7.6 and R7.1a through the services and the API: the birth year of a baby born before the programme,
of a baby born before its placeholder's year, and how targets (R10) and the settlement (R11) count them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import SHANYIN, YUJING_TOWN, first_village, token_client
from enrollment.models import Enrollment, Payment
from enrollment.policy import policy_resolve
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, contribution_payment_add, enrollment_create, resident_create
from newborns.models import PreEnrollmentPlaceholder
from newborns.selectors.coverage import newborn_coverage
from newborns.services import newborn_register, pre_enrollment_create
from reports.selectors.settlement import _actual_people
from targets.selectors.targets import enrollments_as_of, programme_enrollments

pytestmark = pytest.mark.django_db
D = datetime.date
MOTHER_ID = id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24)


@pytest.fixture
def mother(clerk):
    return resident_create(actor=clerk, id_number=MOTHER_ID, name="刘芳", household_division=first_village(YUJING_TOWN))


def register(clerk, *, born, registered, certificate="P140055001"):
    record, _ = newborn_register(
        actor=clerk,
        birth_certificate_no=certificate,
        name="刘小满",
        gender="F",
        birth_date=born,
        mother_id_number=MOTHER_ID,
        division=first_village(YUJING_TOWN),
        registration_date=registered,
    )
    return record


def enrollment_row(enrollment):
    return (
        enrollment.insurance_year,
        enrollment.payment_date,
        enrollment.benefit_start,
        enrollment.benefit_end,
        enrollment.individual_due,
        enrollment.subsidy_amount,
        enrollment.subsidy_category,
        enrollment.counts_as_enrolled_year,
    )


def contributions(enrollment):
    return list(Payment.objects.filter(enrollment=enrollment).values_list("kind", "amount", "date"))


# --- R7.2a: births before the programme -------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "free_from"), [(2024, None), (2025, D(2025, 1, 1)), (2027, D(2025, 1, 1))])
def test_r7_2a_the_free_birth_year_date_is_the_province_s_inherited_and_never_shifted(year, free_from):
    # when Shanyin's figures are resolved (2027 projected from 2026, its dates shifted by a year)
    newborns = policy_resolve(region_code=SHANYIN, insurance_year=year).newborns
    # then the date is the province's, set from 2025, the same day in every year
    assert (newborns.birth_year_free_from, str(newborns.birth_year_free_source)) == (
        free_from,
        "晋医保发〔2025〕3号 一（四）" if free_from else "",
    )


def test_r7_2a_a_2025_birth_posted_on_1_july_owes_nothing_and_is_not_the_programme(clerk, mother):
    # when the birth platform posts a baby born 2025-06-01, registered 2025-07-01
    response = token_client(clerk).post(
        "/api/v1/newborns/",
        {
            "birth_certificate_no": "P140055001",
            "name": "刘小满",
            "gender": "F",
            "birth_date": "2025-06-01",
            "mother_id_number": MOTHER_ID,
            "id_number": None,
            "division": first_village(YUJING_TOWN).code,
            "registration_date": "2025-07-01",
        },
        format="json",
    )
    # then the birth year 2025 is free, borne by the fund: no subsidy, no category
    assert response.status_code == 201
    enrollment = response.json()["enrollment"]
    assert {
        key: enrollment[key]
        for key in ("insurance_year", "individual_due", "subsidy_amount", "subsidy_category", "benefit_start")
    } == {
        "insurance_year": 2025,
        "individual_due": "0.00",
        "subsidy_amount": "0.00",
        "subsidy_category": None,
        "benefit_start": "2025-06-01",
    }
    assert [entry["rule"] for entry in enrollment["explanation"]] == ["R1.2", "R7.1", "R7.2a", "R5.1", "R13.0a"]
    stored = Enrollment.objects.get(resident__id_number=f"{MOTHER_ID}B")
    assert (stored.subsidy_category, contributions(stored)) == ("", [("contribution", Decimal("0.00"), D(2025, 7, 1))])


def test_r7_2a_neither_progress_nor_the_settlement_counts_a_2025_birth(clerk, mother):
    # given a baby born 2025-06-01, registered 2025-07-01, enrolled for 2025 free under R7.2a
    record = register(clerk, born=D(2025, 6, 1), registered=D(2025, 7, 1))
    assert record.enrollment.pk in enrollments_as_of(year=2025, as_of=D(2025, 12, 31)).values_list("pk", flat=True)
    # then it is no programme newborn: not in R10.1 progress, not in the R11 settlement of 2025
    assert programme_enrollments(year=2025, as_of=D(2025, 12, 31)).count() == 0
    assert _actual_people(city_code="1406", year=2025) == {}  # the settlement's count (2025 has no fiscal tiers)
    # but it is a newborn enrolled in its birth year (R10.2)
    coverage = newborn_coverage(user=clerk, division_code=SHANYIN, year=2025, as_of=D(2025, 12, 31))
    assert (coverage.total.people, coverage.total.enrolled) == (1, 1)


# --- R7.6: a baby born before 1 January of the placeholder's year --------------------------------------------------


def test_r7_6_birth_before_placeholder_year_gets_its_own_birth_year_enrollment(clerk, mother):
    # given the mother enrolled for 2025 and pre-enrolled on 2025-10-01 for a delivery expected on 2026-01-20
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2025, payment_date=D(2024, 11, 20))
    )
    pre_enrollment = pre_enrollment_create(
        actor=clerk,
        mother_id_number=MOTHER_ID,
        expected_delivery_date=D(2026, 1, 20),
        application_date=D(2025, 10, 1),
    )
    placeholder = pre_enrollment.placeholders.get()
    assert enrollment_row(placeholder.enrollment)[4:7] == (Decimal("0.00"), Decimal("400.00"), "newborn_programme")
    # when the baby is born on 2025-12-28 and registered on 2026-01-05
    record = register(clerk, born=D(2025, 12, 28), registered=D(2026, 1, 5))
    # then the placeholder is linked: the baby is the placeholder's resident
    placeholder.refresh_from_db()
    assert (placeholder.birth_record, record.resident, placeholder.linked_on) == (
        record,
        placeholder.resident,
        D(2026, 1, 5),
    )
    # and it has its birth-year enrollment, 2025, free under R7.2a (born before the programme), paid on the
    # registration date, which the birth record names
    birth_year = record.enrollment
    assert enrollment_row(birth_year) == (
        2025,
        D(2026, 1, 5),
        D(2025, 12, 28),
        D(2025, 12, 31),
        Decimal("0.00"),
        Decimal("0.00"),
        "",
        True,
    )
    assert [entry["rule"] for entry in birth_year.explanation] == ["R1.2", "R7.1", "R7.1a", "R7.2a", "R5.1", "R13.0a"]
    assert contributions(birth_year) == [("contribution", Decimal("0.00"), D(2026, 1, 5))]
    # and the placeholder's 2026 enrollment is its second year: from 1 January, paid normally, no longer the programme
    second = Enrollment.objects.get(pk=placeholder.enrollment_id)
    assert enrollment_row(second) == (
        2026,
        D(2025, 10, 1),
        D(2026, 1, 1),
        D(2026, 12, 31),
        Decimal("400.00"),
        Decimal("0.00"),
        "",
        True,
    )
    assert (second.continuous, second.break_years, second.waiting_total_months) == (True, 0, 0)
    assert [entry["rule"] for entry in second.explanation] == ["R1.2", "R7.6", "R7.4", "R5.1", "R13.0a", "R7.4"]
    assert second.explanation[1]["text"] == (
        "新生儿预参保（出生前登记缴费），2025年12月28日出生，早于2026年1月1日：出生当年即2025年度另行参保，"
        "2026年度为出生次年"
    )
    assert second.explanation[-1] == {
        "rule": "R7.4",
        "text": "预参保时（2025年10月1日）按出生当年缴费0.00元；2026年度为出生次年，个人应缴400.00元，尚需补缴400.00元",
        "source": "山政办发〔2025〕17号 三（2）",
    }
    # its payment rows are what was paid, untouched
    assert contributions(second) == [("contribution", Decimal("0.00"), D(2025, 10, 1))]
    # R1.1: no enrollment of the baby starts before 1 January of its year or ends after 31 December
    for enrollment in Enrollment.objects.filter(resident=record.resident):
        year = enrollment.insurance_year
        assert D(year, 1, 1) <= enrollment.benefit_start <= enrollment.benefit_end <= D(year, 12, 31)
    assert Enrollment.objects.filter(resident=record.resident).count() == 2
    # and neither year is a programme newborn any more (R10.1, R11)
    assert programme_enrollments(year=2026, as_of=D(2026, 12, 31)).count() == 0
    assert PreEnrollmentPlaceholder.objects.get().birth_record == record
    # and the family pays the second year's balance: 400.00, the year now paid in full and nothing more owed
    contribution_payment_add(actor=clerk, enrollment=second, payment_date=D(2026, 1, 5))
    assert [
        (kind, amount, reason)
        for kind, amount, reason in Payment.objects.filter(enrollment=second).values_list("kind", "amount", "reason")
    ] == [("contribution", Decimal("0.00"), ""), ("contribution", Decimal("400.00"), "补交欠缴")]
    with pytest.raises(ValidationError) as refusal:
        contribution_payment_add(actor=clerk, enrollment=second, payment_date=D(2026, 1, 6))
    assert refusal.value.message_dict == {"amount": ["该参保记录没有欠缴的个人缴费。"]}


# --- R7.1a and R10: a December birth registered in January ------------------------------------------------------


@pytest.fixture
def today_2027_02_10(monkeypatch):
    """R7.1a's example happens in 2027: fix today so that its dates are today or before (R13.0)."""
    localdate = timezone.localdate
    fixed = D(2027, 2, 10)
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, timezone=None: fixed if value is None else localdate(value, timezone)
    )
    return fixed


def test_r7_1a_r10_a_december_birth_registered_in_january_counts_for_its_birth_year_from_the_registration(
    clerk, mother, today_2027_02_10
):
    # given a baby born 2026-12-20 and registered on 2027-01-15 (day 26), enrolled for 2026 under the programme
    register(clerk, born=D(2026, 12, 20), registered=D(2027, 1, 15))
    # then R10.1 counts it for 2026 as of its registration date and after, never before
    assert programme_enrollments(year=2026, as_of=D(2027, 1, 14)).count() == 0
    assert programme_enrollments(year=2026, as_of=D(2027, 1, 15)).count() == 1
    assert programme_enrollments(year=2026, as_of=D(2027, 3, 31)).count() == 1
    # and the birth-year rate (R10.2) of 2026 counts it as enrolled in its birth year, from the registration on
    before = newborn_coverage(user=clerk, division_code=SHANYIN, year=2026, as_of=D(2027, 1, 14))
    after = newborn_coverage(user=clerk, division_code=SHANYIN, year=2026, as_of=D(2027, 1, 15))
    assert (before.total.people, before.total.enrolled) == (1, 0)
    assert (after.total.people, after.total.enrolled, after.total.rate) == (1, 1, Decimal("1.0000"))


def test_r7_1a_r10_3_progress_api_counts_a_january_registration_for_the_birth_year(
    clerk, city_staff, mother, today_2027_02_10
):
    # given a baby born 2026-12-20 and registered on 2027-01-15, enrolled for 2026 under the programme
    register(clerk, born=D(2026, 12, 20), registered=D(2027, 1, 15))
    api = token_client(city_staff)

    def shuozhou(as_of):
        response = api.get("/api/v1/targets/progress/", {"year": 2026, "as_of": as_of, "level": "city"})
        assert response.status_code == 200, response.json()
        (row,) = [row for row in response.json()["results"] if row["division"] == "1406"]
        return row["actual"], row["time_progress"]

    # when 2026's progress is asked for as of days of 2027
    # then the year is all gone by, and the baby counts from its registration day on, never before
    assert shuozhou("2027-01-14") == (0, "1.0000")
    assert shuozhou("2027-01-15") == (1, "1.0000")
    # and a day two years on is no day of 2026's progress
    response = api.get("/api/v1/targets/progress/", {"year": 2026, "as_of": "2028-01-15", "level": "city"})
    assert response.status_code == 400
    assert response.json() == {"as_of": ["统计截止日应在所查年度或其次年之内。"]}


def test_r7_6_r7_4_the_window_shows_and_takes_the_second_years_balance(client, clerk, mother):
    # given a baby born on 2025-12-28 to a pregnancy pre-enrolled for 2026: its 2026 year still owes 400.00
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2025, payment_date=D(2024, 11, 20))
    )
    pre_enrollment_create(
        actor=clerk, mother_id_number=MOTHER_ID, expected_delivery_date=D(2026, 1, 20), application_date=D(2025, 10, 1)
    )
    record = register(clerk, born=D(2025, 12, 28), registered=D(2026, 1, 5))
    second = Enrollment.objects.get(resident=record.resident, insurance_year=2026)
    client.force_login(clerk)
    # when the clerk opens the baby at the window
    page = client.get(f"/window/residents/{record.resident.pk}/").content.decode()
    # then the balance is shown with its button
    assert "尚欠¥400.00" in page
    # when the clerk takes it
    response = client.post(f"/window/enrollments/{second.pk}/balance/")
    # then the receipt follows and the year is paid in full
    assert response["Location"] == f"/window/enrollments/{second.pk}/receipt/"
    assert contributions(second)[-1] == ("contribution", Decimal("400.00"), timezone.localdate())
    assert "尚欠" not in client.get(f"/window/residents/{record.resident.pk}/").content.decode()
    # and taking it again is refused, nothing written
    again = client.post(f"/window/enrollments/{second.pk}/balance/", follow=True)
    assert "该参保记录没有欠缴的个人缴费。" in again.content.decode()
    assert len(contributions(second)) == 2
