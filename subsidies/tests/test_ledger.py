"""R6.3: the subsidy ledger per county, year and category, its people, its Excel files and its refusals."""

import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from accounts.personal_data import id_number_mask
from accounts.scope import DivisionOutOfScope
from conftest import BEIZHOUZHUANG_TOWN, SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, refund_request, resident_create
from subsidies.selectors import ReportParameterInvalid, subsidy_ledger, subsidy_ledger_people
from subsidies.services import hardship_identity_create
from tests.factories import SHUOZHOU_COUNTIES

pytestmark = pytest.mark.django_db
D = datetime.date
FUND = "医疗救助基金"
ZERO = Decimal("0.00")


class ReportTableCells(HTMLParser):
    """The text of every cell of the page's report table, the cells kept from print (links) left out."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.inside = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "table":
            self.inside = "report-table" in classes
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th") and "no-print" not in classes:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    parser = ReportTableCells()
    parser.feed(html)
    return parser.rows


def workbook_rows(response) -> list[list[object]]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def ledger_file_row(row: list[object]) -> list[str]:
    """A ledger row of the file as the page writes it: the count whole, the two sums to the fen, with thousands
    separators."""
    number, name, people, individual, subsidy, fund = row
    sums = [f"{Decimal(str(value)):,.2f}" for value in (individual, subsidy)]
    return [
        str(number),
        str(name or ""),
        f"{people:,}" if isinstance(people, int) else str(people),
        *sums,
        str(fund or ""),
    ]


def resident(clerk, name, township, sequence):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1970, 1, 1), sequence=sequence),
        name=name,
        household_division=first_village(township),
    )


def certified_and_enrolled(clerk, person, category):
    hardship_identity_create(
        actor=clerk, resident=person, category=category, department="民政", valid_from=D(2025, 1, 1)
    )
    return enrollment_create(
        actor=clerk, resident=person, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )


@pytest.fixture
def shanyin_enrollments(clerk):
    """2 dibao (one in each township), 1 tekun, 1 refunded dibao, 1 stable poverty alleviated, 1 without identity."""
    people = {
        "dibao_yujing": resident(clerk, "张低保", YUJING_TOWN, 101),
        "dibao_beizhouzhuang": resident(clerk, "李低保", BEIZHOUZHUANG_TOWN, 103),
        "tekun": resident(clerk, "赵特困", YUJING_TOWN, 105),
        "refunded": resident(clerk, "钱退费", YUJING_TOWN, 107),
        "stable": resident(clerk, "孙脱贫", YUJING_TOWN, 109),
        "ordinary": resident(clerk, "周普通", YUJING_TOWN, 111),
    }
    certified_and_enrolled(clerk, people["dibao_yujing"], "dibao")
    certified_and_enrolled(clerk, people["dibao_beizhouzhuang"], "dibao")
    certified_and_enrolled(clerk, people["tekun"], "tekun")
    refunded = certified_and_enrolled(clerk, people["refunded"], "dibao")
    refund_request(actor=clerk, enrollment=refunded, reason="employee_insured", date=D(2026, 1, 10))
    certified_and_enrolled(clerk, people["stable"], "stable_poverty_alleviated")
    enrollment_create(
        actor=clerk,
        resident=people["ordinary"],
        details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20)),
    )
    return people


@pytest.fixture
def dibao_and_programme_newborn(clerk):
    """One dibao enrollment and one newborn of the R7.2 programme (individual 0, subsidy 400), both of Shanyin."""
    certified_and_enrolled(clerk, resident(clerk, "张低保", YUJING_TOWN, 101), "dibao")
    # A baby's enrollment follows the newborn rules from its birth date, whichever path registers it (R7.2).
    baby = resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(2026, 3, 1), sequence=124),
        name="刘小满",
        household_division=first_village(YUJING_TOWN),
    )
    newborn = enrollment_create(
        actor=clerk, resident=baby, details=PaymentDetails(insurance_year=2026, payment_date=D(2026, 3, 20))
    )
    assert (newborn.insurance_year, newborn.subsidy_category, newborn.subsidy_amount) == (
        2026,
        "newborn_programme",
        Decimal("400.00"),
    )


def figures(row):
    """The row's values, money as text so that the two decimal places are checked too."""
    return (row.category, row.name, row.fund, row.people, str(row.individual_total), str(row.subsidy_total))


