"""R10.2: the hardship coverage rate per township and county against the 99% target, and the people not enrolled."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from accounts.personal_data import id_number_mask
from accounts.scope import DivisionOutOfScope
from conftest import BEIZHOUZHUANG_TOWN, SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.coverage import coverage_gap, coverage_rate
from enrollment.models import PolicyParameterSet
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, refund_request, resident_create
from subsidies.selectors import hardship_coverage, hardship_coverage_overview, hardship_unenrolled
from subsidies.services import hardship_identity_create

D = datetime.date
AS_OF = D(2026, 6, 30)
TARGET = Decimal("0.9900")


# --- the rate and the gap, without the database -----------------------------------------------------------------


def test_r10_2_rate_is_rounded_down_to_four_places_and_never_overstates():
    assert coverage_rate(enrolled=9899, people=9999) == Decimal("0.9899")
    assert coverage_rate(enrolled=4, people=7) == Decimal("0.5714")
    assert coverage_rate(enrolled=1, people=1) == Decimal("1.0000")
    assert coverage_rate(enrolled=0, people=0) is None


def test_r10_2_gap_counts_a_part_of_a_person_as_one():
    # 99% of 9999 people is 9899.01: 9900 must be enrolled
    assert coverage_gap(enrolled=9899, people=9999, target=TARGET) == 1
    assert coverage_gap(enrolled=3, people=6, target=TARGET) == 3
    assert coverage_gap(enrolled=100, people=100, target=TARGET) == 0
    assert coverage_gap(enrolled=0, people=0, target=TARGET) == 0


# --- figures from the database -----------------------------------------------------------------------------------


def resident(clerk, name, township, sequence, phone=""):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1960, 5, 5), sequence=sequence),
        name=name,
        phone=phone,
        household_division=first_village(township),
    )


def certify(clerk, person, category, valid_to=None, disability_grade=None):
    department = "残联" if category == "disability" else "民政"
    return hardship_identity_create(
        actor=clerk,
        resident=person,
        category=category,
        department=department,
        valid_from=D(2025, 1, 1),
        valid_to=valid_to,
        disability_grade=disability_grade,
    )


def enroll(clerk, person):
    return enrollment_create(
        actor=clerk, resident=person, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )


@pytest.fixture
def shanyin_hardship(clerk):
    """Yujing: 6 hardship residents of whom 3 enrolled, and 3 residents who are not hardship residents on AS_OF;
    Beizhouzhuang: 1 hardship resident, enrolled."""
    people = {}

    def add(key, name, township, sequence, **extra):
        people[key] = resident(clerk, name, township, sequence, **extra)
        return people[key]

    enroll(clerk, certify(clerk, add("dibao", "甲低保", YUJING_TOWN, 201), "dibao").resident)
    certify(clerk, add("tekun", "乙特困", YUJING_TOWN, 203, phone="13900000001"), "tekun")
    certify(clerk, add("grade_3_alone", "丙三级", YUJING_TOWN, 205), "disability", disability_grade=3)
    grade_3_with_dibao = add("grade_3_with_dibao", "丁三级低保", YUJING_TOWN, 207)
    certify(clerk, grade_3_with_dibao, "disability", disability_grade=3)
    certify(clerk, grade_3_with_dibao, "dibao")
    enroll(clerk, grade_3_with_dibao)
    enroll(clerk, certify(clerk, add("stable", "戊稳定脱贫", YUJING_TOWN, 209), "stable_poverty_alleviated").resident)
    certify(clerk, add("expired", "己已过期", YUJING_TOWN, 211), "dibao", valid_to=D(2026, 3, 31))
    enroll(clerk, add("ordinary", "庚普通", YUJING_TOWN, 213))
    certify(clerk, add("grade_2_alone", "辛二级", YUJING_TOWN, 215), "disability", disability_grade=2)
    refunded = enroll(
        clerk, certify(clerk, add("refunded", "壬返贫", YUJING_TOWN, 217), "returned_to_poverty").resident
    )
    refund_request(actor=clerk, enrollment=refunded, reason="employee_insured", date=D(2026, 1, 10))
    enroll(clerk, certify(clerk, add("beizhouzhuang_dibao", "癸低保", BEIZHOUZHUANG_TOWN, 219), "dibao").resident)
    return people


def figures(row):
    return (row.code, row.name, row.people, row.enrolled, row.rate, row.gap_to_target, row.below_target)


@pytest.mark.django_db
def test_r10_2_coverage_per_township_and_county_against_the_target(clerk, shanyin_hardship):
    # when
    coverage = hardship_coverage(user=clerk, county_code=SHANYIN, year=2026, as_of=AS_OF)
    # then
    rows = {row.code: row for row in coverage.rows}
    assert figures(rows[YUJING_TOWN]) == (YUJING_TOWN, "玉井镇", 6, 3, Decimal("0.5000"), 3, True)
    assert figures(rows[BEIZHOUZHUANG_TOWN]) == (BEIZHOUZHUANG_TOWN, "北周庄镇", 1, 1, Decimal("1.0000"), 0, False)
    assert figures(rows["140621102"]) == ("140621102", "古城镇", 0, 0, None, 0, False)
    assert [row.code for row in coverage.rows] == sorted(rows)
    assert len(coverage.rows) > 3  # every township of the county is a row
    assert figures(coverage.total) == (SHANYIN, "山阴县", 7, 4, Decimal("0.5714"), 3, True)
    assert (coverage.total.target, coverage.target_source, coverage.within) == (TARGET, "山政办发〔2025〕17号", "")


@pytest.mark.django_db
def test_r10_2_combination_rule_grade_3_counts_only_with_dibao(clerk, shanyin_hardship):
    # when
    unenrolled = hardship_unenrolled(user=clerk, year=2026, as_of=AS_OF, division_code=YUJING_TOWN)
    # then: grade 3 alone is not a hardship identity, grade 2 alone is (severe_disability);
    # the grade-3 dibao resident is enrolled, so counted among the enrolled above
    names = [person.name for person in unenrolled]
    assert "丙三级" not in names
    assert "辛二级" in names
    # and once the grade-3 resident is certified dibao too, they count
    certify(clerk, shanyin_hardship["grade_3_alone"], "dibao")
    after = hardship_coverage(user=clerk, county_code=SHANYIN, year=2026, as_of=AS_OF)
    assert (after.total.people, after.total.enrolled) == (8, 4)


@pytest.mark.django_db
def test_r10_2_identity_expired_before_the_date_does_not_count(clerk, shanyin_hardship):
    # when: on the day before it ended, the expired dibao counts; on AS_OF it does not
    before = hardship_coverage(user=clerk, county_code=SHANYIN, year=2026, as_of=D(2026, 3, 31))
    on_date = hardship_coverage(user=clerk, county_code=SHANYIN, year=2026, as_of=AS_OF)
    # then
    assert (before.total.people, on_date.total.people) == (8, 7)


@pytest.mark.django_db
def test_r10_2_unenrolled_are_the_hardship_residents_without_an_active_enrollment(clerk, shanyin_hardship):
    # when
    unenrolled = hardship_unenrolled(user=clerk, year=2026, as_of=AS_OF, division_code=SHANYIN)
    # then: the refunded one included, by village and name
    assert sorted((person.name, person.phone) for person in unenrolled) == [
        ("乙特困", "13900000001"),
        ("壬返贫", ""),
        ("辛二级", ""),
    ]
    assert [identity.category for identity in unenrolled.get(name="辛二级").hardship_identities.all()] == ["disability"]


@pytest.mark.django_db
def test_r10_2_township_official_sees_only_their_township(yujing_official, shanyin_hardship):
    # when
    coverage = hardship_coverage(user=yujing_official, county_code=SHANYIN, year=2026, as_of=AS_OF)
    # then
    assert [figures(row) for row in coverage.rows] == [(YUJING_TOWN, "玉井镇", 6, 3, Decimal("0.5000"), 3, True)]
    assert (coverage.total.people, coverage.total.enrolled, coverage.within) == (6, 3, "玉井镇")
    with pytest.raises(DivisionOutOfScope):
        hardship_unenrolled(user=yujing_official, year=2026, as_of=AS_OF, division_code=BEIZHOUZHUANG_TOWN)


# --- pages and files ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r10_2_coverage_page_shows_townships_total_and_target_with_the_rate_in_red(client, clerk, shanyin_hardship):
    # given
    client.force_login(clerk)
    # when
    response = client.get("/subsidies/reports/coverage/", {"year": "2026", "as_of": "2026-06-30"})
    # then
    assert response.status_code == 200
    assert response.context["coverage"].total.enrolled == 4
    page = response.content.decode()
    assert "山阴县2026年度困难群众参保率" in page
    assert "目标：困难群众参保率不低于 99.00%（山政办发〔2025〕17号，R10.2）" in page
    assert '<td class="text-end text-danger fw-bold">50.00%</td>' in page
    assert '<td class="text-end">100.00%</td>' in page
    assert '<td class="text-end text-danger fw-bold">57.14%</td>' in page
    assert "/subsidies/reports/coverage/unenrolled/?year=2026&amp;division=140621100&amp;as_of=2026-06-30" in page


@pytest.mark.django_db
def test_r10_2_township_official_lands_on_the_list_of_their_township(client, yujing_official, shanyin_hardship):
    # given
    client.force_login(yujing_official)
    # when no division is given
    response = client.get("/subsidies/reports/coverage/unenrolled/", {"year": "2026", "as_of": "2026-06-30"})
    # then: their township, ID and phone numbers masked (a page shows them whole only after a recorded reveal)
    assert response.status_code == 200
    assert response.context["division"].code == YUJING_TOWN
    rows = sorted((resident.name, shown, identities) for resident, shown, identities in response.context["rows"])
    tekun = shanyin_hardship["tekun"]
    assert rows == [
        ("乙特困", id_number_mask(tekun.id_number), "特困人员"),
        ("壬返贫", id_number_mask(shanyin_hardship["refunded"].id_number), "返贫致贫人口"),
        ("辛二级", id_number_mask(shanyin_hardship["grade_2_alone"].id_number), "残疾人（按等级）（2级）"),
    ]
    assert "139****0001" in response.content.decode()
    assert "13900000001" not in response.content.decode()
    assert "玉井镇2026年度未参保困难群众名单" in response.content.decode()
    assert response.context["page"].paginator.per_page == 50
    # and another township does not exist for them
    other = client.get("/subsidies/reports/coverage/unenrolled/", {"year": "2026", "division": BEIZHOUZHUANG_TOWN})
    assert other.status_code == 404
    assert (
        client.get("/subsidies/reports/coverage/unenrolled.xlsx", {"division": BEIZHOUZHUANG_TOWN}).status_code == 404
    )


@pytest.mark.django_db
def test_r10_2_city_staff_see_masked_numbers(client, city_staff, shanyin_hardship):
    # given
    client.force_login(city_staff)
    number = shanyin_hardship["tekun"].id_number
    # when
    response = client.get(
        "/subsidies/reports/coverage/unenrolled/", {"year": "2026", "division": YUJING_TOWN, "as_of": "2026-06-30"}
    )
    # then
    shown = {resident.name: shown for resident, shown, _ in response.context["rows"]}
    assert shown["乙特困"] == f"{number[:6]}********{number[-4:]}"
    assert number not in response.content.decode()


@pytest.mark.django_db
def test_r10_2_unenrolled_xlsx_in_the_ledger_layout(client, yujing_official, shanyin_hardship):
    # given
    client.force_login(yujing_official)
    # when
    response = client.get(
        "/subsidies/reports/coverage/unenrolled.xlsx", {"year": "2026", "division": YUJING_TOWN, "as_of": "2026-06-30"}
    )
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "玉井镇2026年度未参保困难群众名单"
    assert (sheet["A2"].value, sheet["G2"].value) == ("填报单位：玉井镇", "截止日期：2026年06月30日")
    assert [cell.value for cell in sheet[3]] == [
        "序号",
        "姓名",
        "公民身份号码",
        "乡（镇）",
        "村（社区）",
        "联系电话",
        "困难身份",
    ]
    names = sorted(sheet.cell(row=row, column=2).value for row in (4, 5, 6))
    assert names == ["乙特困", "壬返贫", "辛二级"]
    id_cells = [sheet.cell(row=row, column=3) for row in (4, 5, 6)]
    assert {(cell.data_type, cell.number_format) for cell in id_cells} == {("s", "@")}
    assert shanyin_hardship["tekun"].id_number in {cell.value for cell in id_cells}
    assert (sheet["A7"].value, sheet["B7"].value) == ("合计", "3 人")


@pytest.mark.django_db
def test_r10_2_refusals(client, clerk, yujing_official):
    # given
    client.force_login(clerk)
    # then: a county outside the scope does not exist for the clerk
    assert client.get("/subsidies/reports/coverage/", {"year": "2026", "county": "140622"}).status_code == 404
    assert client.get("/subsidies/reports/coverage/unenrolled/", {"division": "140622100"}).status_code == 404
    # and parameters that cannot be read are answered in Chinese
    bad_date = client.get("/subsidies/reports/coverage/", {"year": "2026", "as_of": "2026-02-30"})
    assert (bad_date.status_code, "统计日期应为“年-月-日”，如2026-11-26。" in bad_date.content.decode()) == (400, True)
    bad_year = client.get("/subsidies/reports/coverage/unenrolled/", {"year": "abc"})
    assert (bad_year.status_code, "年度应为四位数字，如2026。" in bad_year.content.decode()) == (400, True)
    bad_division = client.get("/subsidies/reports/coverage/unenrolled/", {"year": "2026", "division": "1406211"})
    assert (
        bad_division.status_code,
        "区划代码应为6位（区县）或9位（乡镇）数字。" in bad_division.content.decode(),
    ) == (
        400,
        True,
    )
    village = client.get(
        "/subsidies/reports/coverage/unenrolled/", {"year": "2026", "division": "140621100"[:6] + "999"}
    )
    assert (village.status_code, "不是已知的县（区）或乡（镇、街道）" in village.content.decode()) == (400, True)


@pytest.mark.django_db
def test_r10_2_user_without_the_permission_is_refused(client):
    from accounts.models import User

    visitor = User.objects.create_user(username="visitor", password="test-password-2026", role="", division_id=SHANYIN)
    client.force_login(visitor)
    assert client.get("/subsidies/reports/coverage/").status_code == 403
    assert client.get("/subsidies/reports/coverage/unenrolled/").status_code == 403


# --- the overview of a city's counties and of the province's cities ------------------------------------------------

YINGXIAN = "140622"
JINCHENG_TOWN = "140622100"
YANGGAO = "140221"
LONGQUAN_TOWN = "140221100"


def county_dibao_table(county_code, source):
    """A county's 2026 subsidy table of dibao alone (a figure of these tests, not of a real notice)."""
    shanyin = PolicyParameterSet.objects.get(region_id=SHANYIN, insurance_year=2026)
    return PolicyParameterSet.objects.create(
        region_id=county_code,
        insurance_year=2026,
        source_document=source,
        effective_from=D(2025, 10, 1),
        hardship_tiers=[tier for tier in shanyin.hardship_tiers if tier["category"] == "dibao"],
        hardship_source=source,
    )


