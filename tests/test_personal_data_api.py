"""个人信息保护法: every API answer that carries full ID numbers is recorded, one row per number, whatever the
endpoint; masked answers and refusals record nothing. The schema names the operations whose answers can carry an ID
number (format "id-number"), and each of them is called here."""

import datetime
import re
from decimal import Decimal

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.models import PersonalDataView, Role
from accounts.personal_data import id_number_mask
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user, token_client
from duplicates.models import DuplicateCase, DuplicateKind
from enrollment.models import Enrollment, PaymentChannel, Resident
from enrollment.rules import id_number_compose
from enrollment.serializers import ResidentSerializer
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import RegistrationChannel
from newborns.services import newborn_register
from policy_changes.models import ImpactPerson
from policy_changes.tests.factories import draft_with, simulation_run

pytestmark = pytest.mark.django_db
D = datetime.date
MOTHER_ID = id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24)
BABY_ID = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 3, 1), sequence=11)
SECOND_MOTHER_ID = id_number_compose(address_code=SHANYIN, birth_date=D(1996, 2, 3), sequence=42)
NEW_RESIDENT_ID = id_number_compose(address_code=SHANYIN, birth_date=D(1970, 1, 5), sequence=31)
FULL_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X](?:B[0-9]?)?$")
MASKED_ID_NUMBER = re.compile(r"^[0-9]{6}\*{8}[0-9]{3}[0-9X](?:B[0-9]?)?$")


class World:
    """The records every call reads: two residents, an enrollment paid by the second for the first, and a newborn
    whose mother is not in the registry."""

    def __init__(self, clerk, yujing_resident, beizhouzhuang_resident):
        self.clerk = clerk
        self.client = token_client(clerk)
        self.yujing = yujing_resident
        self.beizhouzhuang = beizhouzhuang_resident
        self.enrollment = enrollment_create(
            actor=clerk,
            resident=yujing_resident,
            details=PaymentDetails(
                insurance_year=2026,
                payment_date=D(2025, 11, 20),
                payer_id_number=beizhouzhuang_resident.id_number,
                channel=PaymentChannel.FAMILY_ACCOUNT,
                payer_relation="sibling",
            ),
        )
        self.birth, _ = newborn_register(
            actor=clerk,
            birth_certificate_no="P140099001",
            name="刘小满",
            gender="M",
            birth_date=D(2026, 3, 1),
            mother_id_number=MOTHER_ID,
            division=first_village(YUJING_TOWN),
            registration_date=D(2026, 3, 20),
            channel=RegistrationChannel.BIRTH_PLATFORM,
        )
        self.baby = self.birth.resident

    def row(self, path, resident, id_number=None):
        """The audit row an answer to the clerk leaves for one number."""
        return ("clerk", "api_call", path, resident.pk if resident else None, id_number or resident.id_number)


@pytest.fixture
def world(clerk, yujing_resident, beizhouzhuang_resident):
    return World(clerk, yujing_resident, beizhouzhuang_resident)


def recorded_rows():
    return list(
        PersonalDataView.objects.order_by("id").values_list("user__username", "reason", "path", "resident", "id_number")
    )


def numbers_in(body, pattern) -> set[str]:
    if isinstance(body, dict):
        return set().union(*(numbers_in(value, pattern) for value in body.values()))
    if isinstance(body, list):
        return set().union(*(numbers_in(value, pattern) for value in body))
    return {body} if isinstance(body, str) and pattern.match(body) else set()


def full_numbers_in(body) -> set[str]:
    """Every full ID number anywhere in an answer."""
    return numbers_in(body, FULL_ID_NUMBER)


def masked_numbers_in(body) -> set[str]:
    return numbers_in(body, MASKED_ID_NUMBER)


# One real call per operation whose answer can carry an ID number: (response, the rows it must leave).


def residents_list(world):
    response = world.client.get("/api/v1/residents/", {"search": world.yujing.id_number})
    return response, [world.row("/api/v1/residents/", world.yujing)]


