"""R10.3 on the page: the progress dashboards read stored snapshots, rank and colour them, drill down, export the
table in the ledger layout, and recompute through the refresh button's job."""

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from conftest import SHANYIN, make_user
from divisions.models import Division
from enrollment.rules import id_number_compose
from newborns.services import newborn_register
from targets.models import PopulationBaseline, ProgressJob, ProgressSnapshot
from targets.rules import time_progress
from targets.tasks import progress_scheduled_task

pytestmark = pytest.mark.django_db
D = datetime.date
JUNE_30 = D(2026, 6, 30)
MARCH_31 = D(2026, 3, 31)
NEWBORNS = "subsidised_newborns"
OVERALL = "overall_enrollment_rate"


def snapshot(division, as_of, *, actual, target=None, rate=None, gap=None, base=None, metric=NEWBORNS):
    return ProgressSnapshot.objects.create(
        year=2026,
        as_of=as_of,
        division_id=division,
        metric=metric,
        target=None if target is None else Decimal(target),
        actual=actual,
        base=base,
        completion_rate=None if rate is None else Decimal(rate),
        time_progress=time_progress(as_of),
        gap=gap,
        computed_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),
    )


@pytest.fixture
def province_staff(db):
    return make_user("shanxi", "province_staff", "14")


@pytest.fixture
def city_snapshots(db):
    """On 30 June (time progress 0.4959): 太原 ahead, 朔州 a little behind, 阳泉 far behind; and 31 March."""
    snapshot("14", JUNE_30, actual=14800, target=134600, rate="0.1100", gap=51949)
    snapshot("1401", JUNE_30, actual=11000, target=20900, rate="0.5263", gap=-636)
    snapshot("1406", JUNE_30, actual=2800, target=6000, rate="0.4667", gap=175)
    snapshot("1403", JUNE_30, actual=1000, target=3900, rate="0.2564", gap=934)
    snapshot("14", MARCH_31, actual=5000, target=134600, rate="0.0371", gap=28188)
    snapshot("1401", MARCH_31, actual=4000, target=20900, rate="0.1914", gap=1153)
    snapshot("1406", MARCH_31, actual=900, target=6000, rate="0.1500", gap=579)


def page_of(client, user, query=None):
    client.force_login(user)
    return client.get("/targets/", query or {})


def test_r10_3_province_dashboard_ranks_cities_by_completion_rate_with_colours(client, province_staff, city_snapshots):
    # when
    response = page_of(client, province_staff)
    # then: the latest date by default, ranked, coloured against the time progress
    dashboard = response.context["dashboard"]
    assert (response.status_code, dashboard.as_of, dashboard.division.code) == (200, JUNE_30, "14")
    assert [(row.name, row.completion_rate, row.status) for row in dashboard.rows] == [
        ("太原市", Decimal("0.5263"), "green"),  # >= 0.4959
        ("朔州市", Decimal("0.4667"), "amber"),  # >= 0.9 × 0.4959 = 0.4463
        ("阳泉市", Decimal("0.2564"), "red"),
    ]
    totals = dashboard.totals
    assert (totals.target, totals.actual, totals.completion_rate, totals.gap) == (
        Decimal(30800),
        14800,
        Decimal("0.4805"),  # 14800 / 30800
        473,
    )
    assert dashboard.own.actual == 14800
    html = response.content.decode()
    assert 'class="table-success" data-division="1401"' in html
    assert 'class="table-warning" data-division="1406"' in html
    assert 'class="table-danger" data-division="1403"' in html
    assert "49.59%" in html
    assert "/static/vendor/echarts/echarts.min.js" in html


def test_r10_3_trend_per_quarter_up_to_the_date(client, province_staff, city_snapshots):
    # when
    dashboard = page_of(client, province_staff).context["dashboard"]
    # then
    assert dashboard.trend_dates == [MARCH_31, JUNE_30]
    assert dashboard.trend_time_progress == [Decimal("0.2466"), Decimal("0.4959")]
    assert [(series.name, series.completion_rates) for series in dashboard.trend] == [
        ("山西省", [Decimal("0.0371"), Decimal("0.1100")]),
        ("太原市", [Decimal("0.1914"), Decimal("0.5263")]),
        ("朔州市", [Decimal("0.1500"), Decimal("0.4667")]),
        ("阳泉市", [None, Decimal("0.2564")]),
    ]


