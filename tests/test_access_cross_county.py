"""The access matrix across counties: write requests of another county's users that name this county's people.

The world (tests/access_fixtures.py) is 山阴县's; here 山阴县 also has a baby registered with its ID number and no
enrollment yet. A clerk of 应县 works in 应县 (a birth of its own still without an ID number, two birth lists of its
own), but the requests name 山阴县's people: a mother whose pre-enrolled placeholder waits in 山阴县 (R7.6), the baby
registered in 山阴县, and a birth certificate registered there.

Whatever the answer, nothing of 山阴县 changes: no row that existed before is altered, no new row points at one of
山阴县's rows (an enrollment, a payment or a history row of its people), and the answer shows none of 山阴县's people
beyond what the request itself named. Where the request can be done in 应县 alone it is done there (a newborn may be
enrolled in a parent's county of residence, R13.0a); where it would need 山阴县's person it is refused, writing
nothing. Every other role of another division lacks the permission and is refused too.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.permissions import ADD_BIRTH_RECORD, ADD_ENROLLMENT, ADD_PRE_ENROLLMENT, CHANGE_BIRTH_RECORD
from conftest import first_village
from core.batches import BatchStatus
from divisions.models import Division
from enrollment.rules import id_number_compose
from enrollment.services import resident_create
from newborns.models import BirthImportBatch, BirthRecord
from newborns.services import birth_import_preview, newborn_register
from tests.access_fixtures import (
    BIRTH_LIST_HEADER,
    EXPECTING_MOTHER,
    MOTHER,
    NEWBORN,
    SECOND_RESIDENT,
    SENTINELS,
    YUJING_VILLAGE,
    World,
    world_build,
)
from tests.factories import xlsx_bytes
from tests.row_counts import row_counts
from tests.test_access_matrix import PROJECT_APPS, allowed, api_route, body_text

D = datetime.date
SHANYIN = "140621"
JINCHENG_TOWN = "140622100"  # 应县金城镇: the other clerk's county and the other township official's township
BABY = ("常小满", id_number_compose(address_code=SHANYIN, birth_date=D(2026, 10, 1), sequence=22))  # a girl
YINGXIAN_MOTHER_ID = id_number_compose(address_code="140622", birth_date=D(1994, 5, 5), sequence=28)
# Models of 山阴县's people and records; the users (accounts) are everyone's and change on every login.
WORLD_APPS = tuple(app for app in PROJECT_APPS if app != "accounts")


@dataclass
class CrossWorld:
    world: World
    village: Division  # a village of 应县金城镇
    world_rows: dict[str, dict[Any, tuple]]  # 山阴县's rows before 应县 did anything: label → pk → values
    birth: BirthRecord  # 应县's own birth still without an ID number, born the day 山阴县's baby was
    mother_list: BirthImportBatch  # 应县's birth list naming the 山阴县 mother whose placeholder waits
    baby_list: BirthImportBatch  # 应县's birth list naming 山阴县's baby by its ID number


def _model_rows() -> dict[str, dict[Any, tuple]]:
    """Every row of the people's apps, by model and primary key, with all its values."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label not in WORLD_APPS or not model._meta.managed or model._meta.proxy:
            continue
        names = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = {values[0]: values for values in model._base_manager.values_list("pk", *names)}
    return rows


def _pointing_at(label: str, values: tuple, world_rows: dict[str, dict[Any, tuple]]) -> list[str]:
    """The references of a new row to rows of 山阴县 (history rows included: they copy the person's keys)."""
    model = apps.get_model(label)
    found = []
    for position, field in enumerate(model._meta.concrete_fields, start=1):
        target = field.related_model if field.is_relation else None
        if target is None or target._meta.label not in world_rows:
            continue
        if values[position] in world_rows[target._meta.label]:
            found.append(f"{label}.{field.name} → {target._meta.label} {values[position]}")
    if label.split(".")[1].startswith("Historical"):
        # A history row's own id is the id of the row it records.
        original = apps.get_model(label.replace("Historical", "", 1))
        if values[model._meta.concrete_fields.index(model._meta.get_field("id")) + 1] in world_rows.get(
            original._meta.label, {}
        ):
            found.append(f"{label} records {original._meta.label} {values[1]}")
    return found


def _birth_list(rows: Sequence[Sequence[object]]) -> bytes:
    return xlsx_bytes([BIRTH_LIST_HEADER, *rows])


def _mother_row(village: Division) -> list[object]:
    return ["M140622002", "应小苗", "女", D(2026, 11, 25), EXPECTING_MOTHER[1], None, village.code, D(2026, 11, 28)]