def residents_create(world):
    body = {"id_number": NEW_RESIDENT_ID, "name": "赵新", "division": first_village(YUJING_TOWN).code}
    response = world.client.post("/api/v1/residents/", body, format="json")
    return response, [world.row("/api/v1/residents/", Resident.objects.get(id_number=NEW_RESIDENT_ID))]


def residents_retrieve(world):
    path = f"/api/v1/residents/{world.yujing.id_number}/"
    # the resident, then the payer of their enrollment, who is in the registry too
    return world.client.get(path), [world.row(path, world.yujing), world.row(path, world.beizhouzhuang)]


def enrollments_list(world):
    path = "/api/v1/enrollments/"
    # newest first: the baby's birth-year enrollment, then the one the sibling paid
    return world.client.get(path), [
        world.row(path, world.baby),
        world.row(path, world.yujing),
        world.row(path, world.beizhouzhuang),
    ]


def enrollments_create(world):
    body = {"id_number": world.beizhouzhuang.id_number, "insurance_year": 2026, "payment_date": "2025-11-21"}
    response = world.client.post("/api/v1/enrollments/", body, format="json")
    return response, [world.row("/api/v1/enrollments/", world.beizhouzhuang)]


def enrollments_retrieve(world):
    path = f"/api/v1/enrollments/{world.enrollment.pk}/"
    return world.client.get(path), [world.row(path, world.yujing), world.row(path, world.beizhouzhuang)]


def enrollments_back_payment(world):
    late = enrollment_create(
        actor=world.clerk,
        resident=world.beizhouzhuang,
        details=PaymentDetails(insurance_year=2026, payment_date=D(2026, 3, 10)),
    )
    path = f"/api/v1/enrollments/{late.pk}/back-payment/"
    response = world.client.post(path, {"years": 1, "payment_date": "2026-04-01"}, format="json")
    return response, [world.row(path, world.beizhouzhuang)]


def enrollments_payments(world):
    path = f"/api/v1/enrollments/{world.enrollment.pk}/payments/"
    response = world.client.post(path, {"payment_date": "2026-02-01", "amount": "400.00"}, format="json")
    return response, [world.row(path, world.yujing), world.row(path, world.beizhouzhuang)]


def enrollments_refund(world):
    path = f"/api/v1/enrollments/{world.enrollment.pk}/refund/"
    response = world.client.post(path, {"reason": "employee_insured", "date": "2026-02-01"}, format="json")
    return response, [world.row(path, world.yujing), world.row(path, world.beizhouzhuang)]


def newborns_list(world):
    path = "/api/v1/newborns/"
    # the mother is not in the registry: her number is recorded without a resident
    return world.client.get(path), [world.row(path, None, MOTHER_ID), world.row(path, world.baby)]


def newborns_create(world):
    body = {
        "birth_certificate_no": "P140099002",
        "name": "周小雨",
        "gender": "F",
        "birth_date": "2026-04-02",
        "mother_id_number": SECOND_MOTHER_ID,
        "id_number": None,
        "division": first_village(YUJING_TOWN).code,
        "registration_date": "2026-04-10",
    }
    response = world.client.post("/api/v1/newborns/", body, format="json")
    baby = Resident.objects.get(id_number=f"{SECOND_MOTHER_ID}B")
    return response, [world.row("/api/v1/newborns/", None, SECOND_MOTHER_ID), world.row("/api/v1/newborns/", baby)]


def newborns_retrieve(world):
    path = "/api/v1/newborns/P140099001/"
    return world.client.get(path), [world.row(path, None, MOTHER_ID), world.row(path, world.baby)]


def newborns_partial_update(world):
    path = "/api/v1/newborns/P140099001/"
    response = world.client.patch(path, {"id_number": BABY_ID}, format="json")
    # the number that left is the completed one, on the same resident
    return response, [world.row(path, None, MOTHER_ID), world.row(path, world.baby, BABY_ID)]


