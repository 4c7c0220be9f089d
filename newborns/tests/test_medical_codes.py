"""新生儿医保码 (陕医保发〔2024〕7号 二（三）, R7.5): issued at registration on the birth certificate without an ID
number, valid from birth for the region's days after it (policy data), revoked when the ID number is known with the
enrollment kept; shown on the newborn's page, the receipt and the API, and checked by its code."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import PersonalDataView, Role
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user, token_client
from divisions.models import Division
from enrollment.models import Enrollment
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import MedicalCodeParameter, NewbornMedicalCode
from newborns.rules import MedicalCodeFigures, MedicalCodeStatus, medical_code_standing, medical_code_valid_until
from newborns.services import newborn_identity_complete, newborn_register

D = datetime.date
BIRTH = D(2026, 3, 1)
BABY_ID = id_number_compose(address_code=SHANYIN, birth_date=BIRTH, sequence=12)  # even: a girl
MOTHER_ID = id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24)
SOURCE = "陕医保发〔2024〕7号 二（三）"
CODE_FORMAT = re.compile(r"^140621(-[0-9A-HJKMNP-TV-Z]{4}){4}$")
migration = importlib.import_module("newborns.migrations.0008_issue_medical_codes")


def register(clerk, **changes):
    arguments = {
        "birth_certificate_no": "P140012345",
        "name": "刘小满",
        "gender": "F",
        "birth_date": BIRTH,
        "mother_id_number": MOTHER_ID,
        "division": first_village(YUJING_TOWN),
        "registration_date": D(2026, 3, 20),
        **changes,
    }
    record, _ = newborn_register(actor=clerk, **arguments)
    return record


def recent_birth(clerk, days_ago=30, **changes):
    """A birth whose code is still valid today: born `days_ago` days before today."""
    born = timezone.localdate() - datetime.timedelta(days=days_ago)
    return register(clerk, birth_date=born, registration_date=born + datetime.timedelta(days=5), **changes)


def enrollment_facts(enrollment):
    enrollment.refresh_from_db()
    return (
        enrollment.pk,
        enrollment.resident_id,
        enrollment.insurance_year,
        enrollment.status,
        enrollment.individual_due,
        enrollment.subsidy_amount,
        enrollment.benefit_start,
        enrollment.benefit_end,
    )


# --- Rules: validity and standing, today passed in ------------------------------------------------------------


def test_r7_5_the_code_is_valid_for_the_regions_days_after_birth():
    # when
    until_180 = medical_code_valid_until(birth_date=BIRTH, figures=MedicalCodeFigures(180, SOURCE))
    until_120 = medical_code_valid_until(birth_date=BIRTH, figures=MedicalCodeFigures(120, "某地文件"))
    # then
    assert (until_180, until_120) == (D(2026, 8, 28), D(2026, 6, 29))


def standing_on(today, revoked_on=None):
    return medical_code_standing(
        valid_from=BIRTH,
        valid_until=D(2026, 8, 28),
        validity_days=180,
        source=SOURCE,
        revoked_on=revoked_on,
        revocation_reason="已补录身份证号" if revoked_on else "",
        today=today,
    )


def test_r7_5_the_code_is_valid_through_its_last_day_and_expired_the_day_after():
    # when
    last_day = standing_on(D(2026, 8, 28))
    day_after = standing_on(D(2026, 8, 29))
    # then
    assert (last_day.status, last_day.label, last_day.valid) == (MedicalCodeStatus.VALID, "有效", True)
    assert (day_after.status, day_after.label, day_after.valid) == (MedicalCodeStatus.EXPIRED, "已过期", False)
    issued = {
        "rule": "R7.5",
        "text": "凭出生医学证明参保、尚无身份证号的新生儿发放医保码，自出生之日（2026年3月1日）起180天内"
        "（至2026年8月28日）可凭医保码在定点医疗机构直接就医结算",
        "source": SOURCE,
    }
    assert last_day.explanation == [
        issued,
        {"rule": "R7.5", "text": "2026年8月28日在有效期内，还可使用0天", "source": SOURCE},
    ]
    assert day_after.explanation == [
        issued,
        {
            "rule": "R7.5",
            "text": "2026年8月29日已超过有效期，不能再凭医保码就医结算，请尽快补录身份证号",
            "source": SOURCE,
        },
    ]


def test_r7_5_a_revoked_code_is_revoked_within_its_validity_too():
    # when
    standing = standing_on(D(2026, 4, 1), revoked_on=D(2026, 3, 25))
    # then
    assert (standing.status, standing.label, standing.valid) == (MedicalCodeStatus.REVOKED, "已停用", False)
    assert standing.explanation[1]["text"] == "2026年3月25日停用：已补录身份证号；参保记录不变，此后凭身份证号就医结算"


# --- Services: issued once at registration without an ID number, revoked on completion -------------------------


@pytest.mark.django_db
def test_r7_5_a_birth_registered_without_id_gets_a_code_valid_180_days_after_birth(clerk):
    # when
    record = register(clerk)
    # then
    code = NewbornMedicalCode.objects.get(birth_record=record)
    assert CODE_FORMAT.match(code.code), code.code
    assert (code.valid_from, code.valid_until, code.validity_days, code.source) == (BIRTH, D(2026, 8, 28), 180, SOURCE)
    assert (code.issued_by, code.revoked_at, code.revoked_by, code.revocation_reason) == (clerk, None, None, "")
    assert list(code.history.values_list("history_type", "history_user", "history_change_reason")) == [
        ("+", clerk.pk, "凭出生医学证明参保，发放新生儿医保码")
    ]


@pytest.mark.django_db
def test_r7_5_a_region_with_another_figure_gives_another_date(clerk):
    # given 山阴县's own figure for the births of 2026, before the province's 180 days
    MedicalCodeParameter.objects.create(
        region=Division.objects.get(code=SHANYIN), year=2026, validity_days=120, source_document="山阴县测试文件"
    )
    # when
    record = register(clerk)
    # then
    code = NewbornMedicalCode.objects.get(birth_record=record)
    assert (code.valid_until, code.validity_days, code.source) == (D(2026, 6, 29), 120, "山阴县测试文件")


@pytest.mark.django_db
def test_r7_5_a_birth_registered_with_its_id_number_gets_no_code(clerk):
    # when
    record = register(clerk, id_number=BABY_ID)
    # then
    assert record.resident.id_number == BABY_ID
    assert NewbornMedicalCode.objects.count() == 0


@pytest.mark.django_db
def test_r7_5_the_same_birth_registered_twice_keeps_its_one_code(clerk):
    # given
    first = register(clerk)
    code = NewbornMedicalCode.objects.get()
    # when
    again = register(clerk)
    # then
    assert again.pk == first.pk
    assert list(NewbornMedicalCode.objects.values_list("pk", "code")) == [(code.pk, code.code)]


@pytest.mark.django_db
def test_r7_5_codes_are_not_in_sequence(clerk):
    # when two babies of two mothers are registered one after the other
    first = register(clerk)
    other_mother = id_number_compose(address_code=SHANYIN, birth_date=D(1996, 2, 3), sequence=42)
    second = register(clerk, birth_certificate_no="P140012346", mother_id_number=other_mother)
    # then the random parts share nothing that counts up
    first_code, second_code = (NewbornMedicalCode.objects.get(birth_record=each).code for each in (first, second))
    assert first_code != second_code
    assert first_code[:6] == second_code[:6] == SHANYIN


@pytest.mark.django_db
def test_r7_5_identity_completion_revokes_the_code_and_keeps_the_enrollment(clerk):
    # given
    record = register(clerk)
    before = enrollment_facts(record.enrollment)
    # when
    newborn_identity_complete(actor=clerk, record=record, id_number=BABY_ID)
    # then
    code = NewbornMedicalCode.objects.get(birth_record=record)
    assert code.revoked_at is not None
    assert (code.revoked_by, code.revocation_reason) == (clerk, "已补录身份证号")
    assert enrollment_facts(record.enrollment) == before
    assert Enrollment.objects.count() == 1
    assert list(code.history.order_by("history_id").values_list("history_type", "revoked_by", "history_user")) == [
        ("+", None, clerk.pk),
        ("~", clerk.pk, clerk.pk),
    ]


@pytest.mark.django_db
def test_r7_5_identity_completion_merging_into_a_registered_resident_revokes_the_code(clerk):
    # given the baby registered meanwhile with its ID number as a resident of its own
    record = register(clerk)
    resident_create(actor=clerk, id_number=BABY_ID, name="刘小满", household_division=first_village(YUJING_TOWN))
    # when
    newborn_identity_complete(actor=clerk, record=record, id_number=BABY_ID)
    # then
    code = NewbornMedicalCode.objects.get(birth_record=record)
    assert (code.revoked_by, code.revocation_reason) == (clerk, "已补录身份证号")


@pytest.mark.django_db
def test_r7_5_the_migration_issues_codes_to_babies_still_without_id_once(clerk):
    # given a birth registered before codes existed, and one registered with its ID number
    record = register(clerk)
    NewbornMedicalCode.history.all().delete()
    NewbornMedicalCode.objects.all().delete()
    other_mother = id_number_compose(address_code=SHANYIN, birth_date=D(1996, 2, 3), sequence=42)
    register(clerk, birth_certificate_no="P140012346", mother_id_number=other_mother, id_number=BABY_ID)
    # when
    issued = migration.medical_codes_issue_missing(apps)
    issued_again = migration.medical_codes_issue_missing(apps)
    # then
    assert (issued, issued_again) == (1, 0)
    code = NewbornMedicalCode.objects.get()
    assert CODE_FORMAT.match(code.code), code.code
    assert (code.birth_record_id, code.valid_from, code.valid_until, code.source, code.issued_by) == (
        record.pk,
        BIRTH,
        D(2026, 8, 28),
        SOURCE,
        None,
    )
    assert list(code.history.values_list("history_type", "history_change_reason")) == [
        ("+", "补发新生儿医保码（此前登记、尚无身份证号的新生儿）")
    ]


# --- The newborn's page and the receipt ----------------------------------------------------------------------


@pytest.mark.django_db
def test_r7_5_the_newborn_page_shows_the_code_its_validity_and_status(client, clerk):
    # given
    record = register(clerk)
    code = NewbornMedicalCode.objects.get()
    client.force_login(clerk)
    # when
    page = client.get(f"/newborns/{record.birth_certificate_no}/").content.decode()
    # then (today is after 2026-08-28)
    assert f'<span class="font-monospace medical-code">{code.code}</span>' in page
    assert "有效期 2026年3月1日 至 2026年8月28日（出生后180天）" in page
    assert "已过期" in page
    assert "起180天内（至2026年8月28日）可凭医保码在定点医疗机构直接就医结算" in page
    assert f"（{SOURCE}）" in page


@pytest.mark.django_db
def test_r7_5_the_newborn_page_shows_a_revoked_code_with_who_and_why(client, clerk):
    # given
    clerk.first_name = "王经办"
    clerk.save()
    record = register(clerk)
    newborn_identity_complete(actor=clerk, record=record, id_number=BABY_ID)
    client.force_login(clerk)
    # when
    page = client.get(f"/newborns/{record.birth_certificate_no}/").content.decode()
    # then
    assert "已停用" in page
    assert "停用人 王经办" in page
    assert "已补录身份证号；参保记录不变，此后凭身份证号就医结算" in page


@pytest.mark.django_db
def test_r7_5_a_newborn_registered_with_its_id_number_has_no_code_on_its_page(client, clerk):
    # given
    record = register(clerk, id_number=BABY_ID)
    client.force_login(clerk)
    # when
    page = client.get(f"/newborns/{record.birth_certificate_no}/").content.decode()
    # then
    assert "新生儿医保码" not in page


@pytest.mark.django_db
def test_r7_5_the_receipt_of_the_birth_year_shows_the_code(client, clerk):
    # given
    record = recent_birth(clerk)
    code = NewbornMedicalCode.objects.get()
    client.force_login(clerk)
    # when
    page = client.get(f"/window/enrollments/{record.enrollment.pk}/receipt/").content.decode()
    # then
    # (the birth year costs the family nothing: no window receipt, the enrollment's 参保缴费明细 is its receipt)
    assert f'<th>新生儿医保码</th><td colspan="3">{code.code}（有效）</td>' in page
    until = f"{code.valid_until.year}年{code.valid_until.month}月{code.valid_until.day}日"
    assert f"至 {until}（出生后180天，{SOURCE}）" in page


@pytest.mark.django_db
def test_r7_5_the_window_receipt_of_the_babys_next_year_shows_the_code(client, clerk):
    # given the baby's 2027 paid at the window while still without an ID number
    record = register(clerk)
    code = NewbornMedicalCode.objects.get()
    next_year = enrollment_create(
        actor=clerk, resident=record.resident, details=PaymentDetails(insurance_year=2027, payment_date=D(2026, 11, 20))
    )
    client.force_login(clerk)
    # when
    page = client.get(f"/window/enrollments/{next_year.pk}/receipt/").content.decode()
    # then the A4 缴费凭证 with its number
    assert "城乡居民基本医疗保险缴费凭证" in page
    assert f"<th>新生儿医保码</th><td>{code.code}（已过期）</td>" in page
    assert f"<th>医保码有效期</th><td>2026年3月1日 至 2026年8月28日（出生后180天，{SOURCE}）</td>" in page


@pytest.mark.django_db
def test_r7_5_a_receipt_of_another_enrollment_shows_no_code(client, clerk, yujing_resident):
    # given
    register(clerk)
    own = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    client.force_login(clerk)
    # when
    page = client.get(f"/window/enrollments/{own.pk}/receipt/").content.decode()
    # then
    assert "新生儿医保码" not in page


# --- The API: the newborn's representation and the check of a code -------------------------------------------


@pytest.mark.django_db
def test_r7_5_the_newborn_in_the_api_carries_its_code(clerk):
    # given
    record = register(clerk)
    code = NewbornMedicalCode.objects.get()
    # when
    body = token_client(clerk).get(f"/api/v1/newborns/{record.birth_certificate_no}/").json()
    # then
    assert body["medical_code"] == {
        "code": code.code,
        "valid_from": "2026-03-01",
        "valid_until": "2026-08-28",
        "status": "expired",
        "status_label": "已过期",
        "revoked_at": None,
        "revocation_reason": "",
    }


@pytest.mark.django_db
def test_r7_5_a_newborn_registered_with_its_id_number_has_no_code_in_the_api(clerk):
    # given
    record = register(clerk, id_number=BABY_ID)
    # when
    body = token_client(clerk).get(f"/api/v1/newborns/{record.birth_certificate_no}/").json()
    # then
    assert body["medical_code"] is None


def check(user, code):
    return token_client(user).get(f"/api/v1/newborns/medical-codes/{code}/")


@pytest.mark.django_db
def test_r7_5_check_a_valid_code_says_for_whom_and_until_when_and_is_recorded(clerk):
    # given
    record = recent_birth(clerk)
    code = NewbornMedicalCode.objects.get()
    PersonalDataView.objects.all().delete()
    # when
    response = check(clerk, code.code.lower())
    # then
    assert response.status_code == 200
    body = response.json()
    today = timezone.localdate()
    assert {key: body[key] for key in ("code", "valid", "status", "status_label", "as_of", "name", "id_number")} == {
        "code": code.code,
        "valid": True,
        "status": "valid",
        "status_label": "有效",
        "as_of": today.isoformat(),
        "name": "刘*满",
        "id_number": f"{MOTHER_ID}B",
    }
    assert (body["valid_from"], body["valid_until"]) == (
        (today - datetime.timedelta(days=30)).isoformat(),
        (today + datetime.timedelta(days=150)).isoformat(),
    )
    assert body["explanation"][1] == {"rule": "R7.5", "text": body["explanation"][1]["text"], "source": SOURCE}
    assert body["explanation"][1]["text"].endswith("在有效期内，还可使用150天")
    path = f"/api/v1/newborns/medical-codes/{code.code.lower()}/"
    assert list(PersonalDataView.objects.values_list("user", "reason", "path", "resident", "id_number")) == [
        (clerk.pk, "api_call", path, record.resident.pk, f"{MOTHER_ID}B")
    ]


@pytest.mark.django_db
def test_r7_5_check_an_expired_code_answers_not_valid(clerk):
    # given
    register(clerk)
    code = NewbornMedicalCode.objects.get()
    # when
    body = check(clerk, code.code).json()
    # then
    assert (body["valid"], body["status"], body["status_label"], body["valid_until"]) == (
        False,
        "expired",
        "已过期",
        "2026-08-28",
    )


@pytest.mark.django_db
def test_r7_5_check_a_revoked_code_answers_not_valid_with_the_reason(clerk):
    # given
    record = recent_birth(clerk)
    born = record.birth_date
    baby_id = id_number_compose(address_code=SHANYIN, birth_date=born, sequence=12)
    newborn_identity_complete(actor=clerk, record=record, id_number=baby_id)
    code = NewbornMedicalCode.objects.get()
    # when
    body = check(clerk, code.code).json()
    # then
    assert (body["valid"], body["status"], body["status_label"], body["revocation_reason"], body["id_number"]) == (
        False,
        "revoked",
        "已停用",
        "已补录身份证号",
        baby_id,
    )


@pytest.mark.django_db
def test_r7_5_check_an_unknown_code_answers_404(clerk):
    # given
    register(clerk)
    PersonalDataView.objects.all().delete()
    # when
    response = check(clerk, "140621-AAAA-BBBB-CCCC-DDDD")
    # then
    assert response.status_code == 404
    assert PersonalDataView.objects.count() == 0


@pytest.mark.django_db
def test_r7_5_check_a_code_of_another_county_answers_404_like_an_unknown_one(clerk):
    # given
    recent_birth(clerk)
    code = NewbornMedicalCode.objects.get()
    yingxian_clerk = make_user("yingxian", Role.WINDOW_CLERK, "140622")
    PersonalDataView.objects.all().delete()
    # when
    response = check(yingxian_clerk, code.code)
    # then
    assert response.status_code == 404
    assert PersonalDataView.objects.count() == 0


@pytest.mark.django_db
def test_r7_5_city_staff_see_the_check_with_the_number_masked_and_nothing_recorded(clerk, city_staff):
    # given
    recent_birth(clerk)
    code = NewbornMedicalCode.objects.get()
    PersonalDataView.objects.all().delete()
    # when
    body = check(city_staff, code.code).json()
    # then
    masked = f"{MOTHER_ID[:6]}********{MOTHER_ID[14:]}B"
    assert (body["valid"], body["name"], body["id_number"]) == (True, "刘*满", masked)
    assert PersonalDataView.objects.count() == 0


@pytest.mark.django_db
def test_r7_5_the_check_is_in_the_openapi_schema(clerk):
    # when
    schema = token_client(clerk).get("/api/schema/", {"format": "json"}).json()
    # then
    operation = schema["paths"]["/api/v1/newborns/medical-codes/{code}/"]["get"]
    assert operation["operationId"] == "newborns_medical_codes_retrieve"
    assert set(schema["components"]["schemas"]["MedicalCodeCheck"]["properties"]) >= {
        "code",
        "valid",
        "status",
        "name",
        "valid_until",
    }