def _baby_row(village: Division) -> list[object]:
    return ["M140622003", BABY[0], "女", D(2026, 10, 1), MOTHER[1], BABY[1], village.code, D(2026, 10, 6)]


@pytest.fixture(scope="module")
def cross(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        world = world_build()
        resident_create(
            actor=world.own[Role.WINDOW_CLERK],
            id_number=BABY[1],
            name=BABY[0],
            household_division=Division.objects.get(code=YUJING_VILLAGE),
        )
        world_rows = _model_rows()
        clerk, village = world.other[Role.WINDOW_CLERK], first_village(JINCHENG_TOWN)
        county = Division.objects.get(code="140622")
        birth, _ = newborn_register(
            actor=clerk,
            birth_certificate_no="M140622001",
            name="应小禾",
            gender="F",
            birth_date=D(2026, 10, 1),
            mother_id_number=YINGXIAN_MOTHER_ID,
            division=village,
            registration_date=D(2026, 10, 5),
        )
        mother_list, baby_list = (
            birth_import_preview(actor=clerk, county=county, file_name=name, content=_birth_list([row]))
            for name, row in (("应县出生一.xlsx", _mother_row(village)), ("应县出生二.xlsx", _baby_row(village)))
        )
        yield CrossWorld(world, village, world_rows, birth, mother_list, baby_list)
        transaction.set_rollback(True)


DONE_IN_OWN_COUNTY = "done in 应县"
REFUSED = "refused"

Builder = Callable[[CrossWorld], dict[str, Any]]


@dataclass(frozen=True)
class CrossCase:
    url_name: str
    method: str
    permission: str
    outcome: str  # DONE_IN_OWN_COUNTY or REFUSED, for a user with the permission
    status: int  # the answer to that user
    kwargs: Builder = lambda cross: {}
    data: Builder = lambda cross: {}
    done: str = ""  # DONE_IN_OWN_COUNTY: the model that gains the row done in 应县


def _registration(cross: CrossWorld, *, certificate: str, baby: bool) -> dict[str, Any]:
    """A birth in 应县: of the 山阴县 mother whose placeholder waits, or of 山阴县's registered baby."""
    if baby:
        values = {"name": BABY[0], "birth_date": "2026-10-01", "mother_id_number": MOTHER[1], "id_number": BABY[1]}
        values["registration_date"] = "2026-10-06"
    else:
        values = {
            "name": "应小安",
            "birth_date": "2026-11-25",
            "mother_id_number": EXPECTING_MOTHER[1],
            "id_number": "",
        }
        values["registration_date"] = "2026-11-28"
    return {"birth_certificate_no": certificate, "gender": "F", "division": cross.village.code, **values}


def _own_birth(cross: CrossWorld) -> dict[str, Any]:
    return {"birth_certificate_no": cross.birth.birth_certificate_no}


CASES = {
    # 出生一件事 at the window page, over the birth platform's API, and from a birth list
    "page: birth of the mother pre-enrolled in 山阴县": CrossCase(
        "newborn_new",
        "post",
        ADD_BIRTH_RECORD,
        DONE_IN_OWN_COUNTY,
        302,
        data=lambda cross: _registration(cross, certificate="M140622010", baby=False),
        done="newborns.BirthRecord",
    ),
    "page: birth naming 山阴县's baby by ID": CrossCase(
        "newborn_new",
        "post",
        ADD_BIRTH_RECORD,
        REFUSED,
        200,
        data=lambda cross: _registration(cross, certificate="M140622011", baby=True),
    ),
    "page: birth certificate registered in 山阴县": CrossCase(
        "newborn_new",
        "post",
        ADD_BIRTH_RECORD,
        REFUSED,
        200,
        data=lambda cross: _registration(cross, certificate=NEWBORN[1], baby=False),
    ),
    "API: birth of the mother pre-enrolled in 山阴县": CrossCase(
        "newborn-list",
        "post",
        ADD_BIRTH_RECORD,
        DONE_IN_OWN_COUNTY,
        201,
        data=lambda cross: _registration(cross, certificate="M140622012", baby=False),
        done="newborns.BirthRecord",
    ),
    "API: birth naming 山阴县's baby by ID": CrossCase(
        "newborn-list",
        "post",
        ADD_BIRTH_RECORD,
        REFUSED,
        400,
        data=lambda cross: _registration(cross, certificate="M140622013", baby=True),
    ),
    "API: birth certificate registered in 山阴县": CrossCase(
        "newborn-list",
        "post",
        ADD_BIRTH_RECORD,
        REFUSED,
        400,
        data=lambda cross: _registration(cross, certificate=NEWBORN[1], baby=False),
    ),
    # 补录身份证号 (R7.5) of 应县's own birth with the ID number of 山阴县's baby
    "page: identity completion with 山阴县's baby's ID": CrossCase(
        "newborn_identity_complete",
        "post",
        CHANGE_BIRTH_RECORD,
        REFUSED,
        200,
        kwargs=_own_birth,
        data=lambda cross: {"id_number": BABY[1]},
    ),
    "API: identity completion with 山阴县's baby's ID": CrossCase(
        "newborn-detail",
        "patch",
        CHANGE_BIRTH_RECORD,
        REFUSED,
        400,
        kwargs=_own_birth,
        data=lambda cross: {"id_number": BABY[1]},
    ),
    # 预参保 (R7.6) for a mother of 山阴县
    "page: pre-enrollment of a 山阴县 mother": CrossCase(
        "pre_enrollment_new",
        "post",
        ADD_PRE_ENROLLMENT,
        REFUSED,
        200,
        data=lambda cross: {
            "mother_id_number": MOTHER[1],
            "expected_delivery_date": "2027-02-20",
            "babies": 1,
            "application_date": "2026-11-20",
        },
    ),
    "API: pre-enrollment of a 山阴县 mother": CrossCase(
        "pre-enrollment-create",
        "post",
        ADD_PRE_ENROLLMENT,
        REFUSED,
        400,
        data=lambda cross: {
            "mother_id_number": MOTHER[1],
            "expected_delivery_date": "2027-02-20",
            "application_date": "2026-11-20",
        },
    ),
    # The health commission's birth lists (出生登记批量导入): upload, then confirm
    "import: upload naming 山阴县's baby": CrossCase(
        "birth_import_index",
        "post",
        ADD_BIRTH_RECORD,
        DONE_IN_OWN_COUNTY,
        302,
        data=lambda cross: {
            "county": "140622",
            "file": SimpleUploadedFile("应县出生三.xlsx", _birth_list([_baby_row(cross.village)])),
        },
        done="newborns.BirthImportBatch",
    ),
    "import: confirm the list of the mother pre-enrolled in 山阴县": CrossCase(
        "birth_import_confirm",
        "post",
        ADD_BIRTH_RECORD,
        DONE_IN_OWN_COUNTY,
        302,
        kwargs=lambda cross: {"pk": cross.mother_list.pk},
        done="newborns.BirthRecord",
    ),
    "import: confirm the list naming 山阴县's baby": CrossCase(
        "birth_import_confirm",
        "post",
        ADD_BIRTH_RECORD,
        REFUSED,
        302,
        kwargs=lambda cross: {"pk": cross.baby_list.pk},
    ),
    # 参保缴费 (R13.0a): 应县 finds 山阴县's person by ID number only on a basis, and only to enroll them in 应县
    "API: enrollment of a 山阴县 person without a basis": CrossCase(
        "enrollment-list",
        "post",
        ADD_ENROLLMENT,
        REFUSED,
        400,
        data=lambda cross: {"id_number": SECOND_RESIDENT[1], "insurance_year": 2027, "payment_date": "2026-11-20"},
    ),
    "API: enrollment of a 山阴县 person in 山阴县 on a basis": CrossCase(
        "enrollment-list",
        "post",
        ADD_ENROLLMENT,
        REFUSED,
        400,
        data=lambda cross: {**_permit(SHANYIN), "id_number": SECOND_RESIDENT[1]},
    ),
}


def _permit(county: str) -> dict[str, Any]:
    """A 2027 payment on a residence permit of `county`."""
    return {
        "insurance_year": 2027,
        "payment_date": "2026-11-20",
        "county": county,
        "basis": "residence",
        "basis_document_no": "140622202400123",
        "basis_valid_from": "2024-09-01",
    }


OTHER_ROLES = [role for role, _ in Role.choices if role != Role.SYSTEM_ADMIN]  # a superuser's division is every one


@dataclass(frozen=True)
class CrossAnswer:
    status: int
    text: str
    asked: str
    counts_before: dict[str, int]
    counts_after: dict[str, int]
    rows_before: dict[str, dict[Any, tuple]]
    rows_after: dict[str, dict[Any, tuple]]


def _send(cross: CrossWorld, case: CrossCase, user: User) -> CrossAnswer:
    """One request in a savepoint rolled back after it, as the matrix sends them."""
    api = api_route(case.url_name)
    with transaction.atomic():
        client = APIClient() if api else Client()
        if api:
            cast(APIClient, client).credentials(HTTP_AUTHORIZATION=f"Token {cross.world.tokens[user.pk]}")
        else:
            client.force_login(user)
        url = reverse(case.url_name, kwargs=case.kwargs(cross))
        data = case.data(cross)
        counts_before, rows_before = row_counts(PROJECT_APPS), _model_rows()
        if api:
            response = getattr(client, case.method)(url, data, format="json")
        else:
            response = getattr(client, case.method)(url, data)
        text = body_text(response)
        counts_after, rows_after = row_counts(PROJECT_APPS), _model_rows()
        transaction.set_rollback(True)
    asked = url + repr({key: value for key, value in data.items() if key != "file"})
    return CrossAnswer(response.status_code, text, asked, counts_before, counts_after, rows_before, rows_after)


def _problems(cross: CrossWorld, case: CrossCase, role: str, answer: CrossAnswer) -> list[str]:
    permitted = allowed(role, case.permission)
    problems = []
    expected_status = case.status if permitted else 403
    if answer.status != expected_status:
        problems.append(f"status {answer.status}, expected {expected_status}")
    changed = sorted(label for label, count in answer.counts_before.items() if answer.counts_after[label] != count)
    if permitted and case.outcome == DONE_IN_OWN_COUNTY:
        if answer.counts_after[case.done] != answer.counts_before[case.done] + 1:
            problems.append(f"not done: {case.done} gained no row")
    elif changed:
        problems.append(f"wrote {', '.join(changed)}")
    for label, rows in cross.world_rows.items():
        for pk, values in rows.items():
            if answer.rows_after[label].get(pk) != values:
                problems.append(f"changed 山阴县's {label} {pk}")
    for label, rows in answer.rows_after.items():
        for pk, values in rows.items():
            if pk not in answer.rows_before[label]:
                problems += _pointing_at(label, values, cross.world_rows)
    people = (*SENTINELS, *BABY)
    shown = [person for person in people if person in answer.text and person not in answer.asked]
    if shown:
        problems.append(f"shows {', '.join(shown)}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_another_county_changes_and_reads_nothing_of_this_one(cross, name):
    # given a request of another county's user naming this county's people
    case = CASES[name]
    # when every role of the other division sends it
    problems = {
        role: found
        for role in OTHER_ROLES
        if (found := _problems(cross, case, role, _send(cross, case, cross.world.other[role])))
    }
    # then
    assert problems == {}


@pytest.mark.django_db
def test_the_other_county_list_naming_this_county_baby_is_refused_at_preview(cross):
    # given 应县's list naming 山阴县's baby by its ID number (module fixture)
    # then it is refused at the preview, naming the row and why, and can never be confirmed
    assert cross.baby_list.status == BatchStatus.REFUSED
    assert cross.baby_list.row_errors == [
        {
            "row": 2,
            "values": {
                "出生医学证明编号": "M140622003",
                "新生儿姓名": BABY[0],
                "性别": "女",
                "出生日期": "2026-10-01",
                "母亲身份证号": MOTHER[1],
                "身份证号": BABY[1],
                "户籍地代码": cross.village.code,
                "登记日期": "2026-10-06",
            },
            "errors": ["身份证号：该身份证号的居民登记在其他区县，本辖区不能为其办理。"],
        }
    ]
    assert cross.mother_list.status == BatchStatus.PREVIEWED


@pytest.mark.django_db
def test_r13_0a_the_other_county_enrolls_this_countys_person_on_a_permit_and_changes_nothing_of_this_one(cross):
    # given a person of 山阴县 living in 应县 on a residence permit
    case = CrossCase(
        "enrollment-list",
        "post",
        ADD_ENROLLMENT,
        DONE_IN_OWN_COUNTY,
        201,
        data=lambda cross: {**_permit("140622"), "id_number": SECOND_RESIDENT[1]},
        done="enrollment.Enrollment",
    )
    # when 应县's clerk takes their 2027 payment
    answer = _send(cross, case, cross.world.other[Role.WINDOW_CLERK])
    # then the enrollment is held in 应县, and no row of 山阴县 changed
    assert (answer.status, answer.counts_after["enrollment.Enrollment"]) == (
        201,
        answer.counts_before["enrollment.Enrollment"] + 1,
    )
    assert '"county":"140622"' in answer.text.replace(" ", "")
    assert '"basis":"residence"' in answer.text.replace(" ", "")
    for label, rows in cross.world_rows.items():
        assert {pk: answer.rows_after[label].get(pk) for pk in rows} == rows, label
    shown = [person for person in (*SENTINELS, *BABY) if person in answer.text and person not in answer.asked]
    assert shown == []
