"""Bad input over the API: no 5xx, every 4xx in Chinese, nothing written on a 4xx.

schemathesis generates requests from the app's own OpenAPI schema (drf-spectacular, /api/schema/), valid and
invalid ones, for every operation; they are sent in-process through DRF's test client as the window clerk of 山阴县,
authenticated by token. hypothesis checks properties of the quote endpoint on requests it draws itself.
"""

import datetime
import json
import re
import zlib
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core import NotSet

from accounts.models import Role
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user, token_client
from enrollment.rules import id_number_check_character, id_number_compose
from enrollment.services import PaymentDetails, enrollment_create
from newborns.services import newborn_register
from subsidies.models import HardshipCategory
from tests.row_counts import row_counts

REQUEST_ARGUMENTS = ("method", "url", "params", "data", "json", "files")
# The window clerk may not post claim summaries nor read the fiscal settlement (403 before any input is read): those
# two are sent as the county's system administrator, who may.
ADMIN_PATHS = ("/api/v1/claim-summaries/", "/api/v1/fiscal/settlement/")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES_PER_OPERATION = 25
# derandomize: the same requests on every run, so that a failure in CI is the one a developer sees at home (to
# explore further, run once with derandomize=False).
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def schema_document() -> dict:
    """The schema /api/schema/ serves, generated in-process."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


SCHEMA = schemathesis.openapi.from_dict(schema_document())


def messages_of(body: object) -> list[str]:
    """Every message string of a DRF error body ({"field": ["…"]}, {"detail": "…"}, nested lists and dicts)."""
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [message for item in body for message in messages_of(item)]
    if isinstance(body, dict):
        return [message for value in body.values() for message in messages_of(value)]
    return []


@pytest.fixture
def world(clerk, yujing_resident):
    """What the path parameters point at: an enrollment, a newborn, a resident of the clerk's county."""
    enrollment = enrollment_create(
        actor=clerk,
        resident=yujing_resident,
        details=PaymentDetails(insurance_year=2026, payment_date=datetime.date(2025, 11, 20)),
    )
    record, _ = newborn_register(
        actor=clerk,
        birth_certificate_no="P140000001",
        name="张一",
        gender="M",
        birth_date=datetime.date(2026, 11, 1),
        mother_id_number=id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1994, 2, 3), sequence=22),
        division=first_village(YUJING_TOWN),
        registration_date=datetime.date(2026, 11, 5),
    )
    clients = {user: token_client(user) for user in (clerk, make_user("admin", Role.SYSTEM_ADMIN, SHANYIN))}
    for client in clients.values():
        client.raise_request_exception = False
    return {
        "clerk": clients[clerk],
        "admin": next(client for user, client in clients.items() if user != clerk),
        "id": str(enrollment.pk),
        "birth_certificate_no": record.birth_certificate_no,
        "id_number": yujing_resident.id_number,
    }


