"""The 1101 answer from canbao's own data (LocalPersonQuery): insurance types 390/392 from the enrollments (R4.1,
R5, R13.0a), 310 from the employee years (R8.2), person identities from the hardship identities (R6.1), in the
asker's scope."""

import datetime
import zoneinfo

import pytest

from accounts.models import Role
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.models import Enrollment, EnrollmentStatus
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, employee_insured_years_record, enrollment_create
from national.person_query import LocalPersonQuery, PersonAsked, PersonNotFound
from national.rules import (
    BaseInformation,
    IdentityInformation,
    InsuranceInformation,
    age_on,
    person_information_compute,
)
from newborns.services import newborn_register
from subsidies.services import hardship_identity_create

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 12, 4, 10, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
YINGXIAN = "140622"


def asked(resident_or_number, name=""):
    number = getattr(resident_or_number, "id_number", resident_or_number)
    return PersonAsked(certificate_type="01", certificate_number=number, name=name)


def ask(user, resident_or_number, name="", identity_codes=None):
    query = LocalPersonQuery(user=user, identity_codes=identity_codes or {})
    return query.person_get(asked=asked(resident_or_number, name), now=NOW)


def resident_row(status, insured_date, suspended_date=None, insurance_type="390"):
    return InsuranceInformation(
        insurance_type=insurance_type,
        status=status,
        insured_date=insured_date,
        suspended_date=suspended_date,
        insured_place=SHANYIN,
        person_type="",
        employer_name="",
        civil_servant="0",
    )


def test_a_resident_with_a_paid_year_is_insured_under_390_and_392_in_the_enrolling_county(clerk, yujing_resident):
    # given 2026 paid in its collection period
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # when
    information = ask(clerk, yujing_resident, name="王玉井")
    # then
    assert information.base == BaseInformation(
        person_number=f"{SHANYIN}{yujing_resident.pk:014d}",
        certificate_type="01",
        certificate_number=yujing_resident.id_number,
        name="王玉井",
        gender="1",
        birth_date=D(1985, 3, 12),
        nationality="",
        age=41,
    )
    assert information.insurance == (
        resident_row("1", D(2025, 11, 20)),
        resident_row("1", D(2025, 11, 20), insurance_type="392"),
    )
    assert information.identities == ()
    assert [(entry.rule, entry.text) for entry in information.explanation] == [
        ("R13.4", "性别、出生日期取自身份证号；年龄按2026年12月4日计算。"),
        (
            "R4.1",
            "城乡居民基本医疗保险（390）：有效参保年度2026年；参保状态为正常参保；"
            "参保日期取最早一个有效年度的缴费日期2025年11月20日。",
        ),
        ("R13.0a", "参保地为2026年度参保记录所在的山阴县（140621）。"),
        (
            "R5.1",
            "城乡居民大病医疗保险（392）随基本医疗保险：2026年度大病保险最高支付限额397,000.00元，状态与日期同390。",
        ),
    ]


def test_a_voided_year_counts_for_nothing_and_the_last_paid_year_suspends_from_the_next_january(clerk, yujing_resident):
    # given 2025 paid, and 2026 paid then voided (已作废)
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2025, payment_date=D(2024, 11, 20))
    )
    voided = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    Enrollment.objects.filter(pk=voided.pk).update(status=EnrollmentStatus.VOIDED, void_reason="缴费日期有误")
    # when
    information = ask(clerk, yujing_resident)
    # then
    assert information.insurance == (
        resident_row("2", D(2024, 11, 20), D(2026, 1, 1)),
        resident_row("2", D(2024, 11, 20), D(2026, 1, 1), insurance_type="392"),
    )
    assert information.explanation[1].text == (
        "城乡居民基本医疗保险（390）：有效参保年度2025年；2026年度起未参保，参保状态为暂停参保，"
        "暂停日期2026年1月1日；参保日期取最早一个有效年度的缴费日期2024年11月20日。"
    )


def test_a_person_whose_only_year_is_voided_has_no_insurance(clerk, yujing_resident):
    # given
    voided = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    Enrollment.objects.filter(pk=voided.pk).update(status=EnrollmentStatus.VOIDED, void_reason="缴费日期有误")
    # when
    information = ask(clerk, yujing_resident)
    # then
    assert information.insurance == ()
    assert information.explanation[-1].text == "本系统中该人员没有有效的参保记录。"


def test_employee_insured_years_answer_310_suspended_from_the_stop_date(clerk, yujing_resident):
    # given the employee system's stop list: insured 2024 and 2025, stopped 2025-06-30
    employee_insured_years_record(
        actor=clerk, resident=yujing_resident, years=[2024, 2025], source="import", exit_date=D(2025, 6, 30)
    )
    # when
    information = ask(clerk, yujing_resident)
    # then
    assert information.insurance == (
        InsuranceInformation(
            insurance_type="310",
            status="2",
            insured_date=D(2024, 1, 1),
            suspended_date=D(2025, 6, 30),
            insured_place="",
            person_type="",
            employer_name="",
            civil_servant="",
        ),
    )
    assert (information.explanation[-1].rule, information.explanation[-1].text) == (
        "R8.2",
        "职工基本医疗保险（310）：登记的职工医保参保年度2024年、2025年；参保状态为暂停参保，"
        "暂停日期2025年6月30日（职工医保停保日期）；参保日期取最早年度的1月1日，单位名称和参保地本系统未登记。",
    )


