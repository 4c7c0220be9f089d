"""The screenshots of the README (docs/window.png, docs/dashboard.png), taken from the demo that `make run` serves.

Run `make run` in one terminal and `make screenshots` in another: the window as the demo clerk sees it after
quoting a resident for the year being collected, and the city's target dashboard as the demo city user sees it.
"""

import os
import sys
from pathlib import Path

import django
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from enrollment.models import Resident  # noqa: E402  (after django.setup())
from targets.management.commands.seed_demo import DEMO_PASSWORD  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

BASE_URL = os.environ.get("CANBAO_URL", "http://127.0.0.1:8000")
DOCS = ROOT / "docs"
WIDTH, HEIGHT = 1280, 900


def log_in(page: Page, username: str) -> None:
    page.goto(f"{BASE_URL}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{BASE_URL}/")


def window_screenshot(page: Page, resident: Resident) -> None:
    """The demo clerk finds a resident paid for 2026 by ID number and quotes the year being collected."""
    log_in(page, "clerk")
    page.goto(f"{BASE_URL}/window/")
    page.get_by_label("身份证号").fill(resident.id_number)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{BASE_URL}/window/residents/{resident.pk}/")
    page.get_by_role("button", name="测算").click()
    page.locator("#quote").wait_for()
    page.screenshot(path=DOCS / "window.png", full_page=True)


def dashboard_screenshot(page: Page) -> None:
    """The demo city user's target dashboard, with its counties."""
    log_in(page, "city")
    page.goto(f"{BASE_URL}/targets/?division=1406")
    page.locator("#completion-chart canvas").wait_for()
    page.wait_for_timeout(1000)  # the charts animate in
    page.screenshot(path=DOCS / "dashboard.png", full_page=True)


def main() -> None:
    # Read before Playwright starts: its event loop makes Django refuse ORM calls.
    resident = (
        Resident.objects.filter(household_division__code__startswith="140621", enrollments__insurance_year=2026)
        .order_by("id")
        .first()
    )
    if resident is None:
        raise SystemExit("没有演示居民：请先运行 make run。")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*(arg for arg in CHROMIUM_ARGS if not arg.startswith("--lang")), "--lang=zh-CN"],
        )
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
        window_screenshot(page, resident)
        page.close()
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
        dashboard_screenshot(page)
        page.close()
        browser.close()
    print("已保存 docs/window.png 和 docs/dashboard.png")


if __name__ == "__main__":
    main()
