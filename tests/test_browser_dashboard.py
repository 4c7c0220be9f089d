"""End to end in Debian's chromium: province staff open 目标进度, see the chart and the ranking, drill into a city."""

import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_user
from targets.management.commands.seed_demo import DEMO_PASSWORD
from targets.models import ProgressSnapshot
from targets.rules import time_progress
from tests.browser import log_in
from tests.factories import TEST_PASSWORD

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
    log_in(page, live_server.url, "shanxi", password=TEST_PASSWORD)
    # when
    page.get_by_role("button", name="统计报表").click()
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


COMPLETION_CHART = "echarts.getInstanceByDom(document.getElementById('completion-chart'))"


def test_the_completion_chart_draws_the_time_progress_line_inside_its_grid(live_server, page):
    # given the demo data of `make run`: few newborns against the city targets, every bar far below the time progress
    call_command("seed_demo", residents=20, stdout=io.StringIO())
    today = timezone.localdate()
    as_of = min(today, datetime.date(2026, 12, 31))
    days_in_year = (datetime.date(2026, 12, 31) - datetime.date(2025, 12, 31)).days
    expected = (Decimal(as_of.timetuple().tm_yday * 100) / days_in_year).quantize(Decimal("0.01"), ROUND_HALF_UP)
    log_in(page, live_server.url, "province", password=DEMO_PASSWORD)
    # when
    page.get_by_role("button", name="统计报表").click()
    page.get_by_role("link", name="目标进度").click()
    # then: the page states the time progress, and the chart carries the same figure as its dashed line
    expect(page.locator("p.lead strong").first).to_have_text(f"{expected}%")
    expect(page.locator("#completion-chart canvas").first).to_be_attached()
    mark_line = page.evaluate(f"{COMPLETION_CHART}.getOption().series[0].markLine")
    assert [item["yAxis"] for item in mark_line["data"]] == [float(expected)]
    assert mark_line["label"]["formatter"] == f"时间进度 {expected}%"
    # and the line lies inside the plotting area, not above the value axis' top where nothing is drawn
    inside = page.evaluate(
        f"(function () {{ var chart = {COMPLETION_CHART};"
        f" var point = chart.convertToPixel({{seriesIndex: 0}}, [0, {expected}]);"
        f" return chart.containPixel({{gridIndex: 0}}, point); }})()"
    )
    assert inside is True
    highest_bar = max(page.evaluate(f"{COMPLETION_CHART}.getOption().series[0].data.map(d => d.value)"))
    assert highest_bar < float(expected)
    # when drilling down to 朔州市, then to 山阴县
    page.locator("#ranking").get_by_role("link", name="朔州市").click()
    # then the city's seven counties with their split targets, 山阴县 first with the demo's 2 newborns
    expect(page.locator("h1")).to_have_text("朔州市2026年度目标进度")
    expect(page.locator("#ranking tbody tr")).to_have_count(7)
    expect(page.locator("#ranking tbody tr").first.locator("td")).to_have_text(
        ["1", "山阴县", "700", "2", "0.29%", f"{expected}%", re.compile(r"^\d{3}$"), "落后于时间进度"]
    )
    page.locator("#ranking").get_by_role("link", name="山阴县").click()
    expect(page.locator("h1")).to_have_text("山阴县2026年度目标进度")
    expect(page.locator("p.lead")).to_contain_text("山阴县： 目标 700 人，已完成 2 人，完成率 0.29%")
