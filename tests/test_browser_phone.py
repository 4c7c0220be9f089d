"""On a phone (390 × 844): the menu folds behind its button instead of filling the first screen."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_menu_folds_on_a_phone_and_opens_from_its_button(live_server, page):
    # given the demo data and a phone-sized window
    call_command("seed_demo", residents=5, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("canbao-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    # then the menu is folded: one bar, no wider than the screen, its items hidden
    menu_link = page.get_by_role("link", name="窗口办理", exact=True).first
    expect(menu_link).to_be_hidden()
    bar = page.locator("nav.navbar").bounding_box()
    assert bar is not None and bar["height"] < 80
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # when the menu button is pressed, then its items show
    page.get_by_role("button", name="菜单").click()
    expect(menu_link).to_be_visible()
