"""窗口办理 by keyboard: one search box (a whole ID number checked before any search, R13.4; a name, the last digits
of an ID number or a phone number within the clerk's scope), a paid year neither offered nor quoted (R13.0a), and where
the cursor is at each step."""

import datetime
import re

import pytest

from accounts.models import Role
from conftest import SHANYIN, make_user
from enrollment.forms.window import WindowPaymentForm
from enrollment.models import Enrollment, Payment, Resident
from newborns.services import pre_enrollment_create
from tests.factories import EnrollmentFactory, ResidentFactory, first_village

pytestmark = pytest.mark.django_db

YINGXIAN = "140622"
QUOTE = {"insurance_year": "2026", "payment_date": "2025-11-20", "channel": "window", "action": "quote"}


@pytest.fixture
def yingxian_resident(db):
    """A person of 应县, outside the 山阴县 clerk's scope, who shares a surname with 王玉井."""
    yingxian_clerk = make_user("yingxian", Role.WINDOW_CLERK, YINGXIAN)
    return ResidentFactory(
        actor=yingxian_clerk,
        address_code=YINGXIAN,
        birth_date=datetime.date(1979, 6, 5),
        sequence=31,
        name="王应县",
        phone="13900001111",
        household_division=first_village(YINGXIAN),
    )


def search(client, text: str) -> tuple[int, str, str]:
    response = client.get("/window/", {"q": text})
    return response.status_code, response.get("Location", ""), response.content.decode()


def records() -> tuple[int, int, int]:
    return Resident.objects.count(), Enrollment.objects.count(), Payment.objects.count()


# --- R13.4: a whole ID number that cannot be valid says why, before any search --------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("14062119850312017", "身份证号应为18位。"),
        ("1406211985031201711", "身份证号应为18位。"),
        ("14062119850312A17X", "身份证号前17位应为数字，最后一位应为数字或X。"),
        ("140621198502300170", "身份证号中的出生日期 19850230 不存在。"),
    ],
)
def test_r13_4_malformed_id_number_at_the_window_says_what_is_wrong(client, clerk, yujing_resident, typed, message):
    # given
    client.force_login(clerk)
    before = records()
    # when
    status, location, page = search(client, typed)
    # then
    assert (status, location) == (200, "")
    assert f'<div class="invalid-feedback">{message}</div>' in page
    assert "本辖区没有该身份证号的居民档案" not in page
    assert records() == before


def test_r13_4_wrong_check_character_at_the_window(client, clerk, yujing_resident):
    # given the person's number with another last character
    client.force_login(clerk)
    wrong = yujing_resident.id_number[:17] + ("0" if yujing_resident.id_number[17] != "0" else "1")
    before = records()
    # when
    status, location, page = search(client, wrong)
    # then
    assert (status, location) == (200, "")
    assert '<div class="invalid-feedback">身份证号校验位不正确，请核对后重新输入。</div>' in page
    assert records() == before