def test_r6_3_ledger_sums_active_subsidised_enrollments_per_category_in_the_table_order(clerk, shanyin_enrollments):
    # when
    ledger = subsidy_ledger(user=clerk, county_code=SHANYIN, year=2026)
    # then: every subsidised tier of Shanyin's table, refunded and unsubsidised enrollments left out
    assert [figures(row) for row in ledger.rows] == [
        ("tekun", "特困人员", FUND, 1, "0.00", "400.00"),
        ("severe_disability", "二级及以上重度残疾人", FUND, 0, "0.00", "0.00"),
        ("dibao_disability", "低保户中的三级、四级残疾人", FUND, 0, "0.00", "0.00"),
        ("family_planning_hardship", "农村计划生育特殊困难家庭成员", FUND, 0, "0.00", "0.00"),
        ("dibao", "低保对象", FUND, 2, "160.00", "640.00"),
        ("edge_poverty", "边缘易致贫户", FUND, 0, "0.00", "0.00"),
        ("sudden_hardship", "突发严重困难户", FUND, 0, "0.00", "0.00"),
        ("unstable_poverty_alleviated", "脱贫不稳定户", FUND, 0, "0.00", "0.00"),
        ("returned_to_poverty", "返贫致贫人口", FUND, 0, "0.00", "0.00"),
    ]
    assert figures(ledger.total) == ("", "合计", "", 3, "160.00", "1040.00")
    assert (ledger.county_name, ledger.year, ledger.within) == ("山阴县", 2026, "")


def test_r6_3_ledger_of_another_year_is_empty(clerk, shanyin_enrollments):
    # when: 2027 inherits the table (projected), nobody has paid yet
    ledger = subsidy_ledger(user=clerk, county_code=SHANYIN, year=2027)
    # then
    assert (len(ledger.rows), ledger.total.people, ledger.total.subsidy_total) == (9, 0, ZERO)


def test_r6_3_ledger_people_are_the_enrollments_behind_one_row(clerk, shanyin_enrollments):
    # when
    enrollments = subsidy_ledger_people(user=clerk, county_code=SHANYIN, year=2026, category="dibao")
    # then: by village (Yujing's before Beizhouzhuang's), the refunded dibao left out
    assert [(e.resident.name, e.individual_due, e.subsidy_amount) for e in enrollments] == [
        ("张低保", Decimal("80.00"), Decimal("320.00")),
        ("李低保", Decimal("80.00"), Decimal("320.00")),
    ]


def test_r6_3_township_official_counts_only_their_township(yujing_official, shanyin_enrollments):
    # when
    ledger = subsidy_ledger(user=yujing_official, county_code=SHANYIN, year=2026)
    people = subsidy_ledger_people(user=yujing_official, county_code=SHANYIN, year=2026, category="dibao")
    # then
    dibao = next(row for row in ledger.rows if row.category == "dibao")
    assert figures(dibao) == ("dibao", "低保对象", FUND, 1, "80.00", "320.00")
    assert figures(ledger.total) == ("", "合计", "", 2, "80.00", "720.00")
    assert ledger.within == "玉井镇"
    assert [e.resident.name for e in people] == ["张低保"]


def test_r6_3_ledger_of_a_county_outside_the_scope_is_refused(clerk):
    with pytest.raises(DivisionOutOfScope):
        subsidy_ledger(user=clerk, county_code="140622", year=2026)


def test_r6_3_ledger_page_shows_the_rows_the_total_and_links_to_the_people(client, clerk, shanyin_enrollments):
    # given
    client.force_login(clerk)
    # when: the county defaults to the clerk's
    response = client.get("/subsidies/reports/ledger/", {"year": "2026"})
    # then
    assert response.status_code == 200
    ledger = response.context["ledger"]
    assert (ledger.county_code, ledger.year, ledger.total.people) == (SHANYIN, 2026, 3)
    page = response.content.decode()
    assert "山阴县2026年度困难群众资助参保台账" in page
    assert "/subsidies/reports/ledger/people/?year=2026&amp;county=140621&amp;category=dibao" in page
    cell = '<td class="text-nowrap text-end">'
    assert f"{cell}2</td>{cell}160.00</td>{cell}640.00</td>" in page
    assert f"{cell}3</td>{cell}160.00</td>{cell}1,040.00</td>" in page
    assert "/subsidies/reports/ledger.xlsx?year=2026&amp;county=140621" in page