def test_r10_3_an_earlier_date_shows_its_own_snapshots(client, province_staff, city_snapshots):
    # when
    dashboard = page_of(client, province_staff, {"as_of": "2026-03-31"}).context["dashboard"]
    # then
    assert dashboard.dates == [JUNE_30, MARCH_31]
    assert [(row.code, row.actual) for row in dashboard.rows] == [("1401", 4000), ("1406", 900)]
    assert dashboard.trend_dates == [MARCH_31]


def test_r10_3_drill_down_city_to_counties_to_townships(client, province_staff, city_snapshots):
    # given: Shuozhou split its target to two counties, Shanyin to one township
    snapshot("140621", JUNE_30, actual=400, target=700, rate="0.5714", gap=-53)
    snapshot("140602", JUNE_30, actual=300, target=1500, rate="0.2000", gap=444)
    snapshot("140621100", JUNE_30, actual=150, target=300, rate="0.5000", gap=-1)
    # when
    city = page_of(client, province_staff, {"division": "1406"})
    county = client.get("/targets/", {"division": SHANYIN})
    # then
    assert [(row.name, row.drillable) for row in city.context["dashboard"].rows] == [
        ("山阴县", True),
        ("朔城区", True),
    ]
    assert city.context["dashboard"].own.actual == 2800
    link = "/targets/?year=2026&amp;metric=subsidised_newborns&amp;division=140621&amp;as_of=2026-06-30"
    assert f'<a href="{link}">山阴县</a>' in city.content.decode()
    assert [(row.name, row.drillable) for row in county.context["dashboard"].rows] == [("玉井镇", False)]
    assert [division.name for division in county.context["dashboard"].ancestors] == ["山西省", "朔州市"]


def test_r10_3_excel_of_the_table_in_the_ledger_layout_with_totals(client, province_staff, city_snapshots):
    # when
    client.force_login(province_staff)
    response = client.get("/targets/export/", {"as_of": "2026-06-30"})
    # then
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=7)]
    assert values[0][0] == "山西省2026年度资助新生儿参保人数完成情况"
    assert values[1][0] == "填报单位：山西省"
    assert values[2] == ["序号", "区划代码", "区划名称", "目标人数", "实际人数", "完成率", "时间进度", "差距（人）"]
    assert values[3] == [1, "1401", "太原市", 20900, 11000, 0.5263, 0.4959, -636]
    assert values[4][:3] == [2, "1406", "朔州市"]
    assert values[5][:3] == [3, "1403", "阳泉市"]
    assert values[6] == ["合计", None, None, 30800, 14800, 0.4805, 0.4959, 473]
    assert sheet.cell(row=7, column=6).number_format == "0.00%"


def test_r10_3_overall_enrollment_rate_tab_colours_against_the_target(client, city_staff):
    # given
    snapshot(SHANYIN, JUNE_30, actual=6, base=8, target="0.9500", rate="0.7500", gap=2, metric=OVERALL)
    snapshot("140602", JUNE_30, actual=96, base=100, target="0.9500", rate="0.9600", gap=0, metric=OVERALL)
    # when
    response = page_of(client, city_staff, {"metric": OVERALL})
    # then
    dashboard = response.context["dashboard"]
    assert [(row.code, row.completion_rate, row.status, row.gap) for row in dashboard.rows] == [
        ("140602", Decimal("0.9600"), "green", 0),
        (SHANYIN, Decimal("0.7500"), "red", 2),  # below 0.9 × 0.95 = 0.855
    ]
    assert (dashboard.totals.base, dashboard.totals.actual, dashboard.totals.completion_rate) == (
        108,
        102,
        Decimal("0.9444"),
    )
    assert 'aria-current="page">总体参保率</a>' in response.content.decode()


