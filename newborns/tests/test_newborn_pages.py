"""新生儿 pages: registration (R7.1, R7.2), identity completion (R7.5), pre-enrollment and its 登记表 (R7.6), the
follow-up lists with their Excel files, permissions and scope."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.personal_data import id_number_mask
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.models import Enrollment, Payment, Resident
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import BirthRecord, PreEnrollment, PreEnrollmentPlaceholder
from newborns.services import newborn_register, pre_enrollment_create

pytestmark = pytest.mark.django_db
D = datetime.date
MOTHER_ID = "140621199506010246"
BABY_ID = "14062120260301012X"  # born 2026-03-01, a girl
BOY_ID = "140621202603010138"  # born 2026-03-01, a boy
VILLAGE = "140621100200"  # 玉井镇 玉井村委会


@pytest.fixture
def mother(clerk):
    resident = resident_create(
        actor=clerk, id_number=MOTHER_ID, name="刘芳", household_division=first_village(YUJING_TOWN)
    )
    assert resident.id_number == id_number_compose(address_code=SHANYIN, birth_date=D(1995, 6, 1), sequence=24)
    return resident


@pytest.fixture
def enrolled_mother(clerk, mother):
    enrollment_create(
        actor=clerk, resident=mother, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    return mother


def registration(**changes):
    return {
        "birth_certificate_no": "P140012345",
        "name": "刘小满",
        "gender": "F",
        "birth_date": "2026-03-01",
        "mother_id_number": MOTHER_ID,
        "id_number": "",
        "division": VILLAGE,
        "registration_date": "2026-03-20",
        **changes,
    }


def register(clerk, **changes):
    arguments = {
        "birth_certificate_no": "P140012345",
        "name": "刘小满",
        "gender": "F",
        "birth_date": D(2026, 3, 1),
        "mother_id_number": MOTHER_ID,
        "division": first_village(YUJING_TOWN),
        "registration_date": D(2026, 3, 20),
        **changes,
    }
    record, _ = newborn_register(actor=clerk, **arguments)
    return record


def counts():
    return (BirthRecord.objects.count(), Resident.objects.count(), Enrollment.objects.count())


# --- Registration (R7.1, R7.2) ----------------------------------------------------------------------------------


def test_r7_1_r7_2_registration_through_the_page_shows_the_benefit_period_and_the_free_programme(client, clerk, mother):
    # given
    client.force_login(clerk)
    # when
    response = client.post("/newborns/new/", registration())
    # then
    record = BirthRecord.objects.get()
    assert response["Location"] == "/newborns/P140012345/"
    assert (record.channel, record.resident.id_number, record.enrollment.benefit_start) == (
        "window",
        f"{MOTHER_ID}B",
        D(2026, 3, 1),
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "已登记新生儿刘小满：2026年度待遇享受期 2026年3月1日 至 2026年12月31日，"
        "个人缴费¥0.00，¥400.00由财政全额资助（R7.2）。"
    ) in page
    assert f"待落户（临时标识 {id_number_mask(MOTHER_ID)}B）" in page
    assert "2026年1月1日以后出生的新生儿，出生当年个人缴费400.00元由财政全额资助" in page
    assert f'href="/window/enrollments/{record.enrollment.pk}/receipt/"' in page
    assert "补录身份证号" in page


def test_r7_1_registration_form_offers_the_villages_of_the_clerks_county_and_today(client, clerk):
    client.force_login(clerk)
    page = client.get("/newborns/new/").content.decode()
    assert '<option value="140621100200">玉井镇 玉井村委会</option>' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    # no village of another county (应县 140622) is offered as the household; 应县 itself is a place of enrollment
    assert not re.search(r'value="140622\d{3,}"', page)
    assert '<option value="140622">应县（随父母常住地）</option>' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"mother_id_number": "140621199506010247"}, "mother_id_number", "身份证号校验位不正确，请核对后重新输入。"),
        ({"id_number": BOY_ID}, "id_number", "身份证号中的出生日期或性别与出生医学证明不符。"),
        ({"birth_date": "2026-03-21"}, "registration_date", "参保登记日期不能早于出生日期。"),
    ],
)
def test_r7_1_a_refused_registration_shows_the_chinese_message_and_writes_nothing(
    client, clerk, mother, changes, field, message
):
    # given
    client.force_login(clerk)
    before = counts()
    # when
    response = client.post("/newborns/new/", registration(**changes))
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert counts() == before == (0, 1, 0)


def test_r7_1_the_same_certificate_twice_redirects_with_the_message_and_creates_nothing_more(client, clerk, mother):
    # given
    client.force_login(clerk)
    client.post("/newborns/new/", registration())
    before = counts()
    # when
    response = client.post("/newborns/new/", registration(name="别的名字"))
    # then
    assert response["Location"] == "/newborns/P140012345/"
    assert counts() == before == (1, 2, 1)
    assert BirthRecord.objects.get().name == "刘小满"
    page = client.get(response["Location"]).content.decode()
    assert "该出生医学证明已登记（2026年3月20日登记），未重复登记。" in page


def test_r7_1_a_certificate_registered_in_another_county_is_refused_on_the_field(client, clerk, mother):
    # given the certificate was registered by 应县
    yingxian_clerk = make_user("yingxian", "window_clerk", "140622")
    register(yingxian_clerk, division=first_village("140622100"))
    client.force_login(clerk)
    before = counts()
    # when
    response = client.post("/newborns/new/", registration())
    # then
    assert response.context["form"].errors == {"birth_certificate_no": ["该出生医学证明已在其他辖区登记，请核对编号。"]}
    assert counts() == before


def test_r7_1_r7_6_a_township_official_may_not_register_or_pre_enroll(client, clerk, yujing_official, mother):
    # given
    client.force_login(yujing_official)
    # when
    responses = [
        client.get("/newborns/new/"),
        client.post("/newborns/new/", registration()),
        client.get("/newborns/pre-enrollments/new/"),
    ]
    # then
    assert [response.status_code for response in responses] == [403, 403, 403]
    assert counts() == (0, 1, 0)
    assert client.get("/newborns/").status_code == 200


# --- The list, the record, identity completion (R7.5) -----------------------------------------------------------


def test_r7_5_newborn_list_shows_placeholders_and_masks_ids_for_city_staff(client, clerk, city_staff, mother):
    # given
    register(clerk)
    register(clerk, birth_certificate_no="P140012346", name="刘小圆", id_number=BABY_ID)
    client.force_login(city_staff)
    # when
    response = client.get("/newborns/")
    # then
    rows = [
        (record.birth_certificate_no, mother_id, identity, benefit)
        for record, mother_id, identity, benefit in response.context["rows"]
    ]
    assert rows == [
        ("P140012346", "140621********0246", "140621********012X", "2026年度待遇享受期 2026年3月1日 至 2026年12月31日"),
        (
            "P140012345",
            "140621********0246",
            "待落户（临时标识 140621********0246B）",
            "2026年度待遇享受期 2026年3月1日 至 2026年12月31日",
        ),
    ]
    page = response.content.decode()
    assert "出生登记（Alt+N）" not in page


def test_r7_5_newborn_list_search_by_name_mother_and_certificate(client, clerk, mother):
    # given
    register(clerk)
    register(clerk, birth_certificate_no="P140012346", name="刘小圆")
    client.force_login(clerk)
    # when
    by_name = client.get("/newborns/", {"q": "小圆"})
    by_mother = client.get("/newborns/", {"q": MOTHER_ID})
    by_certificate = client.get("/newborns/", {"q": "P140012345"})
    # then
    assert [row[0].name for row in by_name.context["rows"]] == ["刘小圆"]
    assert by_mother.context["page"].paginator.count == 2
    assert by_certificate["Location"] == "/newborns/P140012345/"


def test_r7_5_identity_completion_through_the_page(client, clerk, mother):
    # given
    record = register(clerk)
    resident_pk = record.resident.pk
    client.force_login(clerk)
    # when
    response = client.post("/newborns/P140012345/identity/", {"id_number": BABY_ID})
    # then
    assert response["Location"] == "/newborns/P140012345/"
    resident = Resident.objects.get(pk=resident_pk)
    assert (resident.id_number, resident.id_number_is_placeholder) == (BABY_ID, False)
    page = client.get(response["Location"]).content.decode()
    assert f"已补录身份证号{id_number_mask(BABY_ID)}，临时标识已更新为正式身份证号。" in page
    assert f'<dd class="col-sm-4 id-number">{id_number_mask(BABY_ID)}</dd>' in page
    assert "newborns/P140012345/identity/" not in page


def test_r7_5_a_refused_identity_completion_shows_the_message_and_changes_nothing(client, clerk, mother):
    # given
    record = register(clerk)
    resident = record.resident
    history_before = resident.history.count()
    client.force_login(clerk)
    # when the number is a boy's, the certificate a girl's
    response = client.post("/newborns/P140012345/identity/", {"id_number": BOY_ID})
    # then
    assert response.status_code == 200
    assert "身份证号中的出生日期或性别与出生医学证明不符。" in response.content.decode()
    resident.refresh_from_db()
    record.refresh_from_db()
    assert (resident.id_number, resident.id_number_is_placeholder, record.id_number_completed_at) == (
        f"{MOTHER_ID}B",
        True,
        None,
    )
    assert resident.history.count() == history_before


def test_r7_5_only_clerks_complete_identities(client, clerk, yujing_official, mother):
    register(clerk)
    client.force_login(yujing_official)
    assert client.post("/newborns/P140012345/identity/", {"id_number": BABY_ID}).status_code == 403
    page = client.get("/newborns/P140012345/").content.decode()
    assert "newborns/P140012345/identity/" not in page
    assert Resident.objects.get(id_number=f"{MOTHER_ID}B").id_number_is_placeholder is True


def test_r7_5_r7_6_a_clerk_of_another_county_finds_nothing_and_changes_nothing(client, clerk, enrolled_mother):
    # given a birth and a pre-enrollment of 山阴县
    register(clerk)
    pre_enrollment = pre_enrollment_create(
        actor=clerk,
        mother_id_number=MOTHER_ID,
        expected_delivery_date=D(2026, 10, 1),
        application_date=D(2026, 6, 11),
    )
    client.force_login(make_user("yingxian", "window_clerk", "140622"))
    # when
    responses = [
        client.get("/newborns/P140012345/"),
        client.post("/newborns/P140012345/identity/", {"id_number": BABY_ID}),
        client.get(f"/newborns/pre-enrollments/{pre_enrollment.pk}/"),
        client.post(f"/newborns/pre-enrollments/{pre_enrollment.pk}/terminate/", {"date": "2026-07-01"}),
    ]
    # then
    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert client.get("/newborns/").context["page"].paginator.count == 0
    assert PreEnrollment.objects.get().status == "waiting"
    assert Resident.objects.get(id_number=f"{MOTHER_ID}B").id_number_is_placeholder is True


# --- Births still without an ID number ---------------------------------------------------------------------------


def test_r7_5_awaiting_id_lists_births_60_days_or_older_still_on_a_placeholder(client, clerk, mother):
    # given a birth 70 days ago without an ID number, one 10 days ago, and one 70 days ago with its ID number
    today = timezone.localdate()
    old = today - datetime.timedelta(days=70)
    recent = today - datetime.timedelta(days=10)
    register(clerk, birth_certificate_no="P1", name="刘七十", birth_date=old, registration_date=old)
    register(clerk, birth_certificate_no="P2", name="刘十天", birth_date=recent, registration_date=recent)
    old_id = id_number_compose(address_code=SHANYIN, birth_date=old, sequence=14)
    register(clerk, birth_certificate_no="P3", name="刘有号", birth_date=old, registration_date=old, id_number=old_id)
    client.force_login(clerk)
    # when
    response = client.get("/newborns/awaiting-id/", {"days": "60"})
    # then
    assert [values for _, values in response.context["rows"]] == [
        [
            "P1",
            "刘七十",
            "女",
            old.isoformat(),
            70,
            MOTHER_ID,
            f"{MOTHER_ID}B",
            "玉井镇",
            "玉井村委会",
            old.isoformat(),
        ]
    ]
    assert response.context["days"] == 60
    ten_days = client.get("/newborns/awaiting-id/", {"days": "10"})
    assert [record.birth_certificate_no for record, _ in ten_days.context["rows"]] == ["P1", "P2"]


def test_r7_5_awaiting_id_defaults_to_60_days_and_refuses_other_numbers(client, clerk):
    client.force_login(clerk)
    assert client.get("/newborns/awaiting-id/").context["days"] == 60
    for days in ("0", "3651", "abc"):
        response = client.get("/newborns/awaiting-id/", {"days": days})
        assert response.status_code == 400
        assert "天数应为1至3650之间的整数。" in response.content.decode()


def test_r7_5_awaiting_id_export_is_a_ledger_with_id_numbers_as_text(client, clerk, mother):
    # given
    old = timezone.localdate() - datetime.timedelta(days=70)
    register(clerk, birth_certificate_no="P1", name="刘七十", birth_date=old, registration_date=old)
    client.force_login(clerk)
    # when
    response = client.get("/newborns/awaiting-id/export/", {"days": "60"})
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "出生满60天尚未补录身份证号的新生儿名单"
    assert sheet["A2"].value == "填报单位：山阴县"
    assert [cell.value for cell in sheet[3]][:4] == ["序号", "出生医学证明编号", "姓名", "性别"]
    assert (sheet["G4"].value, sheet["G4"].number_format) == (MOTHER_ID, "@")
    assert (sheet["H4"].value, sheet["H4"].number_format) == (f"{MOTHER_ID}B", "@")
    assert (sheet["A5"].value, sheet["B5"].value) == ("合计", "1 人")
    assert "filename*=utf-8''" in response["Content-Disposition"]


# --- Pre-enrollment (R7.6) --------------------------------------------------------------------------------------

PRE_ENROLLMENT = {
    "mother_id_number": MOTHER_ID,
    "phone": "13900001111",
    "expected_delivery_date": "2026-10-01",
    "home_address": "山阴县玉井镇玉井村12号",
    "entrusted_name": "",
    "entrusted_id_number": "",
    "babies": "2",
    "application_date": "2026-06-11",
}


def test_r7_6_pre_enrollment_for_twins_through_the_page_prints_b1_and_b2_on_the_form(client, clerk, enrolled_mother):
    # given
    client.force_login(clerk)
    # when
    response = client.post("/newborns/pre-enrollments/new/", PRE_ENROLLMENT)
    # then
    pre_enrollment = PreEnrollment.objects.get()
    assert response["Location"] == f"/newborns/pre-enrollments/{pre_enrollment.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"已受理新生儿预参保，临时标识：{MOTHER_ID}B1、{MOTHER_ID}B2。请打印登记表交申请人签名。" in page
    form = page[page.index('<section id="registration-form"') : page.index("</section>")]
    for expected in [
        "时间：2026年6月11日",
        "<th>申请人</th><td>刘芳</td>",
        f'<td class="id-number">{MOTHER_ID}</td>',
        "<td>13900001111</td>",
        "<th>预产期</th><td>2026年10月</td>",
        '<td colspan="3">山阴县玉井镇玉井村12号</td>',
        '<th>预参保年度</th><td colspan="3">2026年度</td>',
        "二、本人承诺在新生儿出生一年内完成户口登记",
        "签名：",
        f'<th>新生儿姓名</th><td>刘芳B1</td><th>新生儿证件号</th><td class="id-number">{MOTHER_ID}B1</td>',
        f'<th>新生儿姓名</th><td>刘芳B2</td><th>新生儿证件号</th><td class="id-number">{MOTHER_ID}B2</td>',
        "医保经办机构（盖章）",
        "备注：1、本表一式两份",
    ]:
        assert expected in form, expected
    assert "data-print" in page  # the print button, bound by static/js/canbao.js
    assert "终止妊娠退费" in page
    assert "2026年度待遇享受期 2026年10月1日 至 2026年12月31日" in page


def test_r7_6_a_refused_pre_enrollment_shows_the_message_and_writes_nothing(client, clerk, mother):
    # given a mother not enrolled for 2026
    client.force_login(clerk)
    before = counts()
    # when
    response = client.post("/newborns/pre-enrollments/new/", PRE_ENROLLMENT)
    # then
    assert response.context["form"].errors == {
        "mother_id_number": ["申请人2026年度未参加基本医疗保险，不能申请新生儿预参保。"]
    }
    assert (counts(), PreEnrollment.objects.count()) == (before, 0)


def test_r7_6_r12_the_terminate_button_refunds_and_voids_the_placeholders(client, clerk, enrolled_mother):
    # given
    client.force_login(clerk)
    client.post("/newborns/pre-enrollments/new/", PRE_ENROLLMENT)
    pre_enrollment = PreEnrollment.objects.get()
    # when
    response = client.post(f"/newborns/pre-enrollments/{pre_enrollment.pk}/terminate/", {"date": "2026-07-01"})
    # then
    assert response["Location"] == f"/newborns/pre-enrollments/{pre_enrollment.pk}/"
    placeholders = PreEnrollmentPlaceholder.objects.select_related("resident", "enrollment").order_by("id")
    assert PreEnrollment.objects.get().status == "terminated"
    assert [
        (placeholder.enrollment.status, placeholder.enrollment.refund_date, placeholder.resident.status)
        for placeholder in placeholders
    ] == [("refunded", D(2026, 7, 1), "voided"), ("refunded", D(2026, 7, 1), "voided")]
    assert Payment.objects.filter(kind="refund").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "已办理终止妊娠退费，预参保缴费已退费，临时身份已注销。" in page
    assert 'action="/newborns/pre-enrollments/' not in page


def test_r7_6_a_second_termination_is_refused_and_changes_nothing(client, clerk, enrolled_mother):
    # given a terminated pre-enrollment
    client.force_login(clerk)
    client.post("/newborns/pre-enrollments/new/", PRE_ENROLLMENT)
    pre_enrollment = PreEnrollment.objects.get()
    client.post(f"/newborns/pre-enrollments/{pre_enrollment.pk}/terminate/", {"date": "2026-07-01"})
    refunds_before = Payment.objects.filter(kind="refund").count()
    # when
    response = client.post(f"/newborns/pre-enrollments/{pre_enrollment.pk}/terminate/", {"date": "2026-07-02"})
    # then
    assert response.context["termination_form"] is None
    assert "只有待出生的预参保才能因终止妊娠退费。" in response.content.decode()
    assert Payment.objects.filter(kind="refund").count() == refunds_before == 2
    assert PreEnrollment.objects.get().status == "terminated"


def test_r7_6_unlinked_lists_placeholders_past_the_link_period(client, clerk, enrolled_mother):
    # given a pre-enrollment whose expected delivery was 2025-10-01 (12 months ago and more), one expected on
    # 2026-10-01, and a terminated one expected on 2025-10-01
    overdue = pre_enrollment_create(
        actor=clerk,
        mother_id_number=MOTHER_ID,
        expected_delivery_date=D(2026, 10, 1),
        application_date=D(2026, 6, 11),
        phone="13900001111",
    )
    PreEnrollment.objects.filter(pk=overdue.pk).update(expected_delivery_date=D(2025, 10, 1), insurance_year=2025)
    pre_enrollment_create(
        actor=clerk, mother_id_number=MOTHER_ID, expected_delivery_date=D(2026, 10, 1), application_date=D(2026, 6, 11)
    )
    client.force_login(clerk)
    # when
    response = client.get("/newborns/pre-enrollments/unlinked/")
    # then
    assert [values for _, values in response.context["rows"]] == [
        [
            "刘芳",
            MOTHER_ID,
            "13900001111",
            "刘芳B",
            f"{MOTHER_ID}B",
            "未登记出生",
            "2025-10-01（预产期）",
            "2026-10-01",
            "玉井镇",
            "玉井村委会",
        ]
    ]
    export = load_workbook(io.BytesIO(client.get("/newborns/pre-enrollments/unlinked/export/").content)).active
    assert export["A1"].value == "预参保逾期未补录身份证号的新生儿名单"
    assert (export["F4"].value, export["F4"].number_format) == (f"{MOTHER_ID}B", "@")
    assert (export["A5"].value, export["B5"].value) == ("合计", "1 人")


def test_r7_6_a_birth_linked_a_year_ago_without_an_id_is_counted_from_the_birth(client, clerk, enrolled_mother):
    # given a pre-enrolled baby born and registered without an ID number, its birth then moved back to 2025-09-20
    pre_enrollment_create(
        actor=clerk, mother_id_number=MOTHER_ID, expected_delivery_date=D(2026, 10, 1), application_date=D(2026, 6, 11)
    )
    record = register(clerk, birth_date=D(2026, 9, 20), registration_date=D(2026, 9, 25), name="刘早早")
    BirthRecord.objects.filter(pk=record.pk).update(birth_date=D(2025, 9, 20))
    client.force_login(clerk)
    # when
    response = client.get("/newborns/pre-enrollments/unlinked/")
    # then
    assert [values[3:8] for _, values in response.context["rows"]] == [
        ["刘早早", f"{MOTHER_ID}B", "P140012345", "2025-09-20", "2026-09-20"]
    ]


def test_r13_0a_a_baby_registered_at_the_page_in_a_parents_county_of_residence(client, clerk, mother):
    client.force_login(clerk)
    # when 山阴's window registers the baby in 应县, where the mother lives on a residence permit
    response = client.post(
        "/newborns/new/",
        registration(
            enrolling_county="140622",
            basis_document_no="140622202300456",
            basis_valid_from="2023-05-01",
            basis_valid_to="",
        ),
    )
    # then the baby's record is 山阴's and its birth year is held in 应县, on the parent's residence
    record = BirthRecord.objects.get()
    assert response["Location"] == "/newborns/P140012345/"
    assert (record.enrollment.enrolling_county_id, record.enrollment.enrollment_basis) == ("140622", "parent_residence")
    assert record.resident.household_division_id == VILLAGE


def test_r13_0a_a_parents_county_without_the_permit_is_refused_at_the_page_and_nothing_written(client, clerk, mother):
    client.force_login(clerk)
    response = client.post("/newborns/new/", registration(enrolling_county="140622"))
    assert response.status_code == 200
    assert "须填写父（母）居住证号" in response.content.decode()
    assert (BirthRecord.objects.count(), Enrollment.objects.filter(resident__id_number__endswith="B").count()) == (0, 0)