def test_r6_3_city_staff_choose_a_county_among_theirs(client, city_staff, shanyin_enrollments):
    # given
    client.force_login(city_staff)
    # when no county is chosen
    response = client.get("/subsidies/reports/ledger/", {"year": "2026"})
    # then the page offers Shuozhou's counties and no table
    assert response.status_code == 200
    assert "ledger" not in response.context
    assert [county.code for county in response.context["counties"]] == list(SHUOZHOU_COUNTIES)
    assert "请选择区县" in response.content.decode()
    # when Shanyin is chosen
    chosen = client.get("/subsidies/reports/ledger/", {"year": "2026", "county": SHANYIN})
    # then
    assert chosen.context["ledger"].total.subsidy_total == Decimal("1040.00")


def test_r6_3_people_page_masks_id_numbers_for_everyone(client, clerk, city_staff, shanyin_enrollments):
    # given
    query = {"year": "2026", "county": SHANYIN, "category": "dibao"}
    number = shanyin_enrollments["dibao_yujing"].id_number
    # when the clerk (who may reveal whole numbers, one person at a time) and the city staff open the list
    client.force_login(clerk)
    clerk_page = client.get("/subsidies/reports/ledger/people/", query)
    client.force_login(city_staff)
    city_page = client.get("/subsidies/reports/ledger/people/", query)
    # then
    assert [shown for _, shown in clerk_page.context["rows"]] == [
        f"{number[:6]}********{number[-4:]}",
        id_number_mask(shanyin_enrollments["dibao_beizhouzhuang"].id_number),
    ]
    assert city_page.context["rows"][0][1] == f"{number[:6]}********{number[-4:]}"
    assert number not in city_page.content.decode()
    assert "山阴县2026年度低保对象资助参保人员" in city_page.content.decode()
    assert "共 2 人，个人缴费合计 160.00 元，资助金额合计 640.00 元（医疗救助基金）" in city_page.content.decode()
    assert city_page.context["page"].paginator.per_page == 50


def test_r6_3_ledger_xlsx_has_the_title_the_rows_and_the_sums(client, clerk, shanyin_enrollments):
    # given
    client.force_login(clerk)
    # when
    response = client.get("/subsidies/reports/ledger.xlsx", {"year": "2026", "county": SHANYIN})
    # then
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "山阴县2026年度困难群众资助参保台账"
    assert sheet["A2"].value == "填报单位：山阴县"
    assert [cell.value for cell in sheet[3]] == [
        "序号",
        "资助类别",
        "人数",
        "个人缴费合计（元）",
        "资助金额合计（元）",
        "资金渠道",
    ]
    assert [cell.value for cell in sheet[4]] == [1, "特困人员", 1, 0, 400, FUND]
    assert [cell.value for cell in sheet[8]] == [5, "低保对象", 2, 160, 640, FUND]
    assert [cell.value for cell in sheet[13]] == ["合计", None, 3, 160, 1040, None]


def test_r6_3_ledger_page_table_shows_the_headers_rows_and_totals_of_the_excel_file(client, clerk, shanyin_enrollments):
    # given
    client.force_login(clerk)
    query = {"year": "2026", "county": SHANYIN}
    # when
    page = client.get("/subsidies/reports/ledger/", query).content.decode()
    page_rows = table_rows(page)
    file_rows = workbook_rows(client.get("/subsidies/reports/ledger.xlsx", query))
    # then the header, the nine categories and the 合计 row are the file's, amounts to the fen
    assert page_rows[0] == file_rows[2]
    assert page_rows[5] == ["5", "低保对象", "2", "160.00", "640.00", FUND]
    assert page_rows[1:] == [ledger_file_row(row) for row in file_rows[3:13]]
    assert page_rows[-1] == ["合计", "", "3", "160.00", "1,040.00", ""]
    # and on the page alone, a category with people links to their list
    dibao_people = "/subsidies/reports/ledger/people/?year=2026&amp;county=140621&amp;category=dibao"
    assert f'<a href="{dibao_people}">人员名单</a>' in page
    assert len(page_rows) == len(file_rows) - 4  # the title, unit line and signature lines are not the table's


def test_r6_3_ledger_people_xlsx_keeps_id_numbers_as_text(client, clerk, shanyin_enrollments):
    # given
    client.force_login(clerk)
    # when
    response = client.get(
        "/subsidies/reports/ledger/people.xlsx", {"year": "2026", "county": SHANYIN, "category": "dibao"}
    )
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "山阴县2026年度低保对象资助参保人员名单"
    assert [cell.value for cell in sheet[4]][:2] == [1, "张低保"]
    id_cell = sheet["C4"]
    assert (id_cell.value, id_cell.data_type, id_cell.number_format) == (
        shanyin_enrollments["dibao_yujing"].id_number,
        "s",
        "@",
    )
    assert [cell.value for cell in sheet[6]] == ["合计", "2 人", None, None, None, None, 160, 640]


