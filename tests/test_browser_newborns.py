"""End to end in Debian's chromium: a clerk registers a birth and a pre-enrollment with the keyboard (R7.1, R7.6)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.personal_data import id_number_mask
from conftest import YUJING_TOWN, first_village
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import BirthRecord, PreEnrollment
from tests.browser import log_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MOTHER_ID = "140621199506010246"


def typed_date(date: datetime.date) -> str:
    """What the keyboard types into <input type="date"> in an en-US browser: month, day, year."""
    return f"{date:%m%d%Y}"


def test_r7_1_clerk_registers_a_birth_with_the_keyboard_and_sees_the_benefit_period(live_server, page, clerk):
    # given
    birth = timezone.localdate() - datetime.timedelta(days=20)
    log_in(page, live_server.url, "clerk", password=TEST_PASSWORD)
    # when: 新生儿 → 出生登记, every field typed, Tab between them, Enter on the button
    page.get_by_role("link", name="新生儿", exact=True).click()
    page.wait_for_url(f"{live_server.url}/newborns/")
    page.get_by_role("link", name="出生登记（Alt+N）").click()
    page.wait_for_url(f"{live_server.url}/newborns/new/")
    expect(page.get_by_label("出生医学证明编号")).to_be_focused()  # typing before autofocus lands loses keys
    page.keyboard.type("P140098765")
    page.keyboard.press("Tab")
    page.keyboard.type("刘小满")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # 性别: 男
    page.keyboard.press("Tab")
    page.keyboard.type(typed_date(birth))
    page.keyboard.press("Tab")  # the date's calendar button
    page.keyboard.press("Tab")
    page.keyboard.type(MOTHER_ID)
    page.keyboard.press("Tab")  # 身份证号: not yet known (容缺参保)
    page.keyboard.press("Tab")
    page.keyboard.type("玉井村")  # part of the village's name, and Enter takes the first that holds it
    page.keyboard.press("Enter")
    expect(page.locator("#id_division")).to_have_value("140621100200")
    expect(page.get_by_label("出生日期")).to_have_value(birth.isoformat())
    page.get_by_role("button", name="登记并参保").focus()
    page.keyboard.press("Enter")
    # then
    page.wait_for_url(f"{live_server.url}/newborns/P140098765/")
    year_end = datetime.date(birth.year, 12, 31)
    period = f"{birth.year}年{birth.month}月{birth.day}日 至 {year_end.year}年12月31日"
    expect(page.locator(".alert-success")).to_contain_text(f"已登记新生儿刘小满：{birth.year}年度待遇享受期 {period}")
    expect(page.locator("#enrollment")).to_contain_text(period)
    expect(page.locator("dl")).to_contain_text(f"待落户（临时标识 {id_number_mask(MOTHER_ID)}B）")
    record = BirthRecord.objects.get()
    assert (record.name, record.gender, record.birth_date, record.division_id) == (
        "刘小满",
        "M",
        birth,
        "140621100200",
    )


def test_r7_6_clerk_pre_enrolls_with_the_keyboard_and_sees_the_printable_form(live_server, page, clerk):
    # given a mother enrolled for 2026
    mother = resident_create(
        actor=clerk, id_number=MOTHER_ID, name="刘芳", household_division=first_village(YUJING_TOWN)
    )
    enrollment_create(
        actor=clerk,
        resident=mother,
        details=PaymentDetails(insurance_year=2026, payment_date=datetime.date(2025, 11, 20)),
    )
    expected = timezone.localdate() + datetime.timedelta(days=30)
    log_in(page, live_server.url, "clerk", password=TEST_PASSWORD)
    # when: 新生儿 → 预参保登记, the fields typed, Enter in the last one typed
    page.get_by_role("link", name="新生儿", exact=True).click()
    page.wait_for_url(f"{live_server.url}/newborns/")
    page.get_by_role("link", name="预参保登记（Alt+P）").click()
    page.wait_for_url(f"{live_server.url}/newborns/pre-enrollments/new/")
    expect(page.get_by_label("申请人身份证号")).to_be_focused()  # typing before autofocus lands loses keys
    page.keyboard.type(MOTHER_ID)
    page.keyboard.press("Tab")
    page.keyboard.type("13900001111")
    page.keyboard.press("Tab")
    page.keyboard.type(typed_date(expected))
    page.keyboard.press("Tab")  # the date's calendar button
    page.keyboard.press("Tab")
    page.keyboard.type("山阴县玉井镇玉井村12号")
    page.keyboard.press("Enter")
    # then
    page.wait_for_url(re.compile(r"/newborns/pre-enrollments/\d+/$"))
    assert page.url == f"{live_server.url}/newborns/pre-enrollments/{PreEnrollment.objects.get().pk}/"
    form = page.locator("#registration-form")
    expect(form).to_contain_text("新生儿预参保登记表")
    expect(form).to_contain_text(f"{expected.year}年{expected.month}月")
    expect(form.locator(".placeholder-row")).to_have_text(f"新生儿姓名刘芳B新生儿证件号{MOTHER_ID}B")
    expect(page.get_by_role("button", name="打印登记表（Alt+P）")).to_be_visible()
    expect(page.get_by_role("button", name="终止妊娠退费")).to_be_visible()
