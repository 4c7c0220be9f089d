"""End to end in Debian's chromium: province staff open 目标进度, see the chart and the ranking, drill into a city."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from conftest import make_user
from targets.models import ProgressSnapshot
from targets.rules import time_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
JUNE_30 = datetime.date(2026, 6, 30)


def snapshot(division, *, actual, target, rate):
    ProgressSnapshot.objects.create(
        year=2026,
        as_of=JUNE_30,
        division_id=division,
        metric="subsidised_newborns",
        target=Decimal(target),
        actual=actual,
        completion_rate=Decimal(rate),
        time_progress=time_progress(JUNE_30),
        gap=0,
        computed_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),
    )


def test_province_staff_open_the_dashboard_and_drill_down_to_counties(live_server, page):
    # given
    make_user("shanxi", "province_staff", "14")
    snapshot("14", actual=14800, target=134600, rate="0.1100")
    snapshot("1401", actual=11000, target=20900, rate="0.5263")
    snapshot("1406", actual=2800, target=6000, rate="0.4667")
    snapshot("140621", actual=400, target=700, rate="0.5714")
    snapshot("140602", actual=300, target=1500, rate="0.2000")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("shanxi")
    page.get_by_label("密码").fill("test-password-2026")
    page.get_by_role("button", name="登录").click()
    # when
    page.get_by_role("link", name="目标进度").click()
    # then: the chart is drawn and the ranking lists the cities
    expect(page.locator("h1")).to_have_text("山西省2026年度目标进度")
    expect(page.locator("#completion-chart canvas").first).to_be_attached()
    expect(page.locator("#trend-chart canvas").first).to_be_attached()
    expect(page.locator("#ranking tbody tr")).to_have_count(2)
    expect(page.locator("#ranking tbody tr").first).to_contain_text("太原市")
    expect(page.locator("#ranking")).to_contain_text("朔州市")
    # when
    page.locator("#ranking").get_by_role("link", name="朔州市").click()
    # then: its counties
    expect(page.locator("h1")).to_have_text("朔州市2026年度目标进度")
    assert "division=1406" in page.url
    expect(page.locator("#ranking tbody tr")).to_have_count(2)
    expect(page.locator("#ranking tbody tr").first).to_contain_text("山阴县")
    expect(page.locator("#completion-chart canvas").first).to_be_attached()