def test_r6_3_people_page_table_shows_the_headers_rows_and_totals_of_the_excel_file(
    client, city_staff, shanyin_enrollments
):
    # given city staff, who see ID numbers masked on the page and in the file
    client.force_login(city_staff)
    query = {"year": "2026", "county": SHANYIN, "category": "dibao"}
    # when
    page_rows = table_rows(client.get("/subsidies/reports/ledger/people/", query).content.decode())
    file_rows = workbook_rows(client.get("/subsidies/reports/ledger/people.xlsx", query))
    # then the header, the two people and the 合计 row with the category's sums are the file's
    number = shanyin_enrollments["dibao_yujing"].id_number
    assert page_rows[0] == file_rows[2]
    assert page_rows[1][:3] == ["1", "张低保", id_number_mask(number)]
    file_people = file_rows[3:5]
    assert [row[:6] for row in page_rows[1:3]] == [[str(row[0]), *row[1:6]] for row in file_people]
    file_sums = [[f"{Decimal(str(value)):.2f}" for value in row[6:]] for row in file_people]
    assert [row[6:] for row in page_rows[1:3]] == file_sums
    assert page_rows[3] == ["合计", "2 人", "", "", "", "", "160.00", "640.00"]
    assert file_rows[5] == ["合计", "2 人", None, None, None, None, 160, 640]
    assert len(page_rows) == len(file_rows) - 4


def test_r6_3_people_page_masks_id_numbers_the_file_shows_whole(client, clerk, shanyin_enrollments):
    # given the clerk, whose file carries whole ID numbers
    client.force_login(clerk)
    query = {"year": "2026", "county": SHANYIN, "category": "dibao"}
    # when
    page = client.get("/subsidies/reports/ledger/people/", query).content.decode()
    file_rows = workbook_rows(client.get("/subsidies/reports/ledger/people.xlsx", query))
    # then
    number = shanyin_enrollments["dibao_yujing"].id_number
    assert file_rows[3][2] == number
    assert table_rows(page)[1][2] == id_number_mask(number)
    assert number not in page


def test_r6_3_refusals(client, clerk, shanyin_enrollments):
    # given
    client.force_login(clerk)
    # then: a county outside the clerk's scope does not exist for them
    assert client.get("/subsidies/reports/ledger/", {"year": "2026", "county": "140622"}).status_code == 404
    assert client.get("/subsidies/reports/ledger.xlsx", {"year": "2026", "county": "140622"}).status_code == 404
    people_elsewhere = {"year": "2026", "county": "140622", "category": "dibao"}
    assert client.get("/subsidies/reports/ledger/people/", people_elsewhere).status_code == 404
    # and parameters that cannot be read are answered in Chinese
    bad_year = client.get("/subsidies/reports/ledger/", {"year": "二〇二六"})
    assert bad_year.status_code == 400
    assert "年度应为四位数字，如2026。" in bad_year.content.decode()
    next_year = timezone.localdate().year + 1
    too_early = client.get("/subsidies/reports/ledger/", {"year": "1990"}).content.decode()
    assert f"年度应在2000年至{next_year}年之间。" in too_early
    unknown = client.get("/subsidies/reports/ledger/", {"year": "2026", "county": "140699"})
    assert (unknown.status_code, "区划代码 140699 不是已知的县（区）。" in unknown.content.decode()) == (400, True)
    malformed = client.get("/subsidies/reports/ledger.xlsx", {"county": "14062"})
    assert (malformed.status_code, "区县代码应为6位数字。" in malformed.content.decode()) == (400, True)
    no_category = client.get("/subsidies/reports/ledger/people/", {"year": "2026", "category": "unknown"})
    assert (no_category.status_code, "资助类别 unknown 不存在。" in no_category.content.decode()) == (400, True)


def test_r6_3_city_staff_must_choose_a_county_for_a_file(client, city_staff):
    client.force_login(city_staff)
    response = client.get("/subsidies/reports/ledger.xlsx", {"year": "2026"})
    assert (response.status_code, "请选择区县。" in response.content.decode()) == (400, True)


