"""The home page's to-dos in the browser, as each demo user: a to-do made true with real records shows its line and
count, and its link opens the page where it is done."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from enrollment.rules import id_number_compose
from reports.tests.factories import birth
from targets.management.commands.seed_demo import DEMO_PASSWORD
from targets.models import ProgressSnapshot
from targets.rules import time_progress
from tests.browser import log_in
from uninsured.models import UninsuredList, UninsuredPerson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHANYIN = "140621"
YUJING_TOWN = "140621100"  # the demo township official's
YUJING_VILLAGE = "140621100200"
SHUOCHENG = "140602"
PROGRESS_BEHIND = "最新进度快照中完成率落后于时间进度（比率指标落后于目标值）的下级区划"
SNAPSHOTS_STALE = "进度快照已超过31天未更新的区划"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def todo_count(page: Page, label: str) -> str:
    """The count shown on the to-do line named `label` (无 when there is nothing to do)."""
    line = page.locator("#todos li").filter(has=page.get_by_role("link", name=label, exact=True))
    expect(line).to_have_count(1)
    return line.locator("span").inner_text()


def todo_follow(page: Page, url: str, label: str, path: str, heading: str) -> None:
    """Open the line's link by keyboard: it is `path`, answered 200, with `heading`; then back home."""
    link = page.locator("#todos").get_by_role("link", name=label, exact=True)
    with page.expect_navigation() as navigation:
        link.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 200
    assert page.url == f"{url}{path}"
    expect(page.locator("h1")).to_have_text(heading)
    page.goto(f"{url}/")


def snapshot(division: str, as_of: datetime.date, rate: str) -> None:
    ProgressSnapshot.objects.create(
        year=as_of.year,
        as_of=as_of,
        division_id=division,
        metric="subsidised_newborns",
        target=Decimal("100"),
        actual=0,
        completion_rate=Decimal(rate),
        time_progress=time_progress(as_of),
        computed_at=timezone.now(),
    )


@pytest.fixture
def demo(db):
    call_command("seed_demo", residents=3, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    return {user.username: user for user in User.objects.all()}


def test_clerk_sees_the_births_awaiting_an_id_number_and_opens_their_list(live_server, page, demo):
    # given two births of 山阴 still without an ID number 60 days on or more, and one only 10 days old
    for days in (60, 90, 10):
        birth(demo["clerk"], SHANYIN, days_ago(days))
    # when
    log_in(page, live_server.url, "clerk", password=DEMO_PASSWORD)
    # then
    label = "出生满60天仍未补录身份证号的新生儿"
    assert todo_count(page, label) == "2"
    assert todo_count(page, "已上传待确认的困难身份名单") == "无"
    todo_follow(page, live_server.url, label, "/newborns/awaiting-id/?days=60", "待补录身份证号的新生儿")


def test_township_official_sees_a_list_to_sign_and_opens_the_lists(live_server, page, demo):
    # given a list pushed to 玉井镇 by the province, unsigned, due in 3 days, with two people without an outcome
    pushed = UninsuredList.objects.create(
        township_id=YUJING_TOWN,
        year=2026,
        title="未参保人员名单",
        deadline=days_ago(-3),
        pushed_by=demo["province"],
    )
    for sequence in (1, 2):
        UninsuredPerson.objects.create(
            uninsured_list=pushed,
            township_id=YUJING_TOWN,
            village_id=YUJING_VILLAGE,
            year=2026,
            name=f"人员{sequence}",
            id_number=id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1980, 1, 2), sequence=sequence),
        )
    # when
    log_in(page, live_server.url, "township", password=DEMO_PASSWORD)
    # then
    assert todo_count(page, "待签领的未参保人员名单") == "1"
    assert todo_count(page, "7天内到反馈截止日期、尚未核实反馈的未参保人员") == "2"
    assert todo_count(page, "已过反馈截止日期、仍有人员未反馈的名单") == "无"
    todo_follow(page, live_server.url, "待签领的未参保人员名单", "/targets/uninsured/", "未参保人员名单")


@pytest.mark.parametrize(
    ("username", "heading"), [("city", "朔州市2026年度目标进度"), ("province", "山西省2026年度目标进度")]
)
def test_city_and_province_see_a_division_behind_and_a_stale_snapshot_and_open_the_progress(
    live_server, page, demo, username, heading
):
    # given, instead of the snapshots the demo computed, 朔城区 behind time progress in a snapshot 40 days old and
    # 山阴 ahead in one 5 days old
    ProgressSnapshot.objects.all().delete()
    snapshot(SHUOCHENG, days_ago(40), rate="0")
    snapshot(SHANYIN, days_ago(5), rate="1")
    # when
    log_in(page, live_server.url, username, password=DEMO_PASSWORD)
    # then
    assert todo_count(page, PROGRESS_BEHIND) == "1"
    assert todo_count(page, SNAPSHOTS_STALE) == "1"
    todo_follow(page, live_server.url, PROGRESS_BEHIND, "/targets/", heading)
    todo_follow(page, live_server.url, SNAPSHOTS_STALE, "/targets/", heading)
