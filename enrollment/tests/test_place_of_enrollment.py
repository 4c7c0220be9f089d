"""R13.0a: the place of enrollment (参保地): the household county by default, or the county of residence or work with
its proof; one active enrollment per person and year in the province, whichever county holds it."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from conftest import YUJING_TOWN, first_village, make_user, token_client
from divisions.models import Division
from enrollment.models import Enrollment, Payment, PolicyParameterSet, Resident
from enrollment.rules import id_number_compose
from enrollment.selectors import enrollment_list, resident_get
from enrollment.services import PaymentDetails, back_payment_add, enrollment_create, resident_create
from newborns.models import BirthRecord
from newborns.services import newborn_register
from reports.selectors.settlement import settlement_compute
from subsidies.selectors import subsidy_ledger
from subsidies.services import hardship_identity_create
from targets.models import Target
from targets.services.progress import progress_compute, township_counts_read
from uninsured.models import UninsuredPerson
from uninsured.selectors import uninsured_ledger_counts, uninsured_ledger_rows

pytestmark = pytest.mark.django_db
place_forward = importlib.import_module("enrollment.migrations.0029_enrolling_county_from_household")
D = datetime.date
SHANYIN, YINGXIAN, YOUYU = "140621", "140622", "140623"
PERMIT = {
    "enrolling_county": YINGXIAN,
    "enrollment_basis": "residence",
    "basis_document_no": "140622202400123",
    "basis_valid_from": D(2024, 9, 1),
    "basis_valid_to": D(2027, 8, 31),
}


@pytest.fixture
def yingxian_figures():
    """应县 sets its own 2026 standard (a figure of this test, not of a real notice)."""
    return PolicyParameterSet.objects.create(
        region_id=YINGXIAN,
        insurance_year=2026,
        source_document="应县2026年度城乡居民医保征缴通知",
        effective_from=D(2025, 10, 1),
        contribution_standard=Decimal("420.00"),
    )


@pytest.fixture
def yingxian_clerk(db):
    return make_user("yingxian", Role.WINDOW_CLERK, YINGXIAN)


def enroll(actor, resident, **changes):
    arguments = {"insurance_year": 2026, "payment_date": D(2025, 11, 20), **changes}
    return enrollment_create(actor=actor, resident=resident, details=PaymentDetails(**arguments))


def test_r13_0a_household_county_is_the_default_place(clerk, yujing_resident):
    # when no place is named
    enrollment = enroll(clerk, yujing_resident)
    # then it is held in 山阴县 on the household basis, with 山阴's figures and an explanation naming both
    assert (enrollment.enrolling_county_id, enrollment.enrollment_basis) == (SHANYIN, "household")
    assert (enrollment.basis_document_no, enrollment.basis_valid_from, enrollment.basis_valid_to) == ("", None, None)
    assert enrollment.contribution_standard == Decimal("400.00")
    assert enrollment.explanation[-1] == {
        "rule": "R13.0a",
        "text": "在户籍地山阴县参保，适用山阴县的缴费标准和政策",
        "source": "山政办发〔2025〕17号",
    }


def test_r13_0a_residence_permit_in_another_county_uses_that_countys_figures(
    yingxian_clerk, yujing_resident, yingxian_figures
):
    # when a 山阴 resident living in 应县 with a residence permit pays there
    enrollment = enroll(yingxian_clerk, yujing_resident, **PERMIT)
    # then 应县 holds it and its standard applies
    assert (enrollment.enrolling_county_id, enrollment.enrollment_basis) == (YINGXIAN, "residence")
    assert (enrollment.basis_document_no, enrollment.basis_valid_to) == ("140622202400123", D(2027, 8, 31))
    assert (enrollment.contribution_standard, enrollment.individual_due) == (Decimal("420.00"), Decimal("420.00"))
    assert enrollment.explanation[-1] == {
        "rule": "R13.0a",
        "text": "以居住地（居住证）为依据在应县参保（居住证号140622202400123），适用应县的缴费标准和政策",
        "source": "应县2026年度城乡居民医保征缴通知",
    }
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("420.00")]


def test_r13_0a_expired_residence_permit_is_refused_and_nothing_written(
    yingxian_clerk, yujing_resident, yingxian_figures
):
    # when the permit ran out before the payment date
    with pytest.raises(ValidationError) as refusal:
        enroll(yingxian_clerk, yujing_resident, **{**PERMIT, "basis_valid_to": D(2025, 6, 30)})
    # then
    assert refusal.value.message_dict == {
        "basis_valid_to": [
            "居住证有效期为2024年9月1日至2025年6月30日，缴费日期2025年11月20日不在有效期内，不能在应县参保。"
        ]
    }
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


def test_r13_0a_another_county_without_a_basis_or_document_is_refused(yingxian_clerk, yujing_resident):
    # when 应县 is named on the household basis, then on a residence basis with no permit number
    with pytest.raises(ValidationError) as household:
        enroll(yingxian_clerk, yujing_resident, enrolling_county=YINGXIAN)
    with pytest.raises(ValidationError) as undocumented:
        enroll(yingxian_clerk, yujing_resident, **{**PERMIT, "basis_document_no": " "})
    # then each is refused on its field and nothing is written
    assert household.value.message_dict == {
        "basis": ["应县不是该居民的户籍地，在户籍地以外参保须选择居住地、就业地或新生儿随父母常住地作为参保依据。"]
    }
    assert undocumented.value.message_dict == {"basis_document_no": ["以居住地（居住证）为依据参保，须填写居住证号。"]}
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


def test_r13_0a_a_county_that_is_not_a_county_of_the_province_is_refused(clerk, yujing_resident):
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, enrolling_county="110105", enrollment_basis="employment")
    assert refusal.value.message_dict == {"enrolling_county": ["参保地应为本省的县（市、区），请填写6位县级区划代码。"]}
    assert Enrollment.objects.count() == 0


def test_r13_0a_employment_in_another_county_needs_no_validity_dates(yingxian_clerk, yujing_resident):
    enrollment = enroll(
        yingxian_clerk,
        yujing_resident,
        enrolling_county=YINGXIAN,
        enrollment_basis="employment",
        basis_document_no="JY-2025-0087",
    )
    assert (enrollment.enrolling_county_id, enrollment.enrollment_basis) == (YINGXIAN, "employment")
    assert (
        enrollment.explanation[-1]["text"]
        == "以就业地为依据在应县参保（就业证明编号JY-2025-0087），适用应县的缴费标准和政策"
    )


def test_r13_0a_second_county_is_refused_naming_the_first(clerk, yingxian_clerk, yujing_resident):
    # given 2026 held in 山阴县
    first = enroll(clerk, yujing_resident)
    # when 应县 takes the same person's 2026 payment on a residence permit
    with pytest.raises(ValidationError) as refusal:
        enroll(yingxian_clerk, yujing_resident, **PERMIT)
    # then
    assert refusal.value.message_dict == {"non_field_errors": ["该居民2026年度已在山阴县参保，不能重复参保。"]}
    assert list(Enrollment.objects.values_list("pk", "enrolling_county_id")) == [(first.pk, SHANYIN)]
    assert Payment.objects.count() == 1


def test_r13_0a_second_county_is_refused_by_the_database_itself(clerk, yujing_resident):
    # given 2026 held in 山阴县
    first = enroll(clerk, yujing_resident)
    # when a second active row for the same person and year, held in 应县, is inserted past the service
    second = Enrollment.objects.get(pk=first.pk)
    second.pk = None
    second.enrolling_county_id = YINGXIAN
    second.enrollment_basis = "residence"
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    # and a second record of the same person (ID number) is registered in 应县's territory
    twin = Resident.objects.get(pk=yujing_resident.pk)
    twin.pk = None
    twin.household_division_id = "140622100"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # then the province keeps one person and one enrollment
    assert list(Enrollment.objects.values_list("pk", flat=True)) == [first.pk]
    assert Resident.objects.count() == 1


def test_r13_0a_api_second_county_is_400_naming_the_first(clerk, yingxian_clerk, yujing_resident):
    # given 2026 held in 山阴县, through the API
    body = {"id_number": yujing_resident.id_number, "insurance_year": 2026, "payment_date": "2025-11-20"}
    created = token_client(clerk).post("/api/v1/enrollments/", body, format="json")
    assert created.status_code == 201
    assert (created.json()["county"], created.json()["basis"]) == (SHANYIN, "household")
    # when 应县 posts the same person with a residence permit
    second = token_client(yingxian_clerk).post(
        "/api/v1/enrollments/",
        {
            **body,
            "county": YINGXIAN,
            "basis": "residence",
            "basis_document_no": "140622202400123",
            "basis_valid_from": "2024-09-01",
            "basis_valid_to": "2027-08-31",
        },
        format="json",
    )
    # then
    assert second.status_code == 400
    assert second.json() == {"non_field_errors": ["该居民2026年度已在山阴县参保，不能重复参保。"]}
    assert (Enrollment.objects.count(), Payment.objects.count()) == (1, 1)


def test_r13_0a_api_enrolls_in_the_county_of_residence(yingxian_clerk, yujing_resident, yingxian_figures):
    # when the 应县 clerk posts a 山阴 resident with a residence permit
    created = token_client(yingxian_clerk).post(
        "/api/v1/enrollments/",
        {
            "id_number": yujing_resident.id_number,
            "insurance_year": 2026,
            "payment_date": "2025-11-20",
            "county": YINGXIAN,
            "basis": "residence",
            "basis_document_no": "140622202400123",
            "basis_valid_from": "2024-09-01",
            "basis_valid_to": None,
        },
        format="json",
    )
    # then
    assert created.status_code == 201
    body = created.json()
    assert (body["county"], body["basis"], body["contribution_standard"]) == (YINGXIAN, "residence", "420.00")
    assert body["explanation"][-1]["rule"] == "R13.0a"


def test_r13_0a_api_refusal_answers_on_the_request_field(yingxian_clerk, yujing_resident):
    refused = token_client(yingxian_clerk).post(
        "/api/v1/enrollments/",
        {
            "id_number": yujing_resident.id_number,
            "insurance_year": 2026,
            "payment_date": "2025-11-20",
            "county": YINGXIAN,
            "basis": "residence",
            "basis_document_no": "",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"basis_document_no": ["以居住地（居住证）为依据参保，须填写居住证号。"]}
    assert Enrollment.objects.count() == 0


def test_r13_0a_api_without_a_basis_another_countys_person_does_not_exist(yingxian_clerk, yujing_resident):
    # when the 应县 clerk names a 山阴 person with no basis: as for any person outside their scope
    client = token_client(yingxian_clerk)
    refused = client.post(
        "/api/v1/enrollments/",
        {"id_number": yujing_resident.id_number, "insurance_year": 2026, "payment_date": "2025-11-20"},
        format="json",
    )
    unknown = client.post(
        "/api/v1/enrollments/",
        {
            "id_number": "140622198503120013",
            "insurance_year": 2026,
            "payment_date": "2025-11-20",
            "county": YINGXIAN,
            "basis": "residence",
            "basis_document_no": "X1",
            "basis_valid_from": "2024-01-01",
        },
        format="json",
    )
    # then both answer alike
    assert refused.status_code == unknown.status_code == 400
    assert refused.json() == unknown.json() == {"id_number": ["没有找到该身份证号的居民，请先登记居民档案。"]}
    assert Enrollment.objects.count() == 0


def test_r13_0a_scope_enrolling_county_sees_the_enrollment_third_county_does_not(
    clerk, yingxian_clerk, yujing_resident
):
    # given a 山阴 resident enrolled in 应县
    enrollment = enroll(yingxian_clerk, yujing_resident, **PERMIT)
    youyu_clerk = make_user("youyu", Role.WINDOW_CLERK, YOUYU)
    # then 应县 lists the enrollment, 右玉县 does not, 山阴县 sees it and keeps the person's record
    assert list(enrollment_list(user=yingxian_clerk)) == [enrollment]
    assert list(enrollment_list(user=youyu_clerk)) == []
    assert list(enrollment_list(user=clerk)) == [enrollment]
    assert resident_get(user=clerk, id_number=yujing_resident.id_number) == yujing_resident
    assert resident_get(user=yingxian_clerk, id_number=yujing_resident.id_number) is None
    # and over the API: 应县 and 山阴 read it, 右玉 gets 404 as for an enrollment that does not exist
    path = f"/api/v1/enrollments/{enrollment.pk}/"
    youyu = token_client(youyu_clerk)
    assert token_client(yingxian_clerk).get(path).status_code == 200
    assert token_client(clerk).get(path).status_code == 200
    assert youyu.get(path).json() == youyu.get("/api/v1/enrollments/999999/").json()
    assert youyu.get(path).status_code == 404


# --- Newborns, reports and ledgers count an enrollment where it is held -------------------------------------------

BIRTH = D(2026, 3, 1)


@pytest.fixture
def newborn_in_yingxian(clerk):
    """A 山阴 baby registered by 山阴 and enrolled in 应县, the county where the mother lives on a residence permit."""
    mother = resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24),
        name="刘芳",
        household_division=first_village(YUJING_TOWN),
    )
    record, _ = newborn_register(
        actor=clerk,
        birth_certificate_no="P140012345",
        name="刘小满",
        gender="F",
        birth_date=BIRTH,
        mother_id_number=mother.id_number,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 3, 20),
        enrolling_county=YINGXIAN,
        basis_document_no="140622202300456",
        basis_valid_from=D(2023, 5, 1),
    )
    return record


def test_r13_0a_newborn_enrolls_in_the_parents_county_of_residence(newborn_in_yingxian):
    enrollment = newborn_in_yingxian.enrollment
    assert (enrollment.enrolling_county_id, enrollment.enrollment_basis) == (YINGXIAN, "parent_residence")
    assert (enrollment.subsidy_category, enrollment.individual_due) == ("newborn_programme", Decimal("0.00"))
    assert enrollment.explanation[-1]["text"] == (
        "以新生儿随父母常住地为依据在应县参保（父（母）居住证号140622202300456），适用应县的缴费标准和政策"
    )
    # the baby's record stays with the household
    assert newborn_in_yingxian.resident.household_division_id.startswith(SHANYIN)


def test_r13_0a_newborn_in_the_parents_county_needs_the_permit(clerk):
    mother = resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24),
        name="刘芳",
        household_division=first_village(YUJING_TOWN),
    )
    with pytest.raises(ValidationError) as refusal:
        newborn_register(
            actor=clerk,
            birth_certificate_no="P140012345",
            name="刘小满",
            gender="F",
            birth_date=BIRTH,
            mother_id_number=mother.id_number,
            division=first_village(YUJING_TOWN),
            registration_date=D(2026, 3, 20),
            enrolling_county=YINGXIAN,
        )
    assert refusal.value.message_dict == {
        "basis_document_no": ["以新生儿随父母常住地为依据参保，须填写父（母）居住证号。"]
    }
    assert (BirthRecord.objects.count(), Enrollment.objects.count()) == (0, 0)


def test_r13_0a_settlement_counts_the_newborn_once_in_the_county_holding_it(newborn_in_yingxian):
    # when the 2026 settlement of 朔州 is computed
    rows = settlement_compute(year=2026, city_code="1406")
    # then 应县 counts the baby at every level and 山阴县 does not
    counted = {(row.county_code, row.level): row.actual_people for row in rows if row.actual_people}
    assert counted == {(YINGXIAN, "province"): 1, (YINGXIAN, "city"): 1, (YINGXIAN, "county"): 1}


def test_r13_0a_newborn_progress_counts_the_enrollment_once_where_held(newborn_in_yingxian):
    # given targets for both counties
    for county in (SHANYIN, YINGXIAN):
        Target.objects.create(
            division_id=county, year=2026, metric="subsidised_newborns", value=100, source_document="测试目标"
        )
    # when progress is computed by county, directly and rolled up from the townships
    direct = progress_compute(year=2026, as_of=D(2026, 6, 30), level="county")
    townships = township_counts_read(year=2026, as_of=D(2026, 6, 30)).programme_newborns
    rolled = progress_compute(year=2026, as_of=D(2026, 6, 30), level="county", township_counts=townships)
    # then the baby is 应县's, not also 山阴's
    assert {row.division_id: row.actual for row in direct} == {SHANYIN: 0, YINGXIAN: 1}
    assert {row.division_id: row.actual for row in rolled} == {SHANYIN: 0, YINGXIAN: 1}


def test_r13_0a_uninsured_ledger_marks_a_year_held_in_another_county(
    clerk, yingxian_clerk, yujing_resident, beizhouzhuang_resident
):
    # given two 山阴 people on 玉井镇's 2026 ledger: one enrolled in 应县, one enrolled at home
    enroll(yingxian_clerk, yujing_resident, **PERMIT)
    enroll(clerk, beizhouzhuang_resident)
    township = Division.objects.get(code=YUJING_TOWN)
    for person in (yujing_resident, beizhouzhuang_resident):
        UninsuredPerson.objects.create(
            township=township, year=2026, name=person.name, id_number=person.id_number, village=None
        )
    # when the ledger is read
    rows = {row[0]: (row[4], row[10]) for row in uninsured_ledger_rows(user=clerk, township=township, year=2026)}
    counts = uninsured_ledger_counts(township=township, year=2026)
    # then the 应县 enrollment is marked 已在外地参保 with its county; the one at home is not
    assert rows == {"王玉井": ("已在外地参保", "应县"), "李北周": ("", "")}
    assert [(reason.label, reason.people) for reason in counts.reasons if reason.people] == [
        ("已在外地参保", 1),
        ("未填写原因", 1),
    ]
    assert counts.enrolled == 2


def test_r13_0a_only_the_county_holding_the_enrollment_refunds_it(clerk, yingxian_clerk, yujing_resident):
    # given a 山阴 resident's 2026 enrollment held in 应县
    enrollment = enroll(yingxian_clerk, yujing_resident, **PERMIT)
    # when 山阴县, which reads it, asks for a refund
    refused = token_client(clerk).post(
        f"/api/v1/enrollments/{enrollment.pk}/refund/", {"reason": "employee_insured", "date": "2026-02-01"}
    )
    # then it is refused naming the county holding it, and nothing changed
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["该参保记录由应县办理，请到参保地申请退费。"]}
    assert Enrollment.objects.get().status == "active"
    assert Payment.objects.count() == 1


def test_r13_0a_back_payment_uses_the_holding_countys_figures_and_keeps_the_place(
    yingxian_clerk, yujing_resident, yingxian_figures
):
    # given 2026 held in 应县 after a 2025 break
    enrollment = enroll(yingxian_clerk, yujing_resident, **PERMIT)
    # when the missed year is back-paid (R4.5)
    repaired = back_payment_add(actor=yingxian_clerk, enrollment=enrollment, years=1, payment_date=D(2025, 11, 24))
    # then at 应县's standard, and the explanation still names where and why it is held
    assert (repaired.back_payment_due, repaired.enrolling_county_id) == (Decimal("420.00"), YINGXIAN)
    assert [entry["rule"] for entry in repaired.explanation].count("R13.0a") == 1
    assert repaired.explanation[-1]["text"].startswith("以居住地（居住证）为依据在应县参保")


def test_r13_0a_window_of_the_county_of_residence_finds_the_person_only_with_a_basis(
    client, yingxian_clerk, yujing_resident, yingxian_figures
):
    client.force_login(yingxian_clerk)
    # when 应县's window looks the 山阴 person up without and with a basis
    without = client.get("/window/", {"id_number": yujing_resident.id_number})
    found = client.get("/window/", {"id_number": yujing_resident.id_number, "basis": "residence"})
    # then only the search with a basis opens the person's window page
    assert without.status_code == 200
    assert "本辖区没有该身份证号的居民档案" in without.content.decode()
    page_url = f"/window/residents/{yujing_resident.pk}/?basis=residence"
    assert found["Location"] == page_url
    assert client.get(f"/window/residents/{yujing_resident.pk}/").status_code == 404
    # when the payment is taken on the residence permit
    payment = {
        "insurance_year": "2026",
        "payment_date": "2025-11-20",
        "back_paid_years": "0",
        "channel": "window",
        "enrolling_county": YINGXIAN,
        "enrollment_basis": "residence",
        "basis_document_no": "140622202400123",
        "basis_valid_from": "2024-09-01",
        "basis_valid_to": "",
    }
    quote = client.post(page_url, {**payment, "action": "quote"}).content.decode()
    paid = client.post(page_url, {**payment, "action": "pay"})
    # then the quote names the place, and the enrollment is 应县's
    assert "以居住地（居住证）为依据在应县参保（居住证号140622202400123）" in quote
    assert "¥420.00" in quote
    enrollment = Enrollment.objects.get()
    assert paid["Location"] == f"/window/enrollments/{enrollment.pk}/receipt/"
    assert (enrollment.enrolling_county_id, enrollment.enrollment_basis) == (YINGXIAN, "residence")
    receipt = client.get(paid["Location"]).content.decode()
    assert "<tr><th>参保地</th><td>应县</td></tr>" in receipt
    assert "<tr><th>参保依据</th><td>居住地（居住证）（140622202400123）</td></tr>" in receipt


def test_r13_0a_migration_places_recorded_enrollments_in_the_household_county(
    clerk, yujing_resident, beizhouzhuang_resident
):
    # The migration's function runs on today's models, whose enrollments must name their county: their history rows,
    # which may not, stand for the rows recorded before the place of enrollment was kept.
    # given two enrollments whose history rows do not say where they are held
    for person in (yujing_resident, beizhouzhuang_resident):
        enroll(clerk, person)
    Enrollment.history.update(enrolling_county=None, enrollment_basis="")
    # when
    place_forward.household_county_forward(django_apps, None)
    # then each is placed in the person's household county on the household basis
    assert sorted(Enrollment.history.values_list("resident__name", "enrolling_county_id", "enrollment_basis")) == [
        ("李北周", SHANYIN, "household"),
        ("王玉井", SHANYIN, "household"),
    ]


def test_r13_0a_subsidy_ledger_counts_the_enrollment_in_the_county_holding_it(clerk, yingxian_clerk, yujing_resident):
    # given 应县 subsidises dibao as 山阴 does, and a 山阴 dibao holder enrolls in 应县 on a residence permit
    shanyin_table = PolicyParameterSet.objects.get(region_id=SHANYIN, insurance_year=2026)
    PolicyParameterSet.objects.create(
        region_id=YINGXIAN,
        insurance_year=2026,
        source_document="应县2026年度城乡居民医保征缴通知",
        effective_from=D(2025, 10, 1),
        hardship_tiers=shanyin_table.hardship_tiers,
        hardship_source="应县困难群众参保资助文件（测试）",
    )
    hardship_identity_create(
        actor=clerk, resident=yujing_resident, category="dibao", department="民政", valid_from=D(2025, 1, 1)
    )
    enrollment = enroll(yingxian_clerk, yujing_resident, **PERMIT)
    assert enrollment.subsidy_category == "dibao"
    # when each county's 2026 ledger is read
    province = make_user("province", Role.PROVINCE_STAFF, "14")
    shanyin = subsidy_ledger(user=province, county_code=SHANYIN, year=2026)
    yingxian = subsidy_ledger(user=province, county_code=YINGXIAN, year=2026)
    # then the subsidy is 应县's, once
    assert (shanyin.total.people, yingxian.total.people) == (0, 1)
    assert yingxian.total.subsidy_total == enrollment.subsidy_amount


def test_r13_0a_birth_platform_enrolls_the_newborn_in_the_parents_county_of_residence(clerk):
    # given the mother of a 山阴 baby lives in 应县 on a residence permit
    mother_id = id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24)
    newborn = {
        "birth_certificate_no": "P140099001",
        "name": "刘小满",
        "gender": "M",
        "birth_date": "2026-03-01",
        "mother_id_number": mother_id,
        "id_number": None,
        "division": first_village(YUJING_TOWN).code,
        "registration_date": "2026-03-20",
    }
    api = token_client(clerk)
    # when the birth platform posts the birth with 应县 and the permit, and another with a county that is none
    refused = api.post("/api/v1/newborns/", {**newborn, "county": "140699"}, format="json")
    created = api.post(
        "/api/v1/newborns/",
        {**newborn, "county": YINGXIAN, "basis_document_no": "140622202300456", "basis_valid_from": "2023-05-01"},
        format="json",
    )
    # then the first is refused on the county, writing nothing, and the second is enrolled in 应县
    assert refused.status_code == 400
    assert refused.json() == {"county": ["参保地应为本省的县（市、区），请填写6位县级区划代码。"]}
    assert created.status_code == 201
    enrollment = created.json()["enrollment"]
    assert (enrollment["county"], enrollment["basis"], enrollment["individual_due"]) == (
        YINGXIAN,
        "parent_residence",
        "0.00",
    )
    assert (BirthRecord.objects.count(), Enrollment.objects.count()) == (1, 1)


def test_r13_0a_a_clerk_does_not_take_a_payment_for_a_county_outside_their_scope(clerk, yujing_resident):
    # when 山阴's clerk records its own resident's payment as held in 应县
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, yujing_resident, **PERMIT)
    # then
    assert refusal.value.message_dict == {"enrolling_county": ["参保地不在您的管辖范围内，请由参保地经办机构办理。"]}
    assert (Enrollment.objects.count(), Payment.objects.count()) == (0, 0)


def test_r13_0a_the_household_county_reads_where_each_year_is_held(
    client, clerk, yingxian_clerk, yujing_resident, yingxian_figures
):
    # given 2026 held in 应县 on a residence permit, and 2027 at home
    enroll(yingxian_clerk, yujing_resident, **PERMIT)
    enroll(clerk, yujing_resident, insurance_year=2027, payment_date=D(2026, 11, 20))
    client.force_login(clerk)
    # when 山阴's clerk opens the person's record
    page = client.get(f"/residents/{yujing_resident.pk}/").content.decode()
    # then each year names the county holding it and the basis
    assert "<td>应县（居住地（居住证））</td>" in page
    assert "<td>山阴县（户籍地）</td>" in page


@pytest.mark.parametrize(("path", "doing"), [("refund/", "申请退费"), ("balance/", "缴费")], ids=["refund", "balance"])
def test_r13_0a_the_household_windows_money_pages_send_to_the_county_holding_the_year(
    client, clerk, yingxian_clerk, yujing_resident, yingxian_figures, path, doing
):
    # given 2026 held in 应县 on a residence permit
    enrollment = enroll(yingxian_clerk, yujing_resident, **PERMIT)
    payments = Payment.objects.count()
    client.force_login(clerk)
    # when 山阴's window asks to change its money
    response = client.post(f"/window/enrollments/{enrollment.pk}/{path}", follow=True)
    # then it is sent back to the person's page, told where to go, and nothing is written
    assert response.redirect_chain == [(f"/window/residents/{yujing_resident.pk}/", 302)]
    assert f"该参保记录由应县办理，请到参保地{doing}。" in response.content.decode()
    assert Payment.objects.count() == payments
