"""API.md "Newborns": the birth platform's posts (idempotent), identity completion, pre-enrollment."""

import datetime

import pytest

from conftest import SHANYIN, YUJING_TOWN, first_village, make_user, token_client
from enrollment.models import Enrollment, Resident
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import BirthRecord, PreEnrollmentPlaceholder

pytestmark = pytest.mark.django_db
D = datetime.date
MOTHER_ID = id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24)
BABY_ID = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 3, 1), sequence=11)  # odd: a boy


def birth(**changes):
    return {
        "birth_certificate_no": "P140099001",
        "name": "刘小满",
        "gender": "M",
        "birth_date": "2026-03-01",
        "mother_id_number": MOTHER_ID,
        "id_number": None,
        "division": first_village(YUJING_TOWN).code,
        "registration_date": "2026-03-20",
        **changes,
    }


@pytest.fixture
def api(clerk):
    return token_client(clerk)


def test_r7_1_post_creates_the_placeholder_resident_and_the_free_birth_year(api):
    # when
    response = api.post("/api/v1/newborns/", birth(), format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["resident"], body["id_number_is_placeholder"]) == (f"{MOTHER_ID}B", True)
    enrollment = body["enrollment"]
    assert {key: enrollment[key] for key in ("status", "insurance_year", "individual_due", "subsidy_amount")} == {
        "status": "active",
        "insurance_year": 2026,
        "individual_due": "0.00",
        "subsidy_amount": "400.00",
    }
    assert (enrollment["subsidy_category"], enrollment["benefit_start"], enrollment["benefit_end"]) == (
        "newborn_programme",
        "2026-03-01",
        "2026-12-31",
    )


def test_r7_1_the_same_certificate_again_answers_200_with_the_same_record(api):
    first = api.post("/api/v1/newborns/", birth(), format="json").json()
    again = api.post("/api/v1/newborns/", birth(name="另一个名字"), format="json")
    assert again.status_code == 200
    assert again.json() == first
    assert (BirthRecord.objects.count(), Enrollment.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"registration_date": "2026-02-27"}, "registration_date"),
        ({"mother_id_number": "140621199506010240"}, "mother_id_number"),
        ({"id_number": BABY_ID.replace(BABY_ID[-1], "0" if BABY_ID[-1] != "0" else "1")}, "id_number"),
        ({"division": "999999999"}, "division"),
        ({"gender": "X"}, "gender"),
    ],
)
def test_r7_1_bad_posts_are_400_on_their_field_and_write_nothing(api, changes, field):
    response = api.post("/api/v1/newborns/", birth(**changes), format="json")
    assert (response.status_code, list(response.json())) == (400, [field])
    assert (BirthRecord.objects.count(), Resident.objects.count(), Enrollment.objects.count()) == (0, 0, 0)


def test_r7_5_patch_completes_the_identity_in_place(api):
    # given
    api.post("/api/v1/newborns/", birth(), format="json")
    # when
    response = api.patch("/api/v1/newborns/P140099001/", {"id_number": BABY_ID}, format="json")
    # then
    assert response.status_code == 200
    assert (response.json()["resident"], response.json()["id_number_is_placeholder"]) == (BABY_ID, False)
    assert api.get(f"/api/v1/residents/{BABY_ID}/").json()["enrollments"][0]["subsidy_category"] == "newborn_programme"


def test_r7_5_patch_with_a_contradicting_number_is_refused_and_changes_nothing(api):
    api.post("/api/v1/newborns/", birth(), format="json")
    girl = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 3, 1), sequence=12)
    response = api.patch("/api/v1/newborns/P140099001/", {"id_number": girl}, format="json")
    assert response.json() == {"id_number": ["身份证号中的出生日期或性别与出生医学证明不符。"]}
    assert Resident.objects.get(id_number=f"{MOTHER_ID}B").id_number_is_placeholder is True


def test_newborns_of_another_county_answer_404(api, db):
    api.post("/api/v1/newborns/", birth(), format="json")
    other = token_client(make_user("yingxian", "window_clerk", "140622"))
    assert other.get("/api/v1/newborns/P140099001/").status_code == 404
    assert other.patch("/api/v1/newborns/P140099001/", {"id_number": BABY_ID}, format="json").status_code == 404
    assert other.get(f"/api/v1/residents/{MOTHER_ID}B/").status_code == 404


def test_r7_6_pre_enrollment_answers_the_placeholders(api, clerk):
    # given a mother enrolled for 2026
    mother = resident_create(
        actor=clerk, id_number=MOTHER_ID, name="刘芳", household_division=first_village(YUJING_TOWN)
    )
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # when
    response = api.post(
        "/api/v1/newborns/pre-enrollments/",
        {
            "mother_id_number": MOTHER_ID,
            "expected_delivery_date": "2026-10-01",
            "application_date": "2026-07-01",
            "babies": 1,
        },
        format="json",
    )
    # then
    assert response.status_code == 201
    assert [{key: p[key] for key in ("id_number", "name")} for p in response.json()["placeholders"]] == [
        {"id_number": f"{MOTHER_ID}B", "name": "刘芳B"}
    ]


def test_r7_6_a_birth_before_the_application_is_posted_as_its_own_newborn(api, clerk):
    # given a pre-enrollment applied for on 2026-07-01 for a delivery expected on 2026-10-01
    mother = resident_create(
        actor=clerk, id_number=MOTHER_ID, name="刘芳", household_division=first_village(YUJING_TOWN)
    )
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    pre_enrollment = {
        "mother_id_number": MOTHER_ID,
        "expected_delivery_date": "2026-10-01",
        "application_date": "2026-07-01",
        "babies": 1,
    }
    assert api.post("/api/v1/newborns/pre-enrollments/", pre_enrollment, format="json").status_code == 201
    # when the platform posts a birth of 2026-06-30
    response = api.post(
        "/api/v1/newborns/", birth(birth_date="2026-06-30", registration_date="2026-07-10"), format="json"
    )
    # then
    assert response.status_code == 201
    assert (response.json()["resident"], response.json()["id_number_is_placeholder"]) == (f"{MOTHER_ID}B2", True)
    assert PreEnrollmentPlaceholder.objects.get().birth_record is None
    assert Resident.objects.get(id_number=f"{MOTHER_ID}B").name == "刘芳B"


def test_r7_6_pre_enrollment_too_early_is_400(api, clerk):
    mother = resident_create(
        actor=clerk, id_number=MOTHER_ID, name="刘芳", household_division=first_village(YUJING_TOWN)
    )
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    response = api.post(
        "/api/v1/newborns/pre-enrollments/",
        {"mother_id_number": MOTHER_ID, "expected_delivery_date": "2026-12-01", "application_date": "2026-07-01"},
        format="json",
    )
    assert response.json() == {"application_date": ["预参保须在预产期前16周以内申请，最早可于2026年8月11日申请。"]}
    assert Resident.objects.count() == 1