def test_r13_4_short_digits_found_nowhere_say_a_whole_number_has_18(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    before = records()
    # when five digits end no one's ID number and are no one's phone
    status, location, page = search(client, "12345")
    # then
    assert (status, location) == (200, "")
    assert "本辖区没有身份证号以12345结尾或联系电话为12345的居民。若输入的是完整身份证号：身份证号应为18位。" in page
    assert records() == before


def test_fewer_than_four_digits_are_not_searched(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    # when
    status, location, page = search(client, "017")
    # then
    assert (status, location) == (200, "")
    assert "按身份证号后几位或电话查询请至少输入4位数字；完整的身份证号为18位。" in page


def test_valid_id_number_of_no_one_here_is_not_found(client, clerk, yujing_resident, yingxian_resident):
    # given a valid number of a person of another county
    client.force_login(clerk)
    # when
    status, location, page = search(client, yingxian_resident.id_number)
    # then
    assert (status, location) == (200, "")
    assert "本辖区没有该身份证号的居民档案，请核对号码或先登记居民。" in page


def test_r7_6_newborn_placeholder_opens_the_baby(client, clerk):
    # given a baby pre-enrolled under the mother's number with B, awaiting its own
    mother = ResidentFactory(actor=clerk, name="王母亲", birth_date=datetime.date(1995, 4, 2), sequence=18)
    EnrollmentFactory(actor=clerk, resident=mother, insurance_year=2025, payment_date=datetime.date(2024, 11, 20))
    pre_enrollment = pre_enrollment_create(
        actor=clerk,
        mother_id_number=mother.id_number,
        expected_delivery_date=datetime.date(2026, 1, 20),
        application_date=datetime.date(2025, 10, 1),
    )
    baby = pre_enrollment.placeholders.get().resident
    client.force_login(clerk)
    # when
    status, location, _page = search(client, f"{mother.id_number.lower()}b")
    # then
    assert baby.id_number == f"{mother.id_number}B"
    assert (status, location) == (302, f"/window/residents/{baby.pk}/")


# --- Search by name, last digits, phone: in scope; one hit opens the person, several are listed ----------------


def test_search_by_name_opens_the_only_person_found(client, clerk, yujing_resident, yingxian_resident):
    # given 王应县 of 应县 also bears 王, but is outside the clerk's scope
    client.force_login(clerk)
    # when
    status, location, _page = search(client, "王")
    # then
    assert (status, location) == (302, f"/window/residents/{yujing_resident.pk}/")


def test_search_by_name_lists_several_with_masked_id_numbers(client, clerk, yujing_resident, beizhouzhuang_resident):
    # given 王玉井 and 王北周
    client.force_login(clerk)
    beizhouzhuang_resident.name = "王北周"
    beizhouzhuang_resident.save()
    # when
    status, location, page = search(client, "王")
    # then
    assert (status, location) == (200, "")
    assert "找到 2 人，请选择：" in page
    for resident in (beizhouzhuang_resident, yujing_resident):
        masked = f"{resident.id_number[:6]}********{resident.id_number[14:]}"
        assert f'<td class="id-number">{masked}</td>' in page
        assert resident.id_number not in page
    assert page.index("王北周") < page.index("王玉井")
    assert re.search(rf'<a href="/window/residents/{beizhouzhuang_resident.pk}/" autofocus>', page)


def test_search_by_name_of_another_county_finds_no_one(client, clerk, yujing_resident, yingxian_resident):
    # given
    client.force_login(clerk)
    # when
    status, location, page = search(client, "王应县")
    # then
    assert (status, location) == (200, "")
    assert "本辖区没有姓名含“王应县”的居民。" in page


def test_search_by_last_four_digits_opens_the_person(client, clerk, yujing_resident, beizhouzhuang_resident):
    # given
    client.force_login(clerk)
    # when
    status, location, _page = search(client, yujing_resident.id_number[-4:].lower())
    # then
    assert (status, location) == (302, f"/window/residents/{yujing_resident.pk}/")


def test_search_by_last_digits_of_another_countys_person_finds_no_one(client, clerk, yingxian_resident):
    # given
    client.force_login(clerk)
    tail = yingxian_resident.id_number[-6:]
    # when
    status, location, page = search(client, tail)
    # then
    assert (status, location) == (200, "")
    assert f"本辖区没有身份证号以{tail}结尾或联系电话为{tail}的居民。" in page


def test_search_by_phone_opens_the_person_in_scope_only(client, clerk, yingxian_resident):
    # given 赵电话 of 山阴县 and 王应县 of 应县, each with a phone
    client.force_login(clerk)
    phoned = ResidentFactory(actor=clerk, name="赵电话", phone="13812345678", sequence=45)
    # when
    found = search(client, "138-1234 5678")
    elsewhere = search(client, "13900001111")
    # then
    assert found[:2] == (302, f"/window/residents/{phoned.pk}/")
    assert elsewhere[:2] == (200, "")
    assert "本辖区没有身份证号以13900001111结尾或联系电话为13900001111的居民。" in elsewhere[2]


def test_search_list_is_paginated(client, clerk):
    # given 21 people named 张 (the window lists 20 a page)
    client.force_login(clerk)
    for number in range(21):
        ResidentFactory(actor=clerk, name=f"张{number:02d}", sequence=100 + number)
    # when
    first = client.get("/window/", {"q": "张"}).content.decode()
    second = client.get("/window/", {"q": "张", "page": "2"}).content.decode()
    # then
    assert "找到 21 人，请选择：" in first
    assert "第 1 / 2 页" in first
    assert 'href="?q=%E5%BC%A0&amp;page=2"' in first
    assert "张20" in second
    assert "张19" not in second


# --- R13.0a: a paid year is shown as such, not offered, and refused at the quote with nothing written ------------


def test_r13_0a_paid_year_is_not_the_default_year():
    # given 2026 is collected on 2025-11-20, and is paid
    paid = {2026: "山阴县，2025年11月20日缴费"}
    # when
    unpaid_form = WindowPaymentForm(today=datetime.date(2025, 11, 20), region_code=SHANYIN)
    paid_form = WindowPaymentForm(today=datetime.date(2025, 11, 20), region_code=SHANYIN, paid_years=paid)
    # then
    assert unpaid_form.fields["insurance_year"].initial == 2026
    assert paid_form.fields["insurance_year"].initial == 2027
    assert paid_form.fields["insurance_year"].help_text == "已参保：2026年度（山阴县，2025年11月20日缴费）"


def test_r13_0a_paid_year_is_shown_on_the_window_page(client, clerk, yujing_resident):
    # given
    EnrollmentFactory(actor=clerk, resident=yujing_resident)
    client.force_login(clerk)
    # when
    page = client.get(f"/window/residents/{yujing_resident.pk}/").content.decode()
    # then
    assert "已参保：2026年度（山阴县，2025年11月20日缴费）" in page
    assert 'data-paid-years="2026"' in page


@pytest.mark.parametrize("action", ["quote", "pay"])
def test_r13_0a_paid_year_is_refused_at_the_quote_and_nothing_is_written(client, clerk, yujing_resident, action):
    # given 2026 paid
    EnrollmentFactory(actor=clerk, resident=yujing_resident)
    client.force_login(clerk)
    before = records()
    # when the clerk quotes (or pays) 2026 again
    page = client.post(f"/window/residents/{yujing_resident.pk}/", {**QUOTE, "action": action}).content.decode()
    # then
    refusal = "该居民2026年度已参保（山阴县，2025年11月20日缴费），不能重复缴费。"
    assert f'<div class="text-danger small" role="alert">{refusal}</div>' in page
    assert 'value="pay"' not in page
    assert 'id="quote"' not in page
    assert records() == before


# --- Where the cursor is -------------------------------------------------------------------------------------


def autofocused(page: str) -> list[str]:
    """The names of the fields, and the values of the buttons, that ask for the focus."""
    tags = re.findall(r"<(input|select|button)([^>]*)>", page)
    return [
        re.findall(r'(?:value|name)="(\w+)"' if tag == "button" else r'name="(\w+)"', attributes)[-1]
        for tag, attributes in tags
        if re.search(r"\sautofocus\b", attributes)
    ]


def test_the_year_has_the_focus_when_a_person_is_opened(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    # when
    page = client.get(f"/window/residents/{yujing_resident.pk}/").content.decode()
    # then
    assert autofocused(page) == ["insurance_year"]
    assert page.index('name="insurance_year"') < page.index('name="payment_date"') < page.index('name="channel"')
    assert page.index('name="channel"') < page.index("<details") < page.index('name="special_status"')
    assert '<details class="mt-2">' in page  # the rarely used fields folded away


def test_the_confirm_button_has_the_focus_after_a_quote(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    # when
    page = client.post(f"/window/residents/{yujing_resident.pk}/", QUOTE).content.decode()
    # then
    assert autofocused(page) == ["pay"]
    assert re.search(r'<button[^>]*value="pay"[^>]*accesskey="p"[^>]*>确认收费 ¥400.00</button>', page)
    assert Enrollment.objects.count() == 0


def test_a_refused_field_has_the_focus_and_its_section_is_open(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    # when the top-up is refused
    page = client.post(f"/window/residents/{yujing_resident.pk}/", {**QUOTE, "accident_topup": "40"}).content.decode()
    # then
    assert autofocused(page) == ["accident_topup"]
    assert '<details class="mt-2" open>' in page
    assert Enrollment.objects.count() == 0