def resident_of(clerk, name, address_code, township, sequence):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=address_code, birth_date=D(1970, 3, 3), sequence=sequence),
        name=name,
        household_division=first_village(township),
    )


@pytest.fixture
def two_cities_hardship(shanyin_hardship):
    """Besides 山阴 (7 hardship residents, 4 enrolled): 应县 of the same city, whose table has dibao alone — two
    dibao holders of whom one enrolled, and a tekun who is no hardship resident there; 阳高县 of 大同, with dibao
    alone too — one dibao holder, not enrolled."""
    superuser = make_user("admin", Role.SYSTEM_ADMIN, "14")
    superuser.is_superuser = True
    superuser.save()
    county_dibao_table(YINGXIAN, "应县困难群众参保资助文件（测试）")
    county_dibao_table(YANGGAO, "阳高县困难群众参保资助文件（测试）")
    enroll(
        superuser, certify(superuser, resident_of(superuser, "子低保", YINGXIAN, JINCHENG_TOWN, 301), "dibao").resident
    )
    certify(superuser, resident_of(superuser, "丑低保", YINGXIAN, JINCHENG_TOWN, 303), "dibao")
    certify(superuser, resident_of(superuser, "寅特困", YINGXIAN, JINCHENG_TOWN, 305), "tekun")
    certify(superuser, resident_of(superuser, "卯低保", YANGGAO, LONGQUAN_TOWN, 307), "dibao")
    return superuser