def pre_enrollments_create(world):
    enrollment_create(
        actor=world.clerk,
        resident=world.beizhouzhuang,
        details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 21)),
    )
    body = {
        "mother_id_number": world.beizhouzhuang.id_number,
        "expected_delivery_date": "2026-10-01",
        "application_date": "2026-07-01",
        "babies": 1,
    }
    path = "/api/v1/newborns/pre-enrollments/"
    response = world.client.post(path, body, format="json")
    placeholder = Resident.objects.get(id_number=f"{world.beizhouzhuang.id_number}B")
    return response, [world.row(path, world.beizhouzhuang), world.row(path, placeholder)]


def national_person_query(world):
    path = "/api/v1/national/1101/"
    body = {"infno": "1101", "input": {"data": {"psn_cert_type": "01", "certno": world.yujing.id_number}}}
    return world.client.post(path, body, format="json"), [world.row(path, world.yujing)]


def newborns_medical_code_check(world):
    path = f"/api/v1/newborns/medical-codes/{world.birth.medical_code.code}/"
    return world.client.get(path), [world.row(path, world.baby)]


def duplicate_case_of(world):
    """The world's enrollment found in a year recorded as insured under employee insurance (重复参保治理)."""
    return DuplicateCase.objects.create(
        kind=DuplicateKind.EMPLOYEE_AND_RESIDENT,
        year=2026,
        enrollment=world.enrollment,
        resident=world.yujing,
        county_id=SHANYIN,
        evidence="2026年度职工医保与城乡居民医保重复参保（R8.2、R12.2）。",
        amount=Decimal("400.00"),
    )


def duplicate_cases_list(world):
    duplicate_case_of(world)
    path = "/api/v1/duplicates/cases/"
    return world.client.get(path), [world.row(path, world.yujing)]


def duplicate_cases_retrieve(world):
    path = f"/api/v1/duplicates/cases/{duplicate_case_of(world).pk}/"
    return world.client.get(path), [world.row(path, world.yujing)]


def duplicate_cases_resolution(world):
    path = f"/api/v1/duplicates/cases/{duplicate_case_of(world).pk}/resolution/"
    response = world.client.post(path, {"resolution": "not_duplicate", "note": "已核实"}, format="json")
    return response, [world.row(path, world.yujing)]


def policy_simulation_retrieve(world):
    """Shanyin's standard raised to 420 and simulated: the people whose payment it raises are the most affected, read
    by an administrator, who sees ID numbers in full (drafts are no window clerk's work)."""
    administrator = make_user("administrator", Role.SYSTEM_ADMIN, "14")
    draft = draft_with(administrator, SHANYIN, title="缴费标准调整", contribution_standard=Decimal("420.00"))
    simulation = simulation_run(administrator, draft)
    path = f"/api/v1/policy-simulations/{simulation.pk}/"
    people = ImpactPerson.objects.filter(simulation=simulation).order_by("county_id", "rank")
    assert [person.resident for person in people] == [world.yujing, world.beizhouzhuang, world.baby]
    rows = [("administrator", "api_call", path, person.resident_id, person.resident.id_number) for person in people]
    return token_client(administrator).get(path), rows


