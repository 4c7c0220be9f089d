"""Issue 19: the home page lists each role's to-dos, counted in the user's scope, each line with its link; a line
with nothing to do says 无. The lines come from the apps that own the work (accounts.todos)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from bulk.models import BulkImportJob
from conftest import BEIZHOUZHUANG_TOWN, SHANYIN, YUJING_TOWN, make_user
from core.batches import BatchStatus
from divisions.models import Division, DivisionLevel
from enrollment.rules import id_number_compose
from reports.services import fiscal_transfer_record
from reports.tests.factories import birth, shuozhou_with_pilot_tier
from subsidies.models import IdentityListBatch
from targets.models import ProgressSnapshot
from targets.rules import time_progress
from uninsured.models import UninsuredList, UninsuredPerson, UninsuredReason

pytestmark = pytest.mark.django_db
D = datetime.date
YINGXIAN = "140622"
YUJING_VILLAGE = "140621100200"
BEIZHOUZHUANG_VILLAGE = "140621101200"

CLERK_LINES = [
    "出生满60天仍未补录身份证号的新生儿",
    "已上传待确认的困难身份名单",
    "校验完成待确认的批量导入",
    "有错误未导入、尚未重新上传的批量导入",
    "数据交换待处理",
    "死亡退费待办",
    "重复参保待处理",
]
TOWNSHIP_LINES = [
    "待签领的未参保人员名单",
    "7天内到反馈截止日期、尚未核实反馈的未参保人员",
    "已过反馈截止日期、仍有人员未反馈的名单",
]
PROGRESS_BEHIND = "最新进度快照中完成率落后于时间进度（比率指标落后于目标值）的下级区划"
TRANSFERS_OVERDUE = "2026年度新生儿参保资助资金逾期未拨付（按区县、级次）"
SNAPSHOTS_STALE = "进度快照已超过31天未更新的区划"


def days_ago(days: int) -> D:
    return timezone.localdate() - datetime.timedelta(days=days)


def home_todos(user) -> list[tuple[str, str, str]]:
    """The home page's to-do lines as (what, count or 无, link)."""
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    if 'id="todos"' not in html:
        return []
    section = html.split('id="todos"')[1].split("</section>")[0]
    lines = re.findall(r'<a href="([^"]*)">([^<]*)</a>\s*<span[^>]*>([^<]*)</span>', section)
    return [(label, count, url.replace("&amp;", "&")) for url, label, count in lines]


# --- window clerk: births awaiting an ID number, identity lists to confirm, imports to confirm or with errors ------


def identity_list(uploader, county: str, status: str) -> IdentityListBatch:
    return IdentityListBatch.objects.create(
        file_name="民政名单.xlsx",
        status=status,
        uploaded_by=uploader,
        department="民政",
        county_id=county,
        list_date=days_ago(1),
    )


def bulk_job(requester, county: str, kind: str, status: str) -> BulkImportJob:
    return BulkImportJob.objects.create(
        kind=kind, county_id=county, file_name="名册.csv", requested_by=requester, status=status
    )


def test_r7_5_r6_1_a_clerks_home_page_counts_their_countys_to_dos_with_links(clerk):
    # given births of 山阴 still without an ID number: two born 60 days ago or more, one born 10 days ago
    for days in (60, 90, 10):
        birth(clerk, SHANYIN, days_ago(days))
    # and one of 应县, outside the clerk's county
    birth(make_user("yingxian", Role.WINDOW_CLERK, YINGXIAN), YINGXIAN, days_ago(90))
    # and identity lists: two of 山阴 waiting for confirmation, one confirmed, one of 应县 waiting
    identity_list(clerk, SHANYIN, BatchStatus.PREVIEWED)
    identity_list(clerk, SHANYIN, BatchStatus.PREVIEWED)
    identity_list(clerk, SHANYIN, BatchStatus.CONFIRMED)
    identity_list(clerk, YINGXIAN, BatchStatus.PREVIEWED)
    # and bulk imports: one of 山阴 checked, waiting (待确认); a registry refused and sent again since; an enrollment
    # history refused and not sent again; 应县's failed and waiting ones
    bulk_job(clerk, SHANYIN, "resident_registry", "checked")
    bulk_job(clerk, SHANYIN, "enrollment_history", "refused")
    bulk_job(clerk, SHANYIN, "resident_registry", "refused")
    bulk_job(clerk, SHANYIN, "resident_registry", "succeeded")
    bulk_job(clerk, YINGXIAN, "resident_registry", "failed")
    bulk_job(clerk, YINGXIAN, "enrollment_history", "checked")
    # when
    lines = home_todos(clerk)
    # then
    assert lines == [
        ("出生满60天仍未补录身份证号的新生儿", "2", "/newborns/awaiting-id/?days=60"),
        ("已上传待确认的困难身份名单", "2", "/subsidies/identity-lists/"),
        ("校验完成待确认的批量导入", "1", "/bulk/"),
        ("有错误未导入、尚未重新上传的批量导入", "1", "/bulk/"),
        ("数据交换待处理", "无", "/exchange/queue/"),
        ("死亡退费待办", "无", "/exchange/refunds/"),
        ("重复参保待处理", "无", "/duplicates/cases/?status=open"),
    ]