def test_r6_3_user_without_the_permission_is_refused(client, db):
    # given an account whose role grants nothing
    visitor = User.objects.create_user(username="visitor", password="test-password-2026", role="", division_id=SHANYIN)
    client.force_login(visitor)
    # then
    assert client.get("/subsidies/reports/ledger/").status_code == 403
    assert client.get("/subsidies/reports/ledger.xlsx").status_code == 403


def test_r6_3_navbar_links_for_those_who_may_see_the_reports(client, yujing_official):
    client.force_login(yujing_official)
    page = client.get("/").content.decode()
    assert '<a class="dropdown-item" href="/subsidies/reports/ledger/">资助台账</a>' in page
    assert '<a class="dropdown-item" href="/subsidies/reports/coverage/">困难群众参保率</a>' in page


def test_r6_3_other_county_clerk_sees_nothing_of_shanyin(client, shanyin_enrollments):
    # given a clerk of Yingxian
    other = make_user("yingxian", "window_clerk", "140622")
    client.force_login(other)
    # when year and county are left to their defaults: this year and the clerk's own county
    response = client.get("/subsidies/reports/ledger/")
    # then
    ledger = response.context["ledger"]
    assert (ledger.county_code, ledger.year, ledger.total.people) == ("140622", timezone.localdate().year, 0)


def test_r6_3_ledger_counts_hardship_categories_only_not_programme_newborns(client, clerk, dibao_and_programme_newborn):
    # given
    client.force_login(clerk)
    query = {"year": "2026", "county": SHANYIN}
    # when
    ledger = subsidy_ledger(user=clerk, county_code=SHANYIN, year=2026)
    page = client.get("/subsidies/reports/ledger/", query).content.decode()
    file_rows = workbook_rows(client.get("/subsidies/reports/ledger.xlsx", query))
    # then the newborn is neither a row nor in the totals, in the ledger, on the page and in the file
    assert [row.category for row in ledger.rows] == [
        "tekun",
        "severe_disability",
        "dibao_disability",
        "family_planning_hardship",
        "dibao",
        "edge_poverty",
        "sudden_hardship",
        "unstable_poverty_alleviated",
        "returned_to_poverty",
    ]
    assert figures(ledger.rows[4]) == ("dibao", "低保对象", FUND, 1, "80.00", "320.00")
    assert [row.people for row in ledger.rows] == [0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert figures(ledger.total) == ("", "合计", "", 1, "80.00", "320.00")
    page_rows = table_rows(page)
    assert page_rows[5] == ["5", "低保对象", "1", "80.00", "320.00", FUND]
    assert page_rows[-1] == ["合计", "", "1", "80.00", "320.00", ""]
    assert len(page_rows) == 11  # the header, the nine categories and the 合计 row
    assert "newborn_programme" not in page
    assert "享受困难群众分类资助的参保缴费（R6.3），新生儿参保资助不在此列" in page
    assert file_rows[3:] == [
        [1, "特困人员", 0, 0, 0, FUND],
        [2, "二级及以上重度残疾人", 0, 0, 0, FUND],
        [3, "低保户中的三级、四级残疾人", 0, 0, 0, FUND],
        [4, "农村计划生育特殊困难家庭成员", 0, 0, 0, FUND],
        [5, "低保对象", 1, 80, 320, FUND],
        [6, "边缘易致贫户", 0, 0, 0, FUND],
        [7, "突发严重困难户", 0, 0, 0, FUND],
        [8, "脱贫不稳定户", 0, 0, 0, FUND],
        [9, "返贫致贫人口", 0, 0, 0, FUND],
        ["合计", None, 1, 80, 320, None],
        *file_rows[13:],
    ]


def test_r6_3_people_of_the_newborn_programme_are_refused(client, clerk, dibao_and_programme_newborn):
    # given
    client.force_login(clerk)
    query = {"year": "2026", "county": SHANYIN, "category": "newborn_programme"}
    # then the selector, the page and the file refuse the category, in Chinese
    with pytest.raises(ReportParameterInvalid):
        subsidy_ledger_people(user=clerk, county_code=SHANYIN, year=2026, category="newborn_programme")
    for url in ("/subsidies/reports/ledger/people/", "/subsidies/reports/ledger/people.xlsx"):
        refused = client.get(url, query)
        assert (refused.status_code, "资助类别 newborn_programme 不存在。" in refused.content.decode()) == (400, True)