CALLS = {
    ("GET", "/api/v1/residents/"): residents_list,
    ("POST", "/api/v1/residents/"): residents_create,
    ("GET", "/api/v1/residents/{id_number}/"): residents_retrieve,
    ("GET", "/api/v1/enrollments/"): enrollments_list,
    ("POST", "/api/v1/enrollments/"): enrollments_create,
    ("GET", "/api/v1/enrollments/{id}/"): enrollments_retrieve,
    ("POST", "/api/v1/enrollments/{id}/back-payment/"): enrollments_back_payment,
    ("POST", "/api/v1/enrollments/{id}/payments/"): enrollments_payments,
    ("POST", "/api/v1/enrollments/{id}/refund/"): enrollments_refund,
    ("GET", "/api/v1/newborns/"): newborns_list,
    ("POST", "/api/v1/newborns/"): newborns_create,
    ("GET", "/api/v1/newborns/{birth_certificate_no}/"): newborns_retrieve,
    ("PATCH", "/api/v1/newborns/{birth_certificate_no}/"): newborns_partial_update,
    ("POST", "/api/v1/newborns/pre-enrollments/"): pre_enrollments_create,
    ("POST", "/api/v1/national/1101/"): national_person_query,
    ("GET", "/api/v1/newborns/medical-codes/{code}/"): newborns_medical_code_check,
    ("GET", "/api/v1/duplicates/cases/"): duplicate_cases_list,
    ("GET", "/api/v1/duplicates/cases/{id}/"): duplicate_cases_retrieve,
    ("POST", "/api/v1/duplicates/cases/{id}/resolution/"): duplicate_cases_resolution,
    ("GET", "/api/v1/policy-simulations/{id}/"): policy_simulation_retrieve,
}