def test_a_clerk_with_nothing_to_do_sees_each_line_with_none(clerk):
    # when
    lines = home_todos(clerk)
    # then
    assert [(label, count) for label, count, _ in lines] == [(label, "无") for label in CLERK_LINES]


# --- township official: lists to sign, people to follow up before the deadline, lists overdue (R13.5) ------------


def pushed_list(pushed_by, township: str, deadline: D, *, signed_by=None) -> UninsuredList:
    return UninsuredList.objects.create(
        township_id=township,
        year=2026,
        title="未参保人员名单",
        deadline=deadline,
        pushed_by=pushed_by,
        signed_by=signed_by,
        signed_at=timezone.now() if signed_by else None,
    )


def listed_person(uninsured_list: UninsuredList, sequence: int, *, reason: str = "") -> UninsuredPerson:
    township = uninsured_list.township_id
    return UninsuredPerson.objects.create(
        uninsured_list=uninsured_list,
        township_id=township,
        village_id=YUJING_VILLAGE if township == YUJING_TOWN else BEIZHOUZHUANG_VILLAGE,
        year=2026,
        name=f"人员{sequence}",
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1980, 1, 2), sequence=sequence),
        reason=reason,
    )


def test_r13_5_a_township_officials_home_page_counts_their_lists_and_people_with_links(yujing_official):
    # given lists pushed to 玉井镇: one unsigned due in 3 days (two people without an outcome, one unwilling),
    # one unsigned past its deadline with one person without an outcome, one signed past its deadline with every
    # person's outcome recorded, one signed due in 8 days (beyond the 7 days) with one person without an outcome
    province = make_user("shanxi", Role.PROVINCE_STAFF, "14")
    due_soon = pushed_list(province, YUJING_TOWN, days_ago(-3))
    listed_person(due_soon, 1)
    listed_person(due_soon, 2)
    listed_person(due_soon, 3, reason=UninsuredReason.UNWILLING)
    overdue = pushed_list(province, YUJING_TOWN, days_ago(5))
    listed_person(overdue, 4)
    done = pushed_list(province, YUJING_TOWN, days_ago(5), signed_by=yujing_official)
    listed_person(done, 5, reason=UninsuredReason.MOVED_AWAY)
    later = pushed_list(province, YUJING_TOWN, days_ago(-8), signed_by=yujing_official)
    listed_person(later, 6)
    # and a list of 北周庄镇, unsigned, past its deadline, due in 2 days: another township's
    other = pushed_list(province, BEIZHOUZHUANG_TOWN, days_ago(-2))
    listed_person(other, 7)
    # when
    lines = home_todos(yujing_official)
    # then
    assert lines == [
        ("待签领的未参保人员名单", "2", "/targets/uninsured/"),
        ("7天内到反馈截止日期、尚未核实反馈的未参保人员", "2", "/targets/uninsured/ledger/"),
        ("已过反馈截止日期、仍有人员未反馈的名单", "1", "/targets/uninsured/"),
    ]


# --- city and province: divisions behind, fiscal transfers overdue (R11.3), stale snapshots (R10.3) ---------------


def snapshot(division: str, as_of: D, *, rate: str, target: str = "100", metric: str = "subsidised_newborns") -> None:
    ProgressSnapshot.objects.create(
        year=as_of.year,
        as_of=as_of,
        division_id=division,
        metric=metric,
        target=Decimal(target),
        actual=0,
        completion_rate=Decimal(rate),
        time_progress=time_progress(as_of),
        computed_at=timezone.now(),
    )