@pytest.fixture
def province_staff(db):
    return make_user("shanxi", Role.PROVINCE_STAFF, "14")


@pytest.mark.django_db
def test_r10_2_city_overview_has_each_county_with_its_own_page_figures(city_staff, two_cities_hardship):
    # when
    overview = hardship_coverage_overview(user=city_staff, division_code="1406", year=2026, as_of=AS_OF)
    # then: every county of 朔州 and none of 大同, each with the figures of its own page
    rows = {row.code: row for row in overview.rows}
    assert sorted(rows) == ["140602", "140603", SHANYIN, YINGXIAN, "140623", "140671", "140681"]
    assert figures(rows[SHANYIN]) == (SHANYIN, "山阴县", 7, 4, Decimal("0.5714"), 3, True)
    assert figures(rows[YINGXIAN]) == (YINGXIAN, "应县", 2, 1, Decimal("0.5000"), None, False)
    assert figures(rows["140602"]) == ("140602", "朔城区", 0, 0, None, None, False)
    assert figures(overview.total) == ("1406", "朔州市", 9, 5, Decimal("0.5555"), None, False)
    for code in (SHANYIN, YINGXIAN):
        county_total = hardship_coverage(user=city_staff, county_code=code, year=2026, as_of=AS_OF).total
        assert figures(rows[code]) == figures(county_total)