def send(client, case):
    """The case as schemathesis would put it on the wire (body serialised for its media type), sent in-process
    through DRF's test client: method, path, query string, content type and body bytes."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    kwargs.pop("headers", None)
    prepared = requests.Request(**{key: value for key, value in kwargs.items() if key in REQUEST_ARGUMENTS}).prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    return client.generic(
        prepared.method,
        url.path,
        data=body.encode() if isinstance(body, str) else body,
        content_type=prepared.headers.get("Content-Type", ""),
        QUERY_STRING=url.query,
    )


def described(case) -> str:
    """The request as the report of a failure shows it: method, path, query, media type and body."""
    text = f"{case.method} {case.formatted_path}"
    if case.query:
        text += f" query={case.query!r}"
    if not isinstance(case.body, NotSet):
        text += f" {case.media_type} body={case.body!r}"
    return text


@pytest.mark.django_db
@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_no_server_error_chinese_4xx_and_nothing_written_on_4xx(case, world):
    client = world["admin" if case.path in ADMIN_PATHS else "clerk"]
    # An operation on one object reads its body only once the object is found: there the path names a real one.
    # A read names one in three cases of four, and otherwise whatever was generated (404, or a bug).
    for name in list(case.path_parameters or {}):
        if name in world and (case.method != "GET" or zlib.crc32(str(case.path_parameters[name]).encode()) % 4):
            case.path_parameters[name] = world[name]
    before = row_counts()
    response = send(client, case)
    request = described(case)
    assert response.status_code < 500, f"{request} → {response.status_code}"
    if 400 <= response.status_code < 500:
        assert response["Content-Type"].startswith("application/json"), (
            f"{request} → {response.status_code} {response['Content-Type']}: {response.content[:300]!r}"
        )
        body = response.json()
        messages = messages_of(body)
        assert messages and all(CHINESE.search(message) for message in messages), (
            f"{request} → {response.status_code} {body!r}"
        )
        after = row_counts()
        changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
        assert not changed, f"{request} → {response.status_code} wrote {changed}"


# --- API.md's request bodies, near the valid ones: right and wrong types, boundary dates, bad ID numbers ----------
#
# schemathesis' random strings seldom pass the serializers, so the services behind them are seldom reached. These
# bodies are drawn from API.md's fields: mostly values that are right (the ID number of a resident of the county, a
# village code, a date of the collection period), the rest boundary values, bad ID numbers and wrong JSON types.


def dates(first: int, last: int) -> st.SearchStrategy[datetime.date]:
    return st.dates(datetime.date(first, 1, 1), datetime.date(last, 12, 31))


CATEGORIES = [category.value for category in HardshipCategory]
WRONG_TYPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(0, 9), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(0, 9), max_size=2),
)
BOUNDARY_DATES = st.sampled_from(
    [
        "0001-01-01",
        "1899-12-31",
        "1900-01-01",
        "1999-12-31",
        "2000-01-01",
        "2026-02-29",
        "2028-02-29",
        "2100-12-31",
        "9999-12-31",
        "2026-13-01",
        "2026-00-10",
        "2026-1-1",
        "2026/01/01",
        "20260101",
        "",
        " ",
    ]
)


def iso(strategy: st.SearchStrategy[datetime.date]) -> st.SearchStrategy[str]:
    return strategy.map(datetime.date.isoformat)


def valid_ids(address_codes: tuple[str, ...] = (SHANYIN, "140622", "110101")) -> st.SearchStrategy[str]:
    return st.builds(
        id_number_compose,
        address_code=st.sampled_from(address_codes),
        birth_date=dates(1930, 2026),
        sequence=st.integers(1, 999),
    )


@st.composite
def bad_ids(draw: st.DrawFn) -> str:
    """ID numbers that must be refused, or read only once cleaned: check digit, length, birth date, characters."""
    good = draw(valid_ids())
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    impossible = f"{SHANYIN}19990230{draw(st.integers(100, 999))}"
    impossible += id_number_check_character(impossible)
    future = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(2099, 1, 1), sequence=11)
    return draw(
        st.sampled_from(
            [
                wrong_check,
                good[:17],
                good[:15],
                good + "0",
                impossible,
                future,
                f" {good} ",
                good.lower(),
                good[:17] + "x",
                good.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                good[:6] + "-" + good[6:17],
                "",
            ]
        )
    )


DIVISIONS = st.sampled_from(["140621100200", "140621100", "140621101200"])
BAD_DIVISIONS = st.sampled_from(["140621", "140622100", "140621999", "1406", "", "140621100200 "])
NAMES = st.sampled_from(["王小满", "张三", "欧阳淼"])
BAD_NAMES = st.sampled_from(["", " ", "=1+1", '=HYPERLINK("http://x","点")', "名" * 65, "\x00", "\u200b"])
MONEY = st.sampled_from(["0", "0.00", "400.00", "1234.5"])
BAD_MONEY = st.sampled_from(["-0.01", "0.001", "9999999999.99", "1e10", "NaN", "Infinity", "-Infinity", "四百", ""])


@st.composite
def body(draw: st.DrawFn, **fields: tuple[st.SearchStrategy, st.SearchStrategy]) -> dict:
    """A JSON object of API.md's fields, each given as (good values, bad values). Two draws of five are all good,
    two have one field bad, left out or of a wrong JSON type, one has each field anything."""
    mode = draw(st.sampled_from(["good", "good", "one bad", "one bad", "anything"]))
    broken = draw(st.sampled_from(sorted(fields))) if mode == "one bad" else None
    request = {}
    for name, (good, bad) in fields.items():
        if mode == "anything" or name == broken:
            value = draw(st.one_of(good, bad, WRONG_TYPES, st.just(ABSENT)))
        else:
            value = draw(good)
        if value is not ABSENT:
            request[name] = value
    return request


ABSENT = object()


def operations(world: dict) -> dict[str, tuple[str, str, st.SearchStrategy]]:
    resident, certificate = world["id_number"], world["birth_certificate_no"]
    days = iso(dates(2025, 2026))
    ids = (st.just(resident) | valid_ids(), bad_ids())
    return {
        "residents": (
            "post",
            "/api/v1/residents/",
            body(
                id_number=(valid_ids((SHANYIN,)) | st.just(resident), bad_ids()),
                name=(NAMES, BAD_NAMES),
                phone=(st.sampled_from(["13903500001", ""]), st.just("1" * 21)),
                division=(DIVISIONS, BAD_DIVISIONS),
            ),
        ),
        "identities": (
            "post",
            "/api/v1/identities/",
            body(
                id_number=ids,
                category=(st.sampled_from(CATEGORIES), st.just("wealthy")),
                valid_from=(days, BOUNDARY_DATES),
                valid_to=(st.none() | days, BOUNDARY_DATES),
                department=(st.sampled_from(["民政", "农业农村", "卫健", "残联"]), st.just("公安")),
                disability_grade=(st.none() | st.integers(1, 4), st.integers(-1, 9)),
            ),
        ),
        "claim-summaries": (
            "post",
            "/api/v1/claim-summaries/",
            body(
                id_number=ids,
                year=(st.integers(2000, 2100), st.integers(1900, 2200)),
                fund_paid_total=(MONEY, BAD_MONEY),
                reward_used=(st.booleans(), st.sampled_from(["是", "yes", 2])),
            ),
        ),
        "enrollments": (
            "post",
            "/api/v1/enrollments/",
            body(
                id_number=ids,
                insurance_year=(st.integers(2024, 2028), st.integers(1999, 2101)),
                payment_date=(days, BOUNDARY_DATES),
                back_paid_years=(st.integers(0, 3), st.integers(-1, 99)),
                special_status=(
                    st.sampled_from([None, "newborn", "exited_other_scheme", "student_first_enrollment"]),
                    st.just("vip"),
                ),
                special_date=(st.none() | days, BOUNDARY_DATES),
                channel=(st.sampled_from(["window", "online", "bank", "tax", "family_account"]), st.just("wechat")),
                accident_topup=(st.none() | MONEY, BAD_MONEY),
                payer_id_number=(st.none() | valid_ids(), bad_ids()),
                payer_relation=(st.sampled_from([None, "", "parent", "spouse", "child"]), st.just("stranger")),
            ),
        ),
        "back-payment": (
            "post",
            f"/api/v1/enrollments/{world['id']}/back-payment/",
            body(years=(st.integers(1, 5), st.integers(-1, 100)), payment_date=(days, BOUNDARY_DATES)),
        ),
        "refund": (
            "post",
            f"/api/v1/enrollments/{world['id']}/refund/",
            body(
                reason=(
                    st.sampled_from(
                        [
                            "duplicate_payment",
                            "employee_insured",
                            "multi_channel",
                            "died_before_benefit",
                            "pregnancy_terminated",
                        ]
                    ),
                    st.just("changed_mind"),
                ),
                date=(days, BOUNDARY_DATES),
            ),
        ),
        "newborns": (
            "post",
            "/api/v1/newborns/",
            body(
                birth_certificate_no=(
                    st.sampled_from([certificate, "P140000099", "Q1"]),
                    st.sampled_from([" " + certificate, "P" * 33, ""]),
                ),
                name=(NAMES, BAD_NAMES),
                gender=(st.sampled_from(["M", "F"]), st.sampled_from(["男", "X", "m"])),
                birth_date=(iso(dates(2026, 2026)), BOUNDARY_DATES),
                mother_id_number=ids,
                id_number=(st.sampled_from([None, ""]) | valid_ids((SHANYIN,)), bad_ids()),
                division=(DIVISIONS, BAD_DIVISIONS),
                registration_date=(iso(dates(2026, 2026)), BOUNDARY_DATES),
            ),
        ),
        "newborn-identity": (
            "patch",
            f"/api/v1/newborns/{certificate}/",
            body(id_number=(valid_ids((SHANYIN,)) | st.just(resident), bad_ids())),
        ),
        "pre-enrollments": (
            "post",
            "/api/v1/newborns/pre-enrollments/",
            body(
                mother_id_number=ids,
                expected_delivery_date=(iso(dates(2026, 2027)), BOUNDARY_DATES),
                application_date=(iso(dates(2026, 2026)), BOUNDARY_DATES),
                babies=(st.integers(1, 3), st.integers(-1, 20)),
            ),
        ),
        "progress": (
            "get",
            "/api/v1/targets/progress/",
            body(
                year=(st.just(2026), st.integers(1999, 2101)),
                as_of=(iso(dates(2026, 2026)), BOUNDARY_DATES),
                level=(st.sampled_from(["city", "county", "province", "township"]), st.just("village")),
            ),
        ),
        "settlement": (
            "get",
            "/api/v1/fiscal/settlement/",
            body(
                year=(st.integers(2025, 2027), st.integers(1999, 2101)),
                city=(st.sampled_from(["1406", "140600"]), st.sampled_from(["14", "140621", "1499", "", "１４０６"])),
            ),
        ),
    }


def query_value(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(operations({"id": "1", "birth_certificate_no": "", "id_number": ""})))
@settings(FUZZ_SETTINGS, max_examples=40)
@given(data=st.data())
def test_api_md_bodies_answer_2xx_or_a_chinese_4xx_that_writes_nothing(name, data, world):
    # given
    method, path, strategy = operations(world)[name]
    request = data.draw(strategy, label=f"{method.upper()} {path}")
    client = world["admin" if path in ADMIN_PATHS else "clerk"]
    before = row_counts()
    # when
    if method == "get":
        response = client.get(path, {key: query_value(value) for key, value in request.items()})
    else:
        response = getattr(client, method)(path, request, format="json")
    # then
    described = f"{method.upper()} {path} {request!r} → {response.status_code}"
    assert response.status_code < 500, described
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), f"{described} {response['Content-Type']}"
        messages = messages_of(response.json())
        assert messages and all(CHINESE.search(message) for message in messages), f"{described} {response.json()!r}"
        after = row_counts()
        changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
        assert not changed, f"{described} wrote {changed}"


# --- The policy quote: properties of every valid request ------------------------------------------------------------

QUOTE_FIELDS = {
    "region",
    "insurance_year",
    "payment_date",
    "birth_date",
    "categories",
    "disability_grade",
    "enrolled_years",
    "zero_claim_years",
    "reward_used_years",
    "back_paid_years",
    "special_status",
    "special_date",
    "non_field_errors",
}


@st.composite
def payment_dates(draw: st.DrawFn, year: int) -> datetime.date:
    """Mostly a day 1..25 of a month around the insurance year (R2.2), sometimes any day."""
    day = draw(st.integers(1, 25) | st.integers(1, 28))
    month = draw(st.integers(1, 12))
    return datetime.date(draw(st.sampled_from([year - 1, year - 1, year, year, year + 1])), month, day)


@st.composite
def quote_requests(draw: st.DrawFn) -> dict:
    """A request the serializer accepts: mostly 山阴县, some other counties and an unknown code; insurance years around
    today; payment dates around the year; any history; each special status with a date that suits it or not."""
    year = draw(st.integers(2020, 2030))
    years_before = st.lists(st.integers(2000, year - 1), unique=True, max_size=6)
    payment_date = draw(payment_dates(year))
    request = {
        "region": draw(st.sampled_from([SHANYIN] * 6 + ["140602", "140622", "141127", "999999"])),
        "insurance_year": year,
        "payment_date": payment_date.isoformat(),
        "categories": draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=3)),
        "enrolled_years": draw(years_before),
        "zero_claim_years": draw(years_before),
        "reward_used_years": draw(years_before),
        "back_paid_years": draw(st.sampled_from([0, 0, 0, 1, 2, 5])),
    }
    birth_date = draw(st.none() | dates(1920, year))
    if birth_date is not None:
        request["birth_date"] = birth_date.isoformat()
    grade = draw(st.none() | st.integers(1, 4))
    if grade is not None or draw(st.booleans()):
        request["disability_grade"] = grade
    special_status = draw(st.sampled_from([None] * 5 + ["newborn", "exited_other_scheme", "student_first_enrollment"]))
    if special_status == "newborn":
        born = payment_date - datetime.timedelta(days=draw(st.integers(0, 150)))
        request.pop("birth_date", None)
        request.update(special_status=special_status, special_date=born.isoformat())
    elif special_status == "exited_other_scheme":
        exited = payment_date - datetime.timedelta(days=draw(st.integers(-10, 150)))
        request.update(special_status=special_status, special_date=exited.isoformat())
    elif special_status is not None or draw(st.booleans()):
        request.update(special_status=special_status, special_date=None)
    return request


@pytest.mark.django_db
@settings(FUZZ_SETTINGS, max_examples=300)
@given(request=quote_requests())
def test_quote_answers_200_with_a_benefit_period_of_the_year_or_400_on_a_named_field(request, quote_client):
    # when
    response = quote_client.post("/api/v1/policy/quote/", request, format="json")
    # then
    assert response.status_code in (200, 400), f"{request} → {response.status_code}"
    body = response.json()
    if response.status_code == 400:
        assert body and set(body) <= QUOTE_FIELDS, f"{request} → 400 {body}"
        assert all(CHINESE.search(message) for message in messages_of(body)), f"{request} → 400 {body}"
        return
    start, end = body["benefit_start"], body["benefit_end"]
    assert (start is None) == (end is None), f"{request} → {body}"
    if start is None:
        assert body["counts_as_enrolled_year"] is False, f"{request} → {body}"
        return
    start, end = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    year = request["insurance_year"]
    # R9.1: a student's first enrollment for Y+1, paid in Y, covers from the payment date in Y.
    first_year = year - 1 if request.get("special_status") == "student_first_enrollment" else year
    assert datetime.date(first_year, 1, 1) <= start <= end <= datetime.date(year, 12, 31), f"{request} → {body}"


@pytest.fixture
def quote_client(clerk):
    return token_client(clerk)


# --- The bugs the fuzzing found, one request each ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/enrollments/false/"),
        ("post", "/api/v1/enrollments/false/back-payment/"),
        ("post", "/api/v1/enrollments/false/refund/"),
    ],
)
def test_an_enrollment_id_that_is_not_a_number_answers_404_in_chinese(clerk, method, path):
    # given
    client = token_client(clerk)
    client.raise_request_exception = False
    before = row_counts()
    # when
    response = getattr(client, method)(path, {"years": 1, "payment_date": "2026-03-01"}, format="json")
    # then
    assert response.status_code == 404, f"{method.upper()} {path} → {response.status_code} {response.content[:120]!r}"
    assert response.json() == {"detail": "未找到。"}
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/residents/%C2%84/", "/api/v1/residents/abc/", "/api/v1/nothing-here/"])
def test_an_api_path_no_route_matches_answers_json_in_chinese(clerk, path):
    # when
    response = token_client(clerk).get(path)
    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert all(CHINESE.search(message) for message in messages_of(response.json()))