@pytest.fixture
def progress_and_transfers(db):
    """朔州's snapshots, 40 days old: 朔州 itself and 朔城区 behind time progress, 山阴 ahead, 应县 behind its
    enrollment-rate target (95%) though ahead in newborns; 太原 and 大同 computed 5 days ago, 太原 behind.
    朔州's 2026 prepay (朔城区, 山阴, 应县 three levels each) has come in only for 山阴's county level, in full, and
    for part of 山阴's province level: eight levels are overdue since 31 October 2026."""
    stale, fresh = days_ago(40), days_ago(5)
    snapshot("1406", stale, rate="0")
    snapshot("140602", stale, rate="0")
    snapshot(SHANYIN, stale, rate="1")
    snapshot(YINGXIAN, stale, rate="1")
    snapshot(YINGXIAN, stale, rate="0.9000", target="0.9500", metric="overall_enrollment_rate")
    snapshot("1401", fresh, rate="0")
    snapshot("1402", fresh, rate="1")
    # and an older snapshot of 大同, behind then: only the latest one counts
    snapshot("1402", days_ago(60), rate="0")
    shuozhou_with_pilot_tier()
    finance = make_user("shuozhou_finance", Role.FINANCE, "1406")
    shanyin = Division.objects.get(code=SHANYIN)
    for level, amount in (("county", "70000.00"), ("province", "50000.00")):
        fiscal_transfer_record(
            actor=finance, county=shanyin, year=2026, level=level, date=D(2026, 9, 1), amount=Decimal(amount),
            voucher_no=f"SX-{level}",
        )  # fmt: skip


def test_r10_3_r11_3_a_city_users_home_page_counts_their_citys_to_dos_with_links(progress_and_transfers, city_staff):
    # when (2026's transfers were due by 31 October 2026)
    lines = home_todos(city_staff)
    # then 朔城区 and 应县 are behind (朔州 is the user's own); 朔州 and its three counties' snapshots are stale
    assert lines == [
        (PROGRESS_BEHIND, "2", "/targets/"),
        (TRANSFERS_OVERDUE, "8", "/reports/fiscal/?year=2026&city=1406"),
        (SNAPSHOTS_STALE, "4", "/targets/"),
    ]


def test_r10_3_r11_3_a_province_users_home_page_counts_the_provinces_to_dos_with_links(progress_and_transfers):
    # given
    province = make_user("shanxi", Role.PROVINCE_STAFF, "14")
    # when
    lines = home_todos(province)
    # then 朔州, 朔城区, 应县 and 太原 are behind; 大同's latest snapshot is ahead
    assert lines[0] == (PROGRESS_BEHIND, "4", "/targets/")
    # and besides 朔州's eight levels, every county of the ten other cities owes its three levels of its city's 2026
    # target as the province set it (the seeded targets), nothing of which has come in
    other_counties = Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith="14").exclude(
        code__startswith="1406"
    )
    assert other_counties.count() == 114
    assert lines[1:] == [
        (TRANSFERS_OVERDUE, str(8 + 3 * 114), "/reports/fiscal/?year=2026"),
        (SNAPSHOTS_STALE, "4", "/targets/"),
    ]


def test_each_role_sees_only_its_own_lines(clerk, yujing_official, city_staff):
    # given
    finance = make_user("shuozhou_finance", Role.FINANCE, "1406")
    admin = make_user("admin", Role.SYSTEM_ADMIN, "14")
    # then
    assert [label for label, _, _ in home_todos(clerk)] == CLERK_LINES
    assert [label for label, _, _ in home_todos(yujing_official)] == TOWNSHIP_LINES
    assert [label for label, _, _ in home_todos(city_staff)] == [PROGRESS_BEHIND, TRANSFERS_OVERDUE, SNAPSHOTS_STALE]
    assert [label for label, _, _ in home_todos(finance)] == [TRANSFERS_OVERDUE]
    assert home_todos(admin) == []


def test_r11_3_the_provinces_overdue_line_reads_tiers_and_policy_once_per_city_not_once_per_county(
    progress_and_transfers,
):
    # given the province's 11 cities and 117 counties
    province = make_user("shanxi", Role.PROVINCE_STAFF, "14")
    cities = Division.objects.filter(level=DivisionLevel.CITY, code__startswith="14").count()
    # when
    with CaptureQueriesContext(connection) as queries:
        home_todos(province)
    # then each city's settlement reads its counties' tiers in one query and the policy token once
    statements = [query["sql"] for query in queries.captured_queries]
    assert sum('FROM "reports_countyfiscaltier"' in sql for sql in statements) == cities == 11
    assert sum("FROM enrollment_policyrevision" in sql for sql in statements) == cities