@pytest.mark.django_db
def test_r10_2_overview_counts_in_a_few_queries_whatever_the_number_of_counties(
    city_staff, two_cities_hardship, django_assert_max_num_queries
):
    # then: divisions, targets, the counties holding identities, their tables, one count per distinct table
    with django_assert_max_num_queries(12):
        hardship_coverage_overview(user=city_staff, division_code="1406", year=2026, as_of=AS_OF)


@pytest.mark.django_db
def test_r10_2_province_overview_has_a_row_per_city_summing_its_counties(province_staff, two_cities_hardship):
    # when
    overview = hardship_coverage_overview(user=province_staff, division_code="14", year=2026, as_of=AS_OF)
    # then
    rows = {row.code: row for row in overview.rows}
    assert len(rows) == 11
    assert figures(rows["1406"]) == ("1406", "朔州市", 9, 5, Decimal("0.5555"), None, False)
    assert figures(rows["1402"]) == ("1402", "大同市", 1, 0, Decimal("0.0000"), None, False)
    assert figures(rows["1401"])[2:4] == (0, 0)
    assert (overview.total.name, overview.total.people, overview.total.enrolled) == ("山西省", 10, 5)


@pytest.mark.django_db
def test_r10_2_city_staff_open_the_page_on_their_counties_and_follow_a_row(client, city_staff, two_cities_hardship):
    # given
    client.force_login(city_staff)
    # when no county is chosen
    response = client.get("/subsidies/reports/coverage/", {"year": "2026", "as_of": "2026-06-30"})
    # then the overview of 朔州, each county leading to its page and its list of the unenrolled
    assert response.status_code == 200
    page = response.content.decode()
    assert "朔州市2026年度困难群众参保率" in page
    assert [row.code for row in response.context["overview"].rows][:3] == ["140602", "140603", SHANYIN]
    assert '<a href="?year=2026&amp;county=140622&amp;as_of=2026-06-30">应县</a>' in page
    assert "/subsidies/reports/coverage/unenrolled/?year=2026&amp;division=140622&amp;as_of=2026-06-30" in page
    assert "合计（朔州市）" in page
    assert "大同" not in page.split("<table")[1]
    # and another city is not theirs
    assert client.get("/subsidies/reports/coverage/", {"year": "2026", "city": "1402"}).status_code == 404
    # when they follow 应县
    county = client.get("/subsidies/reports/coverage/", {"year": "2026", "county": YINGXIAN, "as_of": "2026-06-30"})
    assert (county.context["coverage"].total.people, county.context["coverage"].total.enrolled) == (2, 1)


