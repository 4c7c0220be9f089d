"""End to end in Debian's chromium: the demo clerk logs in, finds a resident by ID number, sees the page."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.personal_data import id_number_mask
from enrollment.models import Resident
from enrollment.rules import id_number_compose
from targets.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser import log_in
from tests.factories import TEST_PASSWORD, EnrollmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_demo_clerk_finds_resident_by_id_number(live_server, page):
    # given the demo data of `make run`
    call_command("seed_demo", residents=5, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    resident = Resident.objects.order_by("id").first()
    # when
    log_in(page, live_server.url, "clerk", password=DEMO_PASSWORD)
    page.get_by_placeholder("输入身份证号或姓名查询居民").fill(resident.id_number)
    page.keyboard.press("Enter")
    # then
    expect(page.locator("h1")).to_contain_text(resident.name)
    expect(page.locator("h1")).to_contain_text(id_number_mask(resident.id_number))  # full only after a reveal
    assert page.url == f"{live_server.url}/residents/{resident.pk}/"


def test_clerk_quotes_takes_payment_and_sees_the_receipt_with_the_keyboard(live_server, page):
    # given
    call_command("seed_demo", residents=3, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    resident = Resident.objects.order_by("id").first()
    log_in(page, live_server.url, "clerk", password=DEMO_PASSWORD)
    # when: the ID number is typed and Enter pressed, then the quote, then the payment
    page.goto(f"{live_server.url}/window/")
    expect(page.get_by_label("身份证号")).to_be_focused()  # typing before autofocus lands loses the first keys
    page.keyboard.type(resident.id_number)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/window/residents/{resident.pk}/")
    page.get_by_label("保险年度").fill("2026")
    page.get_by_label("缴费日期").fill("2025-11-20")
    page.get_by_role("button", name="测算").click()
    expect(page.locator("#quote")).to_contain_text("2026-04-01 至 2026-12-31")
    page.get_by_role("button", name="确认收费 ¥400.00").click()
    # then
    expect(page.locator("h1")).to_have_text("城乡居民基本医疗保险缴费凭证")
    expect(page.locator("table").first).to_contain_text("2026年4月1日 至 2026年12月31日")


def test_clerk_walks_the_window_by_keyboard_only(live_server, page):
    # given
    call_command("seed_demo", residents=3, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    resident = Resident.objects.order_by("id").first()
    log_in(page, live_server.url, "clerk", password=DEMO_PASSWORD)
    page.goto(f"{live_server.url}/window/")
    # when: the ID number and Enter open the person with the cursor in the year
    expect(page.get_by_label("身份证号")).to_be_focused()
    page.keyboard.type(resident.id_number)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/window/residents/{resident.pk}/")
    expect(page.get_by_label("保险年度")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2026")
    page.keyboard.press("Tab")
    expect(page.get_by_label("缴费日期")).to_be_focused()
    page.keyboard.type("11202025")  # month, day, year in the browser's language
    # Enter quotes; the confirm button then has the cursor, and Enter again takes the payment
    page.keyboard.press("Enter")
    expect(page.locator("#quote")).to_contain_text("2026-04-01 至 2026-12-31")
    expect(page.get_by_role("button", name="确认收费 ¥400.00")).to_be_focused()
    page.keyboard.press("Enter")
    # then the receipt
    expect(page.locator("h1")).to_have_text("城乡居民基本医疗保险缴费凭证")
    expect(page.locator("table").first).to_contain_text("2026年4月1日 至 2026年12月31日")


def test_window_names_a_paid_year_as_it_is_typed_and_withdraws_a_stale_confirm_button(live_server, page):
    # given the first person has paid 2026, the second has not
    call_command("seed_demo", residents=3, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    paid, unpaid = Resident.objects.order_by("id")[:2]
    EnrollmentFactory(actor=User.objects.get(username="clerk"), resident=paid)
    log_in(page, live_server.url, "clerk", password=DEMO_PASSWORD)
    # when 2026 is typed for the first person
    page.goto(f"{live_server.url}/window/residents/{paid.pk}/")
    expect(page.get_by_label("保险年度")).to_be_focused()  # typing before autofocus lands loses the keys
    page.keyboard.press("Control+A")
    page.keyboard.type("2026")
    # then it is named at once, and Enter answers with the refusal and no confirm button
    expect(page.locator("[data-paid-years-note]")).to_contain_text("（2026年度已参保，请换一个年度）")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("该居民2026年度已参保（")
    expect(page.get_by_role("button", name="确认收费")).to_have_count(0)
    # when the second person is quoted and a field then changed
    page.goto(f"{live_server.url}/window/residents/{unpaid.pk}/")
    page.get_by_label("保险年度").fill("2026")
    page.get_by_label("缴费日期").fill("2025-11-20")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="确认收费 ¥400.00")).to_be_focused()
    page.get_by_label("缴费日期").fill("2025-11-21")
    # then the amount no longer holds: the button is withdrawn until Enter quotes again
    expect(page.get_by_role("button", name="内容已修改，请回车重新测算")).to_be_disabled()


def test_a_city_service_hall_clerk_finds_a_village_among_the_citys_by_typing_part_of_its_name(live_server, page):
    # given a clerk of the city's service hall: the city's 1,300-odd villages are too many to write into the page
    UserFactory(username="shuozhou_clerk", role=Role.WINDOW_CLERK, division_code="1406")
    id_number = id_number_compose(address_code="140621", birth_date=datetime.date(1988, 8, 8), sequence=41)
    log_in(page, live_server.url, "shuozhou_clerk", password=TEST_PASSWORD)
    page.goto(f"{live_server.url}/residents/new/")
    page.get_by_label("公民身份号码").fill(id_number)
    page.get_by_label("姓名").fill("高山")
    expect(page.locator("select#id_household_division option")).to_have_count(1)  # the empty choice alone
    # when part of a name is typed, then the villages of the city that hold it are fetched and offered
    page.get_by_role("combobox", name="户籍所在村（社区）").focus()
    page.keyboard.type("玉井村")
    offered = page.get_by_role("listbox", name="户籍所在村（社区）").get_by_role("option")
    expect(offered).to_have_text(["玉井镇 玉井村委会"])
    # when Enter takes it and the form is sent
    page.keyboard.press("Enter")
    page.get_by_role("button", name="保存").click()
    # then the resident is registered in that village
    page.wait_for_url(re.compile(r"/residents/\d+/$"))
    resident = Resident.objects.get(id_number=id_number)
    assert (resident.name, resident.household_division_id) == ("高山", "140621100200")