def test_r10_3_the_page_costs_the_same_few_queries_for_any_number_of_divisions(
    client, province_staff, city_snapshots, django_assert_max_num_queries
):
    # given three cities, then every city of Shanxi
    client.force_login(province_staff)
    client.get("/targets/")
    with CaptureQueriesContext(connection) as three_cities:
        client.get("/targets/")
    for code in ("1402", "1404", "1405", "1407", "1408", "1409", "1410", "1411"):
        snapshot(code, JUNE_30, actual=10, target=1000, rate="0.0100", gap=486)
        snapshot(code, MARCH_31, actual=5, target=1000, rate="0.0050", gap=242)
    # when: session, user, two permission reads, the navbar's division; then the division and its ancestors, the
    # snapshot dates, and the snapshots of every row and quarter
    with django_assert_max_num_queries(8):
        response = client.get("/targets/")
    # then
    assert len(response.context["dashboard"].rows) == 11
    assert len(three_cities.captured_queries) == 8


# --- Scope and permission -----------------------------------------------------------------------------------------


def test_r10_3_city_staff_land_on_their_city(client, city_staff, city_snapshots):
    dashboard = page_of(client, city_staff).context["dashboard"]
    assert (dashboard.division.code, dashboard.own.actual) == ("1406", 2800)


@pytest.mark.parametrize("path", ["/targets/", "/targets/export/"])
@pytest.mark.parametrize("division", ["1401", "14"])
def test_r10_3_another_city_or_the_province_is_404_for_city_staff(client, city_staff, city_snapshots, path, division):
    client.force_login(city_staff)
    assert client.get(path, {"division": division, "as_of": "2026-06-30"}).status_code == 404


def test_r10_3_township_officials_have_no_dashboard(client, yujing_official, city_snapshots):
    # when
    client.force_login(yujing_official)
    responses = [
        client.get("/targets/"),
        client.get("/targets/export/"),
        client.post("/targets/refresh/", {"year": 2026, "as_of": "2026-06-30"}),
    ]
    # then: nothing changed
    assert [response.status_code for response in responses] == [403, 403, 403]
    assert ProgressJob.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "二〇二六"}, "年度应为四位数字，如2026。"),
        ({"year": "2026", "as_of": "2025-12-31"}, "统计截止日应在所查年度或其次年之内。"),
        ({"division": "14062"}, "区划代码应为省（2位）、市（4位）或县区（6位）代码。"),
        ({"metric": "hardship_enrollment_rate"}, "没有该指标的进度。"),
    ],
)
def test_r10_3_unreadable_parameters_are_400_with_the_reason(client, province_staff, query, message):
    response = page_of(client, province_staff, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_r10_3_no_snapshot_yet_says_so(client, province_staff):
    response = page_of(client, province_staff, {"metric": OVERALL})
    assert response.status_code == 200
    assert "山西省2026年度尚无总体参保率的进度数据。" in " ".join(response.content.decode().split())


def test_r10_3_a_county_whose_target_is_not_split_to_its_townships_shows_its_own_progress(client, clerk):
    # given 山阴县's progress on 30 June, and none of its townships (their targets not split)
    snapshot(SHANYIN, JUNE_30, actual=400, target=700, rate="0.5714", gap=-53)
    # when its clerk opens the dashboard
    response = page_of(client, clerk)
    # then the county's own figures, and why there is no row below it
    text = " ".join(response.content.decode().split())
    assert "统计截止2026年6月30日，时间进度 <strong>49.59%</strong>。" in text
    assert "山阴县： 目标 700 人，已完成 400 人，完成率 <strong>57.14%</strong>，已达到时间进度。" in text
    assert "山阴县的目标尚未分解到各乡（镇、街道），这里只有山阴县本级的进度。" in text
    assert "尚无" not in text
    assert 'id="ranking"' not in text


# --- The refresh button -------------------------------------------------------------------------------------------


def test_r10_3_refresh_computes_every_level_and_links_back_to_the_date(
    client, city_staff, django_capture_on_commit_callbacks
):
    # given a baseline for Shanyin, so the overall rate is computed for it too
    PopulationBaseline.objects.create(
        division_id=SHANYIN, year=2026, registered_population=10, employee_insured=2, source_document="统计年鉴2025"
    )
    client.force_login(city_staff)
    # when: the job runs eagerly once the request's transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/targets/refresh/", {"year": 2026, "as_of": "2026-06-30", "division": "1406", "metric": NEWBORNS}
        )
    # then
    job = ProgressJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/targets/jobs/{job.pk}/?division=1406&metric=subsidised_newborns"
    assert (job.status, job.levels_done, job.levels_total, job.requested_by) == ("succeeded", 4, 4, city_staff)
    assert ProgressSnapshot.objects.filter(as_of=JUNE_30, metric=NEWBORNS).count() == 12  # the province, 11 cities
    assert ProgressSnapshot.objects.filter(as_of=JUNE_30, metric=OVERALL).count() == 1
    page = client.get(response["Location"])
    link = "/targets/?year=2026&amp;metric=subsidised_newborns&amp;division=1406&amp;as_of=2026-06-30"
    assert f'<a class="btn btn-success" href="{link}">' in page.content.decode()
    dashboard = client.get("/targets/", {"division": "1406"}).context["dashboard"]
    assert (dashboard.as_of, dashboard.own.target, dashboard.own.actual) == (JUNE_30, Decimal("6000.0000"), 0)