@pytest.mark.django_db
def test_r10_2_province_staff_see_cities_then_a_city_s_counties(client, province_staff, two_cities_hardship):
    # given
    client.force_login(province_staff)
    # when
    cities = client.get("/subsidies/reports/coverage/", {"year": "2026", "as_of": "2026-06-30"})
    counties = client.get("/subsidies/reports/coverage/", {"year": "2026", "city": "1406", "as_of": "2026-06-30"})
    # then
    assert cities.status_code == counties.status_code == 200
    assert "山西省2026年度困难群众参保率" in cities.content.decode()
    assert '<a href="?year=2026&amp;city=1406&amp;as_of=2026-06-30">朔州市</a>' in cities.content.decode()
    assert counties.context["overview"].total.people == 9
    assert '<a href="?year=2026&amp;county=140621&amp;as_of=2026-06-30">山阴县</a>' in counties.content.decode()
    assert "返回全省各市汇总" in counties.content.decode()


@pytest.mark.django_db
def test_r10_2_city_staff_asking_for_the_unenrolled_without_a_county_are_told_to_choose_one(
    client, city_staff, shanyin_hardship
):
    # given
    client.force_login(city_staff)
    # when
    response = client.get("/subsidies/reports/coverage/unenrolled/", {"year": "2026", "as_of": "2026-06-30"})
    export = client.get("/subsidies/reports/coverage/unenrolled.xlsx", {"year": "2026", "as_of": "2026-06-30"})
    # then
    assert response.status_code == 200
    assert "请先在" in response.content.decode()
    assert "页面选择区县，再点击其未参保人数查看名单。" in response.content.decode()
    assert "rows" not in response.context
    assert (export.status_code, export["Location"]) == (
        302,
        "/subsidies/reports/coverage/unenrolled/?year=2026&as_of=2026-06-30",
    )


@pytest.mark.django_db
def test_r10_2_township_total_row_is_named_after_the_township(client, yujing_official, shanyin_hardship):
    # when
    coverage = hardship_coverage(user=yujing_official, county_code=SHANYIN, year=2026, as_of=AS_OF)
    # then
    assert (coverage.total.name, coverage.total.people) == ("玉井镇", 6)
    # and on the page
    client.force_login(yujing_official)
    page = client.get("/subsidies/reports/coverage/", {"year": "2026", "as_of": "2026-06-30"}).content.decode()
    assert page.count("<td>玉井镇</td>") == 2
    assert "<td>山阴县</td>" not in page
