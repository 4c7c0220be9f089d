"""End to end in Debian's chromium: the demo clerk logs in, finds a resident by ID number, sees the page."""

import io
import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from enrollment.models import Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page():
    # Playwright's sync API runs an event loop; Django refuses ORM calls from a thread with one unless told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def test_demo_clerk_finds_resident_by_id_number(live_server, page):
    # given the demo data of `make run`
    call_command("seed_demo", residents=5, stdout=io.StringIO())
    resident = Resident.objects.order_by("id").first()
    # when
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("canbao-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_placeholder("输入身份证号或姓名查询居民").fill(resident.id_number)
    page.keyboard.press("Enter")
    # then
    expect(page.locator("h1")).to_contain_text(resident.name)
    expect(page.locator("h1")).to_contain_text(resident.id_number)
    assert page.url == f"{live_server.url}/residents/{resident.pk}/"