def test_r10_3_job_progress_is_polled_until_done(client, city_staff):
    # given a job still running
    job = ProgressJob.objects.create(year=2026, as_of=JUNE_30, status="running", levels_total=4, levels_done=2)
    client.force_login(city_staff)
    # when
    polled = client.get(f"/targets/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    # then
    html = polled.content.decode()
    assert f'hx-get="/targets/jobs/{job.pk}/"' in html
    assert "已完成 2 / 4 个层级" in html
    assert 'style="width: 50%"' in html
    assert "<html" not in html


def test_r10_3_a_second_refresh_for_the_same_date_shows_the_job_already_running(client, city_staff, province_staff):
    # given a job for June 30 asked for by the province ten minutes ago and still running
    asked = ProgressJob.objects.create(
        year=2026, as_of=JUNE_30, status="running", levels_total=4, levels_done=1, requested_by=province_staff
    )
    ProgressJob.objects.filter(pk=asked.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    client.force_login(city_staff)
    # when the city asks again for the same date
    response = client.post("/targets/refresh/", {"year": 2026, "as_of": "2026-06-30", "division": "1406"}, follow=True)
    # then it is shown that job, and no second one is queued
    assert response.redirect_chain == [(f"/targets/jobs/{asked.pk}/?division=1406", 302)]
    assert list(ProgressJob.objects.values_list("pk", "requested_by")) == [(asked.pk, province_staff.pk)]
    asked_at = timezone.localtime(timezone.now() - datetime.timedelta(minutes=10))
    message = f"2026年进度（截至2026-06-30）的计算已在进行中（{asked_at:%H:%M}发起），这里显示它的进度，无需重复计算。"
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("status", "minutes_ago", "as_of"),
    [
        ("succeeded", 1, "2026-06-30"),  # finished: the button computes again
        ("failed", 1, "2026-06-30"),
        ("queued", 31, "2026-06-30"),  # asked for longer ago than PROGRESS_JOB_JOIN_MINUTES: taken for lost
        ("running", 1, "2026-03-31"),  # another date
    ],
)
def test_r10_3_refresh_starts_a_new_job_unless_the_same_one_is_under_way(
    client, city_staff, status, minutes_ago, as_of, settings
):
    settings.PROGRESS_JOB_JOIN_MINUTES = 30
    earlier = ProgressJob.objects.create(year=2026, as_of=JUNE_30, status=status, levels_total=4)
    ProgressJob.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    client.force_login(city_staff)
    response = client.post("/targets/refresh/", {"year": 2026, "as_of": as_of})
    new = ProgressJob.objects.exclude(pk=earlier.pk).get()
    assert (new.as_of.isoformat(), new.status, new.requested_by) == (as_of, "queued", city_staff)
    assert response["Location"] == f"/targets/jobs/{new.pk}/?"


def test_r10_3_refresh_starts_a_new_job_when_the_one_under_way_is_interrupted(client, city_staff, settings):
    # given a job for June 30 running, whose worker was last heard of a minute ago
    settings.JOB_HEARTBEAT_STALE_SECONDS = 30
    a_minute_ago = timezone.now() - datetime.timedelta(minutes=1)
    earlier = ProgressJob.objects.create(
        year=2026, as_of=JUNE_30, status="running", levels_total=4, started_at=a_minute_ago, heartbeat_at=a_minute_ago
    )
    client.force_login(city_staff)
    assert "状态：<strong>已中断</strong>" in client.get(f"/targets/jobs/{earlier.pk}/").content.decode()
    # when the refresh is pressed for the same date
    response = client.post("/targets/refresh/", {"year": 2026, "as_of": "2026-06-30"})
    # then a new job is queued instead of the interrupted one being shown
    new = ProgressJob.objects.exclude(pk=earlier.pk).get()
    assert (new.status, new.requested_by) == ("queued", city_staff)
    assert response["Location"] == f"/targets/jobs/{new.pk}/?"


def test_r10_3_the_nightly_schedule_joins_a_job_already_under_way(province_staff):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    asked = ProgressJob.objects.create(year=yesterday.year, as_of=yesterday, status="queued", levels_total=4)
    assert progress_scheduled_task() == asked.pk
    assert ProgressJob.objects.count() == 1


def test_r10_3_the_nightly_schedule_recomputes_the_rows_the_dashboard_reads(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    # given the demo, its progress computed as of 30 June among other dates, and a birth of 20 June registered on
    # 30 June afterwards
    call_command("seed_demo", residents=10, stdout=io.StringIO())
    city_staff = User.objects.get(username="city")
    before = client_row(client, city_staff, SHANYIN, as_of=JUNE_30)
    newborn_register(
        actor=User.objects.get(username="clerk"),
        birth_certificate_no="P140621000001",
        name="王小明",
        gender="M",
        birth_date=D(2026, 6, 20),
        mother_id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1995, 3, 8), sequence=122),
        division=Division.objects.get(code="140621100201"),
        registration_date=JUNE_30,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(2026, 6, 20), sequence=131),
    )
    assert client_row(client, city_staff, SHANYIN, as_of=JUNE_30) == before
    # when the beat's task runs in the night of 1 July, its job at once (Celery eager)
    monkeypatch.setattr("targets.tasks.timezone.localdate", lambda: D(2026, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        job_id = progress_scheduled_task()
    # then the job computed as of 30 June, and the city's dashboard counts the baby in 山阴县
    job = ProgressJob.objects.get(pk=job_id)
    assert (job.as_of, job.status, job.requested_by) == (JUNE_30, "succeeded", None)
    target, actual = before[0], before[1] + 1
    gap = int((Decimal(target) * 181 / 365 - actual).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert client_row(client, city_staff, SHANYIN, as_of=JUNE_30) == [target, actual, gap]


def client_row(client, user, code, *, as_of):
    """目标人数, 实际人数 and 差距 of a county's row on its city's dashboard as of a date, as the page shows them."""
    client.force_login(user)
    response = client.get("/targets/", {"year": 2026, "division": code[:4], "as_of": as_of.isoformat()})
    row = response.content.decode().split(f'data-division="{code}"')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="text-end">')[1:]]
    return [int(cells[0].replace(",", "")), int(cells[1].replace(",", "")), int(cells[4].replace(",", ""))]


@pytest.mark.parametrize(
    ("days_from_today", "message"), [(1, "统计截止日不能晚于今天。"), (-400, "统计截止日应在所查年度或其次年之内。")]
)
def test_r10_3_refresh_refused_for_a_future_or_other_year_date(
    client, city_staff, django_capture_on_commit_callbacks, days_from_today, message
):
    # given
    client.force_login(city_staff)
    as_of = timezone.localdate() + datetime.timedelta(days=days_from_today)
    year = timezone.localdate().year if days_from_today < 0 else as_of.year
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/targets/refresh/", {"year": year, "as_of": as_of.isoformat()}, follow=True)
    # then nothing changed
    assert message in response.content.decode()
    assert (ProgressJob.objects.count(), ProgressSnapshot.objects.count()) == (0, 0)