def test_an_employee_year_of_this_year_without_a_stop_is_insured_under_310(clerk, yujing_resident):
    # given
    employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2026], source="exit")
    # when
    information = ask(clerk, yujing_resident)
    # then
    assert [
        (row.insurance_type, row.status, row.insured_date, row.suspended_date) for row in information.insurance
    ] == [("310", "1", D(2026, 1, 1), None)]


def test_hardship_identities_are_person_identities_with_the_provinces_codes(clerk, yujing_resident):
    # given a 低保 identity, coded in the province's dictionary, and a disability, not coded
    hardship_identity_create(
        actor=clerk, resident=yujing_resident, category="dibao", department="民政", valid_from=D(2026, 1, 1)
    )
    hardship_identity_create(
        actor=clerk,
        resident=yujing_resident,
        category="disability",
        disability_grade=3,
        department="残联",
        valid_from=D(2025, 3, 1),
        valid_to=D(2026, 2, 28),
    )
    # when
    information = ask(clerk, yujing_resident, identity_codes={"dibao": "2102"})
    # then
    assert information.identities == (
        IdentityInformation(
            identity_type="",
            level="3",
            description="残疾人（按等级）（3级）",
            begins=D(2025, 3, 1),
            ends=D(2026, 2, 28),
        ),
        IdentityInformation(identity_type="2102", level="", description="低保对象", begins=D(2026, 1, 1), ends=None),
    )
    assert information.explanation[-1].text == (
        "人员身份取自本系统登记的困难身份，共2条。残疾人（按等级）尚未配置省级人员身份类别代码，"
        "psn_idet_type 为空，身份写在 memo 中。"
    )


def test_a_newborn_without_an_id_number_is_not_found_by_certno(clerk):
    # given a birth registered on its certificate, the ID number to come (容缺参保)
    mother_id = id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24)
    baby_id = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 3, 1), sequence=11)
    birth, _ = newborn_register(
        actor=clerk,
        birth_certificate_no="P140099001",
        name="刘小满",
        gender="M",
        birth_date=D(2026, 3, 1),
        mother_id_number=mother_id,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 3, 20),
    )
    assert birth.resident.id_number_is_placeholder
    # when / then: neither the number the baby will get, nor its placeholder, nor the mother's finds it
    for number in (baby_id, birth.resident.id_number, mother_id):
        with pytest.raises(PersonNotFound):
            ask(clerk, number)


def test_an_unknown_certno_is_not_found(clerk, yujing_resident):
    # given
    unknown = id_number_compose(address_code=SHANYIN, birth_date=D(1970, 1, 1), sequence=99)
    # when / then
    with pytest.raises(PersonNotFound) as raised:
        ask(clerk, unknown)
    assert raised.value.message == (
        "未查询到该证件号码的人员信息（或不在您的管辖范围内；填写姓名时，姓名须与证件号码一致）。"
    )


def test_a_name_that_does_not_match_the_certno_is_not_found(clerk, yujing_resident):
    with pytest.raises(PersonNotFound):
        ask(clerk, yujing_resident, name="王玉")


def test_a_person_outside_the_askers_scope_is_not_found(clerk, yujing_resident):
    # given a clerk of 应县 and a 山阴县 resident with a paid year
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    other_clerk = make_user("yingxian", Role.WINDOW_CLERK, YINGXIAN)
    # when / then
    with pytest.raises(PersonNotFound):
        ask(other_clerk, yujing_resident)


def test_age_is_full_years_on_the_day():
    assert [
        age_on(birth_date=D(1985, 3, 12), today=D(2026, 3, 11)),
        age_on(birth_date=D(1985, 3, 12), today=D(2026, 3, 12)),
    ] == [40, 41]


def test_a_person_whose_record_ended_is_terminated_under_every_type(clerk, yujing_resident):
    # given 2026 paid and employee years, then the person's record marked deceased
    from national.selectors import person_facts_get

    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2024], source="import")
    yujing_resident.status = "deceased"
    yujing_resident.save(update_fields=["status"])
    facts = person_facts_get(user=clerk, id_number=yujing_resident.id_number)
    # when
    information = person_information_compute(facts=facts, identity_codes={}, today=D(2026, 12, 4))
    # then
    assert [(row.insurance_type, row.status, row.suspended_date) for row in information.insurance] == [
        ("390", "4", None),
        ("392", "4", None),
        ("310", "4", None),
    ]
