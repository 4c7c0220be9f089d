"""R10.2: newborns enrolled in their birth year, per township of a county and per county of a city, against 80%."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from conftest import BEIZHOUZHUANG_TOWN, SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.coverage import CoverageRow
from enrollment.models import Enrollment
from enrollment.rules import id_number_compose
from enrollment.services import resident_create
from newborns.models import BirthRecord
from newborns.selectors.coverage import newborn_coverage
from newborns.services import newborn_register

pytestmark = pytest.mark.django_db
D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
TARGET = Decimal("0.8000")


def mother(number: int) -> str:
    return id_number_compose(address_code=SHANYIN, birth_date=D(1990, 1, number), sequence=20 + 2 * number)


def registered(actor, number, *, born, registered_on, township=YUJING_TOWN, recorded_on=None):
    """A birth registered through the service, its enrollment recorded on `recorded_on` (the registration date if
    None: the figures of a report date must not depend on the day the tests run)."""
    record, _ = newborn_register(
        actor=actor,
        birth_certificate_no=f"P2026{number:04d}",
        name=f"新生儿{number}",
        gender="F",
        birth_date=born,
        mother_id_number=mother(number),
        division=first_village(township),
        registration_date=registered_on,
    )
    # the enrollment as recorded that day at half past midnight in Shanxi (the evening before in UTC)
    moment = datetime.datetime.combine(recorded_on or registered_on, datetime.time(0, 30), tzinfo=SHANGHAI)
    Enrollment.objects.filter(pk=record.enrollment_id).update(created_at=moment)
    return record


def not_enrolled(actor, number, *, born, township):
    """A birth on record whose baby has no enrollment (the family has not paid)."""
    baby = resident_create(
        actor=actor,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=born, sequence=100 + 2 * number),
        name=f"新生儿{number}",
        household_division=first_village(township),
    )
    return BirthRecord.objects.create(
        birth_certificate_no=f"P2026{number:04d}",
        name=baby.name,
        gender="F",
        birth_date=born,
        mother_id_number=mother(number),
        division=first_village(township),
        registration_date=born,
        channel="window",
        resident=baby,
        registered_by=actor,
    )


@pytest.fixture
def births(clerk):
    """玉井镇: 4 births of 2026, 3 enrolled in their birth year (one recorded on 1 Aug); 北周庄镇: 1 birth not
    enrolled; a baby of 2025 enrolled only for 2026; a birth in 应县."""
    registered(clerk, 1, born=D(2026, 2, 1), registered_on=D(2026, 2, 10), recorded_on=D(2026, 2, 10))
    registered(clerk, 2, born=D(2026, 5, 1), registered_on=D(2026, 8, 1), recorded_on=D(2026, 8, 1))
    registered(clerk, 3, born=D(2026, 9, 15), registered_on=D(2026, 9, 20))
    not_enrolled(clerk, 4, born=D(2026, 3, 1), township=YUJING_TOWN)
    not_enrolled(clerk, 5, born=D(2026, 4, 1), township=BEIZHOUZHUANG_TOWN)
    registered(clerk, 6, born=D(2025, 12, 20), registered_on=D(2026, 2, 10))
    yingxian_clerk = make_user("yingxian", Role.WINDOW_CLERK, "140622")
    registered(yingxian_clerk, 7, born=D(2026, 3, 3), registered_on=D(2026, 3, 5), township="140622100")


def rows_by_code(coverage):
    return {row.code: row for row in coverage.rows}


def test_r10_2_newborn_coverage_per_township_of_the_county(clerk, births):
    # when
    coverage = newborn_coverage(user=clerk, division_code=SHANYIN, year=2026, as_of=D(2026, 11, 26))
    # then
    rows = rows_by_code(coverage)
    assert rows[YUJING_TOWN] == CoverageRow(
        code=YUJING_TOWN,
        name="玉井镇",
        people=4,
        enrolled=3,
        rate=Decimal("0.7500"),
        target=TARGET,
        gap_to_target=1,
    )
    assert rows[BEIZHOUZHUANG_TOWN] == CoverageRow(
        code=BEIZHOUZHUANG_TOWN,
        name="北周庄镇",
        people=1,
        enrolled=0,
        rate=Decimal("0.0000"),
        target=TARGET,
        gap_to_target=1,
    )
    assert (rows[YUJING_TOWN].below_target, rows[YUJING_TOWN].not_enrolled) == (True, 1)
    others = [row for code, row in rows.items() if code not in (YUJING_TOWN, BEIZHOUZHUANG_TOWN)]
    assert others and {(row.people, row.enrolled, row.rate, row.gap_to_target) for row in others} == {(0, 0, None, 0)}
    assert coverage.total == CoverageRow(
        code=SHANYIN,
        name="山阴县",
        people=5,
        enrolled=3,
        rate=Decimal("0.6000"),
        target=TARGET,
        gap_to_target=1,
    )
    assert (coverage.target_source, coverage.within) == ("陕医保发〔2024〕7号", "")


def test_r10_2_a_birth_enrolled_only_in_the_next_year_does_not_count(clerk, births):
    # when: the baby born 2025-12-20 was registered in February 2026, so enrolled for 2026 only
    coverage = newborn_coverage(user=clerk, division_code=SHANYIN, year=2025, as_of=D(2025, 12, 31))
    # then: a birth of 2025, not enrolled in 2025; no target is set for 2025
    assert rows_by_code(coverage)[YUJING_TOWN] == CoverageRow(
        code=YUJING_TOWN, name="玉井镇", people=1, enrolled=0, rate=Decimal("0.0000"), target=None, gap_to_target=None
    )
    assert (coverage.total.people, coverage.total.enrolled, coverage.total.below_target) == (1, 0, False)


def test_r10_2_as_of_counts_births_up_to_the_date_and_enrollments_recorded_by_then(clerk, births):
    # when: the day before the enrollment of baby 2 was recorded, then that day
    before = newborn_coverage(user=clerk, division_code=SHANYIN, year=2026, as_of=D(2026, 7, 31))
    on_the_day = newborn_coverage(user=clerk, division_code=SHANYIN, year=2026, as_of=D(2026, 8, 1))
    # then: babies 1, 2 and 4 were born by then (3 only in September); 2 counts from 1 Aug (Shanxi time)
    assert (rows_by_code(before)[YUJING_TOWN].people, rows_by_code(before)[YUJING_TOWN].enrolled) == (3, 1)
    assert (rows_by_code(before)[YUJING_TOWN].rate, rows_by_code(before)[YUJING_TOWN].gap_to_target) == (
        Decimal("0.3333"),
        2,
    )
    assert (rows_by_code(on_the_day)[YUJING_TOWN].people, rows_by_code(on_the_day)[YUJING_TOWN].enrolled) == (3, 2)
    assert (on_the_day.total.people, on_the_day.total.enrolled, on_the_day.total.gap_to_target) == (4, 2, 2)


def test_r10_2_per_county_of_the_city(city_staff, births):
    # when
    coverage = newborn_coverage(user=city_staff, division_code="1406", year=2026, as_of=D(2026, 11, 26))
    # then
    rows = rows_by_code(coverage)
    assert (rows[SHANYIN].people, rows[SHANYIN].enrolled, rows[SHANYIN].rate, rows[SHANYIN].gap_to_target) == (
        5,
        3,
        Decimal("0.6000"),
        1,
    )
    assert (rows["140622"].people, rows["140622"].enrolled, rows["140622"].rate, rows["140622"].gap_to_target) == (
        1,
        1,
        Decimal("1.0000"),
        0,
    )
    assert (coverage.total.people, coverage.total.enrolled, coverage.total.rate, coverage.total.gap_to_target) == (
        6,
        4,
        Decimal("0.6666"),
        1,
    )


def test_r10_2_a_township_official_sees_their_township_only(yujing_official, births):
    coverage = newborn_coverage(user=yujing_official, division_code=SHANYIN, year=2026, as_of=D(2026, 11, 26))
    assert [row.code for row in coverage.rows] == [YUJING_TOWN]
    assert (coverage.total.people, coverage.total.enrolled, coverage.within) == (4, 3, "玉井镇")


# --- Pages ---------------------------------------------------------------------------------------------------


def test_page_shows_the_rates_and_marks_those_below_target_red(client, clerk, births):
    # given
    client.force_login(clerk)
    # when
    response = client.get("/newborns/coverage/", {"year": 2026, "division": SHANYIN, "as_of": "2026-11-26"})
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "山阴县2026年度新生儿出生当年参保率" in page
    assert "不低于 80.00%（陕医保发〔2024〕7号，R10.2）" in page
    assert '<td class="text-end text-danger fw-bold">75.00%</td>' in page
    assert '<td class="text-end text-danger fw-bold">60.00%</td>' in page


def test_page_defaults_to_the_user_s_county_and_today(client, clerk, births):
    client.force_login(clerk)
    response = client.get("/newborns/coverage/")
    coverage = response.context["coverage"]
    assert (response.status_code, coverage.division_code, coverage.total.people) == (200, SHANYIN, 5)


def test_excel_in_the_ledger_layout_with_totals(client, clerk, births):
    # given
    client.force_login(clerk)
    # when
    response = client.get(
        "/newborns/coverage/coverage.xlsx", {"year": 2026, "division": SHANYIN, "as_of": "2026-11-26"}
    )
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "山阴县2026年度新生儿出生当年参保率"
    assert (values[1][0], values[1][7]) == ("填报单位：山阴县", "截止日期：2026年11月26日")
    assert values[2] == [
        "序号",
        "乡（镇、街道）",
        "出生人数",
        "出生当年参保人数",
        "未参保人数",
        "参保率",
        "目标",
        "距目标还差（人）",
    ]
    yujing = next(row for row in values if row[1] == "玉井镇")
    assert yujing[2:] == [4, 3, 1, "75.00%", "80.00%", 1]
    total = next(row for row in values if row[0] == "合计")
    assert total == ["合计", None, 5, 3, 2, "60.00%", "80.00%", 1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "abc"}, "年度应为四位数字，如2026。"),
        ({"division": "12345"}, "区划代码应为2位（省）、4位（市）或6位（区县）数字。"),
        ({"as_of": "2026-13-01"}, "统计日期应为“年-月-日”，如2026-11-26。"),
        ({"year": "2026", "as_of": "2025-12-31"}, "统计日期不能早于2026年1月1日。"),
        ({"division": "140699"}, "区划代码 140699 不是已知的省或市或县（区）。"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(client, clerk, query, message):
    client.force_login(clerk)
    for url in ("/newborns/coverage/", "/newborns/coverage/coverage.xlsx"):
        response = client.get(url, query)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_a_division_outside_the_scope_is_not_found(client, clerk, yujing_official):
    for user in (clerk, yujing_official):
        client.force_login(user)
        for url in ("/newborns/coverage/", "/newborns/coverage/coverage.xlsx"):
            assert client.get(url, {"division": "140622"}).status_code == 404


def test_users_without_the_newborn_permission_are_refused(client):
    client.force_login(make_user("finance", Role.FINANCE, SHANYIN))
    assert client.get("/newborns/coverage/").status_code == 403