def schema_properties(schema, components, seen=()):
    """(name, property schema) of every property an answer's schema can hold, following references."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return schema_properties(components[name], components, (*seen, name))
    found = []
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            found += schema_properties(part, components, seen)
    if "items" in schema:
        found += schema_properties(schema["items"], components, seen)
    for name, property_schema in schema.get("properties", {}).items():
        found.append((name, property_schema))
        found += schema_properties(property_schema, components, seen)
    return found


def answer_properties(clerk):
    """For each operation of /api/schema/, the properties of its successful answers."""
    schema = token_client(clerk).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    operations = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            properties = []
            for code, answer in operation.get("responses", {}).items():
                if code.startswith("2"):
                    for content in answer.get("content", {}).values():
                        properties += schema_properties(content["schema"], components)
            operations[(method.upper(), path)] = properties
    return operations


def is_id_number(property_schema):
    return property_schema.get("format") == "id-number"


def test_every_operation_whose_answer_can_carry_an_id_number_is_called_here(clerk):
    operations = answer_properties(clerk)
    carrying = {
        operation for operation, properties in operations.items() if any(map(is_id_number, dict(properties).values()))
    }
    assert carrying == set(CALLS)


def test_no_answer_carries_an_id_number_in_a_field_that_is_not_recorded(clerk):
    # A new serializer writing an ID number through a plain CharField would escape the record: its name gives it away.
    unrecorded = {
        (operation, name)
        for operation, properties in answer_properties(clerk).items()
        for name, property_schema in properties
        # a plain string: not a date such as id_number_completed_at, not an IdNumberField
        if "id_number" in name and property_schema.get("type") == "string" and "format" not in property_schema
    }
    assert unrecorded == set()


@pytest.mark.parametrize("operation", list(CALLS), ids=[" ".join(operation) for operation in CALLS])
def test_each_answer_with_full_id_numbers_records_exactly_them(world, operation):
    # given
    PersonalDataView.objects.all().delete()
    # when
    response, expected_rows = CALLS[operation](world)
    # then
    assert response.status_code in (200, 201), response.content.decode()
    assert recorded_rows() == expected_rows
    assert full_numbers_in(response.json()) == {row[4] for row in expected_rows}


def test_the_same_birth_posted_again_is_an_answer_recorded_again(world):
    # given
    PersonalDataView.objects.all().delete()
    body = {
        "birth_certificate_no": "P140099001",
        "name": "刘小满",
        "gender": "M",
        "birth_date": "2026-03-01",
        "mother_id_number": MOTHER_ID,
        "division": first_village(YUJING_TOWN).code,
        "registration_date": "2026-03-20",
    }
    # when
    response = world.client.post("/api/v1/newborns/", body, format="json")
    # then
    assert response.status_code == 200
    assert recorded_rows() == [
        world.row("/api/v1/newborns/", None, MOTHER_ID),
        world.row("/api/v1/newborns/", world.baby),
    ]


def test_a_mother_in_the_registry_is_recorded_as_that_resident(world):
    # given the mother of the newborn registered after the birth
    mother = resident_create(
        actor=world.clerk, id_number=MOTHER_ID, name="刘芳", household_division=first_village(YUJING_TOWN)
    )
    PersonalDataView.objects.all().delete()
    # when
    world.client.get("/api/v1/newborns/P140099001/")
    # then
    path = "/api/v1/newborns/P140099001/"
    assert recorded_rows() == [world.row(path, mother), world.row(path, world.baby)]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        # by household division, then name: 刘小满 and 王玉井 in Yujing, then 李北周
        ("/api/v1/residents/", lambda world: [(world.baby,), (world.yujing,), (world.beizhouzhuang,)]),
        ("/api/v1/residents/{yujing}/", lambda world: [(world.yujing,), (world.beizhouzhuang,)]),
        ("/api/v1/enrollments/", lambda world: [(world.baby,), (world.yujing,), (world.beizhouzhuang,)]),
        ("/api/v1/enrollments/{enrollment}/", lambda world: [(world.yujing,), (world.beizhouzhuang,)]),
        ("/api/v1/newborns/", lambda world: [(None, MOTHER_ID), (world.baby,)]),
        ("/api/v1/newborns/P140099001/", lambda world: [(None, MOTHER_ID), (world.baby,)]),
    ],
    ids=["residents", "resident", "enrollments", "enrollment", "newborns", "newborn"],
)
def test_the_browsable_api_records_what_its_page_shows(world, path, shown):
    # given
    PersonalDataView.objects.all().delete()
    path = path.format(yujing=world.yujing.id_number, enrollment=world.enrollment.pk)
    # when
    response = world.client.get(path, {"format": "api"})
    # then
    assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8")
    expected_rows = [world.row(path, *person) for person in shown(world)]
    assert recorded_rows() == expected_rows
    assert all(row[4] in response.content.decode() for row in expected_rows)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (
            "/api/v1/residents/",
            lambda world: [world.baby.id_number, world.yujing.id_number, world.beizhouzhuang.id_number],
        ),
        ("/api/v1/residents/{yujing}/", lambda world: [world.yujing.id_number, world.beizhouzhuang.id_number]),
        (
            "/api/v1/enrollments/",
            lambda world: [world.baby.id_number, world.yujing.id_number, world.beizhouzhuang.id_number],
        ),
        ("/api/v1/newborns/", lambda world: [MOTHER_ID, world.baby.id_number]),
        ("/api/v1/newborns/P140099001/", lambda world: [MOTHER_ID, world.baby.id_number]),
    ],
    ids=["residents", "resident", "enrollments", "newborns", "newborn"],
)
def test_users_without_the_permission_get_masked_numbers_and_nothing_is_recorded(world, city_staff, path, shown):
    # given
    PersonalDataView.objects.all().delete()
    path = path.format(yujing=world.yujing.id_number)
    # when
    client = token_client(city_staff)
    json_answer = client.get(path)
    html_answer = client.get(path, {"format": "api"})
    # then
    assert (json_answer.status_code, html_answer.status_code) == (200, 200)
    assert full_numbers_in(json_answer.json()) == set()
    assert masked_numbers_in(json_answer.json()) == {id_number_mask(number) for number in shown(world)}
    page_without_its_address = html_answer.content.decode().replace(path, "")
    for number in (world.yujing.id_number, world.beizhouzhuang.id_number, world.baby.id_number, MOTHER_ID):
        assert number not in page_without_its_address
    assert PersonalDataView.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "body", "status_code"),
    [
        ("get", "/api/v1/enrollments/999999/", None, 404),
        ("get", "/api/v1/newborns/P000000000/", None, 404),
        ("get", "/api/v1/residents/140621198001010000/", None, 404),
        ("post", "/api/v1/enrollments/{enrollment}/refund/", {"reason": "moved_away", "date": "2026-02-01"}, 400),
        (
            "post",
            "/api/v1/enrollments/",
            {"id_number": "{yujing}", "insurance_year": 2026, "payment_date": "2025-11-22"},
            400,
        ),
        ("patch", "/api/v1/newborns/P140099001/", {"id_number": "140621202603010120"}, 400),
    ],
)
def test_refusals_record_nothing(world, method, path, body, status_code):
    # given
    PersonalDataView.objects.all().delete()
    enrollments_before = list(Enrollment.objects.values_list("id", "status").order_by("id"))
    path = path.format(enrollment=world.enrollment.pk)
    if body and "id_number" in body:
        body = {**body, "id_number": body["id_number"].format(yujing=world.yujing.id_number)}
    # when
    response = getattr(world.client, method)(path, body, format="json")
    # then
    assert response.status_code == status_code
    assert full_numbers_in(response.json()) == set()
    assert PersonalDataView.objects.count() == 0
    assert list(Enrollment.objects.values_list("id", "status").order_by("id")) == enrollments_before


def test_a_refusal_answered_after_numbers_were_written_records_nothing(world):
    # given a view that serializes a resident and then refuses
    class SerializesThenRefuses(APIView):
        def get(self, request):
            shown = ResidentSerializer(world.yujing, context={"request": request}).data
            return Response({"detail": "拒绝", "shown": shown}, status=409)

    request = APIRequestFactory().get("/api/v1/refused/")
    force_authenticate(request, user=world.clerk)
    PersonalDataView.objects.all().delete()
    # when
    response = SerializesThenRefuses.as_view()(request)
    response.render()
    # then
    assert (response.status_code, response.data["shown"]["id_number"]) == (409, world.yujing.id_number)
    assert PersonalDataView.objects.count() == 0


def test_identities_and_claim_summaries_answer_without_id_numbers_and_record_nothing(world):
    # given
    PersonalDataView.objects.all().delete()
    settlement = token_client(make_user("settlement", "system_admin", "14"))
    # when
    identity = world.client.post(
        "/api/v1/identities/",
        {"id_number": world.yujing.id_number, "category": "dibao", "valid_from": "2025-01-01", "department": "民政"},
        format="json",
    )
    summary = settlement.post(
        "/api/v1/claim-summaries/",
        {"id_number": world.yujing.id_number, "year": 2025, "fund_paid_total": "0.00", "reward_used": False},
        format="json",
    )
    # then
    assert (identity.status_code, summary.status_code) == (201, 201)
    assert full_numbers_in(identity.json()) | full_numbers_in(summary.json()) == set()
    assert PersonalDataView.objects.count() == 0


def test_administrators_find_a_number_outside_the_registry_in_the_record(world, client):
    # given the mother's number, recorded without a resident
    PersonalDataView.objects.all().delete()
    world.client.get("/api/v1/newborns/P140099001/")
    client.force_login(make_user("admin", "system_admin", "14"))
    # when
    response = client.get("/admin/accounts/personaldataview/", {"q": MOTHER_ID})
    # then her row is found by the whole number, with her baby's placeholder (her number + B), newest first
    changelist = response.context["cl"]
    assert [(view.resident, view.id_number) for view in changelist.result_list] == [
        (world.baby, f"{MOTHER_ID}B"),
        (None, MOTHER_ID),
    ]
    assert id_number_mask(MOTHER_ID) in response.content.decode()


def test_phone_numbers_are_masked_for_users_who_may_not_see_personal_numbers(world, city_staff):
    # given a resident with a phone number
    Resident.objects.filter(pk=world.yujing.pk).update(phone="13812345678")
    path = f"/api/v1/residents/{world.yujing.id_number}/"
    # when the city and the clerk read the resident
    city_answer = token_client(city_staff).get(path).json()
    clerk_answer = world.client.get(path).json()
    # then
    assert (city_answer["phone"], clerk_answer["phone"]) == ("138****5678", "13812345678")
