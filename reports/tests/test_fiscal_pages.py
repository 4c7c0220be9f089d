"""R11 pages: the prepay, settlement and transfer tables of 朔州 with their Excel files, the store button, recording
transfers, tiers and the what-if, each refusal leaving everything as it was."""

import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import SHANYIN, make_user
from divisions.models import Division
from reports.models import CountyFiscalTier, FiscalSettlement, FiscalTier, FiscalTransfer
from reports.services import county_fiscal_tier_assign, fiscal_transfer_record, settlement_store
from reports.tests.factories import birth, shuozhou_with_pilot_tier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
SHUOZHOU_COUNTIES = ["朔城区", "平鲁区", "山阴县", "应县", "右玉县", "山西朔州经济开发区", "怀仁市"]
ZERO = Decimal("0.00")
ORDINARY_SHARES = ["50.00%", "25.00%", "25.00%"]


@pytest.fixture
def pilot_tier(db):
    return shuozhou_with_pilot_tier()


@pytest.fixture
def city_finance(db):
    return make_user("shuozhou_finance", "finance", "1406")


@pytest.fixture
def shanyin_finance(db):
    return make_user("shanyin_finance", "finance", SHANYIN)


@pytest.fixture
def province_finance(db):
    return make_user("shanxi_finance", "finance", "14")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user, **query):
    return logged_in(user).get("/reports/fiscal/", {"year": 2026, **query})


def workbook_rows(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def total_row(rows):
    return next(row for row in rows if row[0] == "合计")


def amounts(*values: str) -> list[Decimal]:
    return [Decimal(value).quantize(Decimal("0.01")) for value in values]


def shanyin_province_pays_part(actor):
    """山阴's province level transfers 50000.00 of its 140000.00 prepay on 1 September."""
    fiscal_transfer_record(
        actor=actor,
        county=Division.objects.get(code=SHANYIN),
        year=2026,
        level="province",
        date=D(2026, 9, 1),
        amount=Decimal("50000.00"),
        voucher_no="SX-001",
    )


def stored_values():
    return list(FiscalSettlement.objects.order_by("pk").values())


# --- the three tables -----------------------------------------------------------------------------------------------


def test_r11_1_r11_2_prepay_table_per_county_with_tier_shares_target_and_standard(pilot_tier, city_finance):
    # when
    response = page(city_finance, city="1406")
    # then
    prepay = response.context["prepay"]
    assert [
        (row.county_name, row.tier.name, row.share_texts, row.target_people, row.standard, row.prepaid_by_level)
        for row in prepay.rows
        if row.target_people
    ] == [
        (
            "朔城区",
            "一般县",
            ["50.00%", "25.00%", "25.00%"],
            3533,
            Decimal("400.00"),
            amounts("706600", "353300", "353300"),
        ),
        (
            "山阴县",
            "一般县",
            ["50.00%", "25.00%", "25.00%"],
            700,
            Decimal("400.00"),
            amounts("140000", "70000", "70000"),
        ),
        (
            "应县",
            "试点分档",
            ["60.00%", "20.00%", "20.00%"],
            1767,
            Decimal("400.00"),
            amounts("424080", "141360", "141360"),
        ),
    ]
    assert [row.county_name for row in prepay.rows] == SHUOZHOU_COUNTIES
    assert (prepay.target_people, prepay.prepaid_by_level, prepay.prepaid) == (
        6000,
        [Decimal("1270680.00"), Decimal("564660.00"), Decimal("564660.00")],
        Decimal("2400000.00"),
    )
    html = response.content.decode()
    assert "朔州市2026年度新生儿参保资助资金预拨表" in html
    assert "实时计算，尚未保存" in html


def test_r11_2_settlement_table_per_county_and_level_with_wording_and_city_totals(pilot_tier, city_finance):
    # when
    response = page(city_finance, city="1406")
    # then
    settlement = response.context["settlement"]
    rows = {(row.county_code, row.level): row for row in settlement.rows}
    assert [
        (row.prepaid, row.actual_people, row.actual_cost, row.settlement, row.settlement_wording)
        for row in (rows[(SHANYIN, "province")], rows[(SHANYIN, "city")], rows[("140622", "province")])
    ] == [
        (Decimal("140000.00"), 3, Decimal("600.00"), Decimal("-139400.00"), "扣回"),
        (Decimal("70000.00"), 3, Decimal("300.00"), Decimal("-69700.00"), "扣回"),
        (Decimal("424080.00"), 1, Decimal("240.00"), Decimal("-423840.00"), "扣回"),
    ]
    assert (settlement.actual_people, settlement.prepaid, settlement.actual_cost, settlement.settlement) == (
        4,
        Decimal("2400000.00"),
        Decimal("1600.00"),
        Decimal("-2398400.00"),
    )
    assert [(total.level, total.prepaid, total.actual_cost) for total in settlement.level_totals] == [
        ("province", Decimal("1270680.00"), Decimal("840.00")),
        ("city", Decimal("564660.00"), Decimal("380.00")),
        ("county", Decimal("564660.00"), Decimal("380.00")),
    ]
    html = response.content.decode()
    assert "扣回 139,400.00" in html
    assert "扣回 2,398,400.00" in html


def test_r11_2_a_level_whose_actual_cost_exceeds_its_prepay_tops_up(pilot_tier, city_finance):
    # given 平鲁区 has no target share (no births in 2025) but a newborn in 2026
    birth(make_user("clerk140603", "window_clerk", "140603"), "140603", D(2026, 6, 1))
    # when
    settlement = page(city_finance, city="1406").context["settlement"]
    # then
    pinglu = [
        (row.prepaid, row.actual_cost, row.settlement_wording) for row in settlement.rows if row.county_code == "140603"
    ]
    assert pinglu == [
        (ZERO, Decimal("200.00"), "补拨"),
        (ZERO, Decimal("100.00"), "补拨"),
        (ZERO, Decimal("100.00"), "补拨"),
    ]


def test_r11_2_the_three_excel_files_have_the_ledger_title_and_exact_totals(pilot_tier, city_finance):
    # given 山阴's province level has transferred part of its prepay
    shanyin_province_pays_part(city_finance)
    client = logged_in(city_finance)
    query = {"year": 2026, "city": "1406", "as_of": "2026-11-26"}
    # when
    prepay = workbook_rows(client.get("/reports/fiscal/prepay.xlsx", query))
    settlement = workbook_rows(client.get("/reports/fiscal/settlement.xlsx", query))
    transfers = workbook_rows(client.get("/reports/fiscal/transfers.xlsx", query))
    # then
    assert prepay[0][0] == "朔州市2026年度新生儿参保资助资金预拨表"
    assert (prepay[1][0], prepay[1][-1]) == ("填报单位：朔州市", "截止日期：2026年11月26日")
    assert prepay[2][:8] == [
        "序号",
        "区县",
        "财政分档",
        "省级负担比例",
        "市级负担比例",
        "县级负担比例",
        "目标人数",
        "人均资助标准（元）",
    ]
    assert prepay[2][8:] == ["省级预拨（元）", "市级预拨（元）", "县级预拨（元）", "预拨合计（元）"]
    assert prepay[5] == [3, "山阴县", "一般县", "50.00%", "25.00%", "25.00%", 700, 400, 140000, 70000, 70000, 280000]
    assert total_row(prepay)[6:] == [6000, None, 1270680, 564660, 564660, 2400000]
    provisional = "（预结算）" if timezone.localdate() <= D(2027, 3, 31) else ""  # R11.4
    assert settlement[0][0] == f"朔州市2026年度新生儿参保资助资金结算表{provisional}"
    assert settlement[9] == [7, "山阴县", "省级", "50.00%", 3, 140000, 600, -139400, "扣回"]
    assert total_row(settlement)[4:] == [4, 2400000, 1600, -2398400, "扣回"]
    assert transfers[0][0] == "朔州市2026年度新生儿参保资助资金拨付情况表"
    assert transfers[9] == [7, "山阴县", "省级", 140000, 50000, 90000, "2026-10-31", "逾期未拨付"]
    assert total_row(transfers)[3:6] == [2400000, 50000, 2350000]


# --- the store button -----------------------------------------------------------------------------------------------


def test_r11_2_store_button_stores_the_city_and_the_page_then_shows_the_stored_rows(pilot_tier, city_finance):
    # given
    client = logged_in(city_finance)
    assert "计算并保存结算" in page(city_finance, city="1406").content.decode()
    # when
    response = client.post("/reports/fiscal/store/", {"year": 2026, "city": "1406"}, follow=True)
    # then 21 rows (7 counties × 3 levels), all computed at the same moment
    assert FiscalSettlement.objects.filter(year=2026).count() == 21
    computed_at = FiscalSettlement.objects.get(county_id=SHANYIN, level="province").computed_at
    assert FiscalSettlement.objects.exclude(computed_at=computed_at).count() == 0
    shown = timezone.localtime(computed_at).strftime("%Y-%m-%d %H:%M")
    html = response.content.decode()
    assert f"已计算并保存朔州市2026年度结算（21行），计算时间{shown}。" in html
    assert f"计算时间：<strong>{shown}</strong>" in html
    assert response.context["settlement"].computed_at == computed_at
    # and a newborn registered after storing is not in the stored figures until they are stored again
    birth(make_user("late_clerk", "window_clerk", SHANYIN), SHANYIN, D(2026, 10, 1))
    shown_rows = page(city_finance, city="1406").context["settlement"].rows
    assert next(row.actual_people for row in shown_rows if row.county_code == SHANYIN) == 3


def test_r11_2_store_button_refused_to_county_finance_and_to_city_staff(pilot_tier, shanyin_finance, city_staff):
    # given a county's finance user sees only their county and no button
    assert "计算并保存结算" not in page(shanyin_finance, city="1406").content.decode()
    # when
    county_answer = logged_in(shanyin_finance).post(
        "/reports/fiscal/store/", {"year": 2026, "city": "1406"}, follow=True
    )
    staff_answer = logged_in(city_staff).post("/reports/fiscal/store/", {"year": 2026, "city": "1406"})
    # then nothing was stored
    assert "只有市级及以上财政部门可以计算并保存全市结算。" in county_answer.content.decode()
    assert staff_answer.status_code == 403
    assert FiscalSettlement.objects.count() == 0


# --- recording transfers and their status ---------------------------------------------------------------------------


TRANSFER = {
    "year": 2026,
    "county": SHANYIN,
    "level": "province",
    "date": "2026-09-01",
    "amount": "50000.00",
    "voucher_no": "SX-2026-001",
    "note": "",
}


def test_r11_3_a_transfer_recorded_through_the_form(pilot_tier, shanyin_finance):
    # when
    response = logged_in(shanyin_finance).post("/reports/fiscal/transfers/new/", TRANSFER, follow=True)
    # then
    transfer = FiscalTransfer.objects.get()
    assert (
        transfer.year,
        transfer.county_id,
        transfer.level,
        transfer.date,
        transfer.amount,
        transfer.voucher_no,
        transfer.recorded_by,
    ) == (2026, SHANYIN, "province", D(2026, 9, 1), Decimal("50000.00"), "SX-2026-001", shanyin_finance)
    assert response.redirect_chain == [("/reports/fiscal/transfers/new/?year=2026&county=140621", 302)]
    html = response.content.decode()
    assert "已录入山阴县省级拨付50,000.00元（凭证号SX-2026-001）。" in html
    assert "SX-2026-001" in html.split('id="transfer-list"')[1]
    status = {row.level: (row.paid, row.outstanding) for row in response.context["status_rows"]}
    assert status["province"] == (Decimal("50000.00"), Decimal("90000.00"))


def test_r11_3_the_county_status_shows_the_transfer_reports_rows_of_the_county(pilot_tier, shanyin_finance):
    # given
    client = logged_in(shanyin_finance)
    client.post("/reports/fiscal/transfers/new/", TRANSFER)
    # when
    html = client.get("/reports/fiscal/transfers/new/", {"year": 2026, "county": SHANYIN}).content.decode()
    # then
    parser = TableCells()
    parser.feed(html[html.rindex("<table", 0, html.index('id="county-status"')) :])
    province_status = "部分拨付" if timezone.localdate() <= D(2026, 10, 31) else "逾期未拨付"
    assert parser.rows[0] == [
        "序号",
        "区县",
        "财政层级",
        "应拨金额（元）",
        "已拨金额（元）",
        "未拨金额（元）",
        "拨付截止日期",
        "状态",
    ]
    assert parser.rows[1] == [
        "1",
        "山阴县",
        "省级",
        "140,000.00",
        "50,000.00",
        "90,000.00",
        "2026-10-31",
        province_status,
    ]
    assert parser.rows[-1] == ["合计", "", "", "280,000.00", "50,000.00", "230,000.00", "", ""]
    assert len(parser.rows) == 5
    assert '<tr data-county="140621" data-level="city">' in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "0"}, "金额不能为0。"),
        ({"amount": "-500.00"}, "冲正（负数金额）须写明原因。"),
        ({"date": "tomorrow"}, "）不能晚于今天（"),
        ({"county": "140622"}, "只能录入本辖区区县的拨付。"),
        ({"level": "township"}, "请选择省级、市级或县级。"),
        ({"amount": "12.345"}, "金额最多两位小数（到分）。"),
    ],
)
def test_r11_3_transfer_refusals_write_nothing(pilot_tier, shanyin_finance, change, message):
    # given
    data = {**TRANSFER, **change}
    if data["date"] == "tomorrow":
        data["date"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    # when
    response = logged_in(shanyin_finance).post("/reports/fiscal/transfers/new/", data)
    # then
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FiscalTransfer.objects.count() == 0


def test_r11_3_a_negative_correction_with_its_reason_is_recorded(pilot_tier, shanyin_finance):
    # given
    client = logged_in(shanyin_finance)
    client.post("/reports/fiscal/transfers/new/", TRANSFER)
    # when
    client.post(
        "/reports/fiscal/transfers/new/",
        {**TRANSFER, "amount": "-10000.00", "voucher_no": "SX-2026-001C", "note": "重复录入冲正"},
    )
    # then
    assert list(FiscalTransfer.objects.order_by("id").values_list("amount", "note")) == [
        (Decimal("50000.00"), ""),
        (Decimal("-10000.00"), "重复录入冲正"),
    ]
    rows = page(shanyin_finance, city="1406", as_of="2026-10-15").context["transfers"].rows
    assert [(row.level, row.paid, row.status) for row in rows] == [
        ("province", Decimal("40000.00"), "partly_paid"),
        ("city", ZERO, "to_pay"),
        ("county", ZERO, "to_pay"),
    ]


def test_r11_3_status_partly_paid_paid_and_overdue_as_of_a_date(pilot_tier, city_finance):
    # given
    shanyin = Division.objects.get(code=SHANYIN)

    def record(level, date, amount, voucher_no):
        fiscal_transfer_record(
            actor=city_finance,
            county=shanyin,
            year=2026,
            level=level,
            date=date,
            amount=Decimal(amount),
            voucher_no=voucher_no,
        )

    def statuses(as_of):
        transfers = page(city_finance, city="1406", as_of=as_of).context["transfers"]
        return transfers, {row.level: row.status for row in transfers.rows if row.county_code == SHANYIN}

    record("province", D(2026, 9, 1), "50000.00", "P-1")
    # when / then: before the due date of 31 October, part of the province's 140000.00 is partly paid
    transfers, status = statuses("2026-09-15")
    assert status == {"province": "partly_paid", "city": "to_pay", "county": "to_pay"}
    assert not transfers.reminder_shown  # 46 days before the due date
    # when the rest arrives and the county pays in full
    record("province", D(2026, 10, 10), "90000.00", "P-2")
    record("county", D(2026, 10, 12), "70000.00", "C-1")
    transfers, status = statuses("2026-10-15")
    # then
    assert status == {"province": "paid", "city": "to_pay", "county": "paid"}
    assert transfers.days_left == 16
    assert transfers.reminder_shown
    html = page(city_finance, city="1406", as_of="2026-10-15").content.decode()
    assert "距拨付截止日期（2026年10月31日）还有16天" in html
    reminder = html.split('id="transfer-reminder"')[1].split("</div>")[0]
    assert "<li><strong>山阴县</strong>：市级待拨付，未拨70,000.00元</li>" in reminder
    # when the due date has passed, the city level is overdue
    transfers, status = statuses("2026-11-26")
    assert status == {"province": "paid", "city": "overdue", "county": "paid"}
    html = page(city_finance, city="1406", as_of="2026-11-26").content.decode()
    assert "<li><strong>山阴县</strong>：市级逾期未拨付，未拨70,000.00元</li>" in html
    assert "<li><strong>应县</strong>：省级逾期未拨付，未拨424,080.00元；市级逾期未拨付，未拨141,360.00元；" in html
    assert (transfers.due, transfers.paid, transfers.outstanding) == (
        Decimal("2400000.00"),
        Decimal("210000.00"),
        Decimal("2190000.00"),
    )


def shanyin_province_pays_in_full(actor, date):
    fiscal_transfer_record(
        actor=actor,
        county=Division.objects.get(code=SHANYIN),
        year=2026,
        level="province",
        date=date,
        amount=Decimal("140000.00"),
        voucher_no="SX-001",
    )


def shanyin_province_on_page_file_and_reminder(client):
    query = {"year": 2026, "city": "1406", "as_of": "2026-11-26"}
    response = client.get("/reports/fiscal/", query)
    html = response.content.decode()
    row = next(
        row for row in response.context["transfers"].rows if (row.county_code, row.level) == (SHANYIN, "province")
    )
    page_row = section_table(html, "transfers")[7]
    transfers_section = html.split('id="transfers">')[1]
    badge = transfers_section.split('<tr data-county="140621" data-level="province">')[1].split("</tr>")[0]
    file_row = workbook_rows(client.get("/reports/fiscal/transfers.xlsx", query))[9]
    reminder = html.split('id="transfer-reminder"')[1].split("</div>")[0]
    return row, page_row, badge, file_row, reminder


def test_r11_3_paid_in_full_on_the_due_date_is_paid(pilot_tier, city_finance):
    # given 山阴's province level transfers its whole 140000.00 on 31 October
    shanyin_province_pays_in_full(city_finance, D(2026, 10, 31))
    # when
    row, page_row, badge, file_row, reminder = shanyin_province_on_page_file_and_reminder(logged_in(city_finance))
    # then
    assert (row.status, row.days_late, row.outstanding) == ("paid", None, ZERO)
    assert page_row == ["7", "山阴县", "省级", "140,000.00", "140,000.00", "0.00", "2026-10-31", "已拨付"]
    assert '<span class="badge text-bg-success">已拨付</span>' in badge
    assert file_row == [7, "山阴县", "省级", 140000, 140000, 0, "2026-10-31", "已拨付"]
    assert "山阴县</strong>：省级" not in reminder
    assert 'id="transfer-paid-late"' not in reminder


def test_r11_3_paid_in_full_on_5_november_is_paid_late_5_days_on_the_page_the_file_and_the_reminder(
    pilot_tier, city_finance
):
    # given 山阴's province level transfers its whole 140000.00 on 5 November, 5 days after the due date
    shanyin_province_pays_in_full(city_finance, D(2026, 11, 5))
    # when
    row, page_row, badge, file_row, reminder = shanyin_province_on_page_file_and_reminder(logged_in(city_finance))
    # then
    assert (row.status, row.days_late, row.outstanding) == ("paid_late", 5, ZERO)
    assert row.explanation == (
        "R11.3：应拨140,000.00元已足额拨付，但最后一笔拨付日期2026年11月5日晚于拨付截止日期2026年10月31日，逾期5天，属逾期拨付。"
    )
    assert page_row == ["7", "山阴县", "省级", "140,000.00", "140,000.00", "0.00", "2026-10-31", "逾期拨付（逾期5天）"]
    assert '<span class="badge text-bg-danger">逾期拨付（逾期5天）</span>' in badge
    assert file_row == [7, "山阴县", "省级", 140000, 140000, 0, "2026-10-31", "逾期拨付（逾期5天）"]
    paid_late = reminder.split('id="transfer-paid-late"')[1]
    assert "<li><strong>山阴县</strong>：省级逾期拨付，逾期5天</li>" in paid_late
    # and its city and county levels, still unpaid, are listed as before
    unpaid = "<li><strong>山阴县</strong>：市级逾期未拨付，未拨70,000.00元；县级逾期未拨付，未拨70,000.00元</li>"
    assert unpaid in reminder


def test_r11_3_partly_paid_after_the_due_date_stays_overdue_with_the_missing_money(pilot_tier, city_finance):
    # given 山阴's province level transfers 50000.00 of its 140000.00 on 5 November
    fiscal_transfer_record(
        actor=city_finance,
        county=Division.objects.get(code=SHANYIN),
        year=2026,
        level="province",
        date=D(2026, 11, 5),
        amount=Decimal("50000.00"),
        voucher_no="SX-001",
    )
    # when
    row, page_row, badge, file_row, reminder = shanyin_province_on_page_file_and_reminder(logged_in(city_finance))
    # then
    assert (row.status, row.days_late, row.outstanding) == ("overdue", None, Decimal("90000.00"))
    assert page_row == ["7", "山阴县", "省级", "140,000.00", "50,000.00", "90,000.00", "2026-10-31", "逾期未拨付"]
    assert '<span class="badge text-bg-danger">逾期未拨付</span>' in badge
    assert file_row == [7, "山阴县", "省级", 140000, 50000, 90000, "2026-10-31", "逾期未拨付"]
    assert "<li><strong>山阴县</strong>：省级逾期未拨付，未拨90,000.00元；" in reminder
    assert 'id="transfer-paid-late"' not in reminder


# --- tiers, county assignments and the what-if ----------------------------------------------------------------------


def test_r11_1_a_tier_edit_is_saved_with_its_history(pilot_tier, city_finance):
    # when 朔州 sets the split of its own tier (it holds only 应县)
    response = logged_in(city_finance).post(
        f"/reports/fiscal/tiers/{pilot_tier.pk}/edit/",
        {
            "province_share": "0.6",
            "city_share": "0.1",
            "county_share": "0.3",
            "source_document": "朔政办发〔2026〕8号",
            "provisional": "",
        },
    )
    # then
    assert response.status_code == 302
    pilot_tier.refresh_from_db()
    assert (pilot_tier.province_share, pilot_tier.city_share, pilot_tier.county_share) == (
        Decimal("0.6000"),
        Decimal("0.1000"),
        Decimal("0.3000"),
    )
    assert pilot_tier.source_document == "朔政办发〔2026〕8号"
    latest, previous = pilot_tier.history.order_by("-history_id")[:2]
    assert (latest.history_user, latest.city_share) == (city_finance, Decimal("0.1000"))
    assert (previous.city_share, previous.source_document) == (Decimal("0.2000"), "测试")


def test_r11_1_shares_not_summing_to_one_are_refused_and_nothing_changes(pilot_tier, city_finance):
    # given
    history = pilot_tier.history.count()
    # when
    response = logged_in(city_finance).post(
        f"/reports/fiscal/tiers/{pilot_tier.pk}/edit/",
        {"province_share": "0.5", "city_share": "0.2", "county_share": "0.2", "source_document": "朔政办发〔2026〕8号"},
    )
    # then
    assert response.status_code == 400
    assert "省、市、县负担比例之和应为1，现为0.9。" in response.content.decode()
    pilot_tier.refresh_from_db()
    assert (pilot_tier.province_share, pilot_tier.city_share, pilot_tier.source_document) == (
        Decimal("0.6000"),
        Decimal("0.2000"),
        "测试",
    )
    assert pilot_tier.history.count() == history


def test_r11_1_a_tier_holding_other_cities_counties_is_not_the_citys_to_change(
    pilot_tier, city_finance, shanyin_finance
):
    # given the province-wide tier
    ordinary = FiscalTier.objects.get(name="一般县")
    data = {"province_share": "0.9", "city_share": "0.05", "county_share": "0.05", "source_document": "无"}
    # when
    city_answer = logged_in(city_finance).post(f"/reports/fiscal/tiers/{ordinary.pk}/edit/", data)
    county_answer = logged_in(shanyin_finance).post(f"/reports/fiscal/tiers/{pilot_tier.pk}/edit/", data)
    # then
    assert (city_answer.status_code, county_answer.status_code) == (404, 404)
    ordinary.refresh_from_db()
    pilot_tier.refresh_from_db()
    assert (ordinary.province_share, pilot_tier.province_share) == (Decimal("0.5000"), Decimal("0.6000"))
    # and the province may
    province = make_user("province_finance", "finance", "14")
    assert logged_in(province).post(f"/reports/fiscal/tiers/{ordinary.pk}/edit/", data).status_code == 302
    ordinary.refresh_from_db()
    assert ordinary.province_share == Decimal("0.9000")


def test_r11_1_a_tier_without_counties_is_governed_only_by_the_province_that_made_it(pilot_tier):
    # given Shanxi's seeded tier that holds no county yet, and finance users of Hebei and of Shanxi
    western = FiscalTier.objects.get(name="享受西部大开发政策县")
    hebei, shanxi = make_user("hebei_finance", "finance", "13"), make_user("shanxi_finance", "finance", "14")
    data = {"province_share": "0.9", "city_share": "0.05", "county_share": "0.05", "source_document": "无"}
    history = western.history.count()
    # when Hebei's finance opens, edits and lists it
    page = logged_in(hebei).get(f"/reports/fiscal/tiers/{western.pk}/edit/")
    edit = logged_in(hebei).post(f"/reports/fiscal/tiers/{western.pk}/edit/", data)
    listed = logged_in(hebei).get("/reports/fiscal/tiers/")
    # then it is not theirs: not found, not listed, nothing changed
    assert (page.status_code, edit.status_code, listed.status_code) == (404, 404, 200)
    assert [tier.name for tier in listed.context["tiers"]] == []
    western.refresh_from_db()
    assert (western.province_share, western.history.count()) == (Decimal("0.5000"), history)
    # and Shanxi's province finance governs it
    assert logged_in(shanxi).post(f"/reports/fiscal/tiers/{western.pk}/edit/", data).status_code == 302
    western.refresh_from_db()
    assert (western.province_share, western.region_id) == (Decimal("0.9000"), "14")


def test_r11_1_tiers_page_lists_tiers_and_assignments_with_provisional_marked(pilot_tier, city_finance):
    # when
    response = logged_in(city_finance).get("/reports/fiscal/tiers/")
    # then
    html = response.content.decode()
    tiers = {tier.name: (tier.county_count, tier.editable) for tier in response.context["tiers"]}
    assert tiers == {"一般县": (120, False), "享受西部大开发政策县": (0, False), "试点分档": (1, True)}
    assert [
        (assignment.county.name, assignment.tier.name, assignment.provisional)
        for assignment in response.context["assignments"]
    ] == [(name, "试点分档" if name == "应县" else "一般县", True) for name in SHUOZHOU_COUNTIES]
    assert html.count("暂定</span>") == 2 + 7  # the two seeded tiers and the seven counties


@pytest.mark.parametrize(
    ("query", "counties"),
    [
        ({"q": "山阴"}, ["山阴县"]),
        ({"q": "朔州 试点"}, ["应县"]),
        ({"q": "大同"}, []),
        ({"sort": "-county"}, SHUOZHOU_COUNTIES[::-1]),
        ({"sort": "-county", "q": "区"}, ["山西朔州经济开发区", "平鲁区", "朔城区"]),
        ({"sort": "password"}, SHUOZHOU_COUNTIES),
    ],
)
def test_r11_1_the_county_tiers_are_searched_and_sorted(pilot_tier, city_finance, query, counties):
    # when
    response = logged_in(city_finance).get("/reports/fiscal/tiers/", query)
    # then
    assert response.status_code == 200
    assert [assignment.county.name for assignment in response.context["assignments"]] == counties


def test_r11_1_the_county_tiers_headers_sort_and_keep_the_search(pilot_tier, city_finance):
    # when
    html = logged_in(city_finance).get("/reports/fiscal/tiers/", {"q": "县", "sort": "county"}).content.decode()
    # then
    header = html.split('id="assignment-list"')[1].split("</thead>")[0]
    assert '<a class="link-dark text-decoration-none" href="?q=%E5%8E%BF&amp;sort=-county">区县 ▲</a>' in header
    assert '<a class="link-dark text-decoration-none" href="?q=%E5%8E%BF&amp;sort=tier__name">财政分档</a>' in header
    assert '<input type="hidden" name="sort" value="county">' in html


def test_r11_1_a_county_is_assigned_to_a_tier_from_a_date_with_history(pilot_tier, city_finance):
    # when
    response = logged_in(city_finance).post(
        "/reports/fiscal/tiers/assign/",
        {"county": "140623", "tier": pilot_tier.pk, "valid_from": "2027-01-01", "provisional": ""},
    )
    # then
    assert response.status_code == 302
    assignment = CountyFiscalTier.objects.get(county_id="140623", valid_from=D(2027, 1, 1))
    assert (assignment.tier, assignment.provisional) == (pilot_tier, False)
    assert assignment.history.get().history_user == city_finance
    # 2026 is still computed with the ordinary tier
    assert CountyFiscalTier.objects.filter(county_id="140623").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"county": "140105"}, "只能指定本辖区区县的财政分档。"),
        ({"valid_from": "2025-06-01"}, "“试点分档”自2026年01月01日起有效，生效日期应在此期间。"),
        ({"tier": "ordinary"}, "只能把区县归入由您管理的分档。"),
    ],
)
def test_r11_1_county_assignment_refusals_write_nothing(pilot_tier, city_finance, data, message):
    # given
    before = list(CountyFiscalTier.objects.order_by("pk").values())
    form = {"county": "140623", "tier": pilot_tier.pk, "valid_from": "2027-01-01", **data}
    if form["tier"] == "ordinary":
        form["tier"] = FiscalTier.objects.get(name="一般县").pk
    # when
    response = logged_in(city_finance).post("/reports/fiscal/tiers/assign/", form)
    # then
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(CountyFiscalTier.objects.order_by("pk").values()) == before


def test_r11_1_a_county_of_another_province_is_not_placed_in_a_tier(pilot_tier):
    # given an administrator, who governs every tier, and a county of Hebei
    admin = make_user("administrator", "system_admin", "14")
    hebei_county = Division.objects.filter(level="county", code__startswith="13").order_by("code").first()
    before = list(CountyFiscalTier.objects.order_by("pk").values())
    # when
    with pytest.raises(ValidationError) as refusal:
        county_fiscal_tier_assign(actor=admin, county=hebei_county, tier=pilot_tier, valid_from=D(2027, 1, 1))
    # then
    assert refusal.value.message_dict == {"tier": ["“试点分档”是山西省的分档，不能用于其他省份的区县。"]}
    assert list(CountyFiscalTier.objects.order_by("pk").values()) == before


WHAT_IF_SHARES = {"province_share": "0.4", "city_share": "0.3", "county_share": "0.3"}


def test_r11_2_the_what_if_recomputes_without_touching_stored_rows_or_the_tier(pilot_tier, city_finance):
    # given the stored settlement
    settlement_store(year=2026, city_code="1406")
    stored = stored_values()
    tier_before = FiscalTier.objects.filter(pk=pilot_tier.pk).values().get()
    history = pilot_tier.history.count()
    # when
    response = logged_in(city_finance).get(
        "/reports/fiscal/tiers/what-if/",
        {"year": 2026, "city": "1406", "tier": pilot_tier.pk, **WHAT_IF_SHARES},
    )
    # then the what-if differs from the current shares for 应县 only
    assert response.status_code == 200
    lines = {(line.current.county_code, line.current.level): line for line in response.context["what_if"].lines}
    yingxian = [
        (line.current.prepaid, line.what_if.prepaid, line.what_if.actual_cost, line.what_if.settlement)
        for line in (lines[("140622", level)] for level in ("province", "city", "county"))
    ]
    assert yingxian == [
        (Decimal("424080.00"), Decimal("282720.00"), Decimal("160.00"), Decimal("-282560.00")),
        (Decimal("141360.00"), Decimal("212040.00"), Decimal("120.00"), Decimal("-211920.00")),
        (Decimal("141360.00"), Decimal("212040.00"), Decimal("120.00"), Decimal("-211920.00")),
    ]
    assert [key for key, line in lines.items() if line.changed] == [
        ("140622", "province"),
        ("140622", "city"),
        ("140622", "county"),
    ]
    assert "试算结果，未保存" in response.content.decode()
    # and nothing stored or saved changed
    assert stored_values() == stored
    assert FiscalTier.objects.filter(pk=pilot_tier.pk).values().get() == tier_before
    assert pilot_tier.history.count() == history


def test_r11_2_the_what_if_panel_answers_htmx_with_the_table_alone(pilot_tier, city_finance):
    # when
    response = logged_in(city_finance).get(
        "/reports/fiscal/tiers/what-if/",
        {"year": 2026, "city": "1406", "tier": pilot_tier.pk, **WHAT_IF_SHARES},
        headers={"HX-Request": "true"},
    )
    # then
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="alert alert-info">试算结果，未保存：朔州市2026年度')
    assert "<nav" not in html
    assert html.count('class="table-warning"') == 3


def test_r11_2_the_what_if_refuses_shares_not_summing_to_one(pilot_tier, city_finance):
    # when
    response = logged_in(city_finance).get(
        "/reports/fiscal/tiers/what-if/",
        {"year": 2026, "city": "1406", "tier": pilot_tier.pk, **WHAT_IF_SHARES, "province_share": "0.5"},
    )
    # then
    assert response.status_code == 400
    assert "省、市、县负担比例之和应为1，现为1.1。" in response.content.decode()
    assert "what_if" not in response.context


# --- scope and permission refusals ----------------------------------------------------------------------------------


def test_r11_a_county_finance_user_sees_only_their_county_and_no_other_city(pilot_tier, shanyin_finance):
    # when
    response = page(shanyin_finance)
    # then the city defaults to their own, the rows to their county
    assert response.context["city"].code == "1406"
    assert [row.county_name for row in response.context["prepay"].rows] == ["山阴县"]
    assert {row.county_code for row in response.context["settlement"].rows} == {SHANYIN}
    assert {row.county_code for row in response.context["transfers"].rows} == {SHANYIN}
    assert "朔州市山阴县2026年度新生儿参保资助资金结算表" in response.content.decode()
    totals = total_row(workbook_rows(logged_in(shanyin_finance).get("/reports/fiscal/settlement.xlsx", {"year": 2026})))
    assert totals[4:] == [3, 280000, 1200, -278800, "扣回"]
    # and another city, or another county's transfers, are not found
    client = logged_in(shanyin_finance)
    assert page(shanyin_finance, city="1401").status_code == 404
    assert client.get("/reports/fiscal/prepay.xlsx", {"year": 2026, "city": "1401"}).status_code == 404
    assert client.get("/reports/fiscal/transfers/new/", {"year": 2026, "county": "140622"}).status_code == 404
    assert client.get("/reports/fiscal/tiers/what-if/", {"city": "1401"}).status_code == 404
    assert client.post("/reports/fiscal/store/", {"year": 2026, "city": "1401"}).status_code == 404


def test_r11_province_staff_choose_a_city(pilot_tier):
    # given
    province = make_user("province", "province_staff", "14")
    # when
    first = page(province)
    chosen = page(province, city="140600")
    # then
    assert "请选择设区市后查询。" in first.content.decode()
    assert len(first.context["cities"]) == 11
    assert chosen.context["prepay"].prepaid == Decimal("2400000.00")
    assert logged_in(province).get("/reports/fiscal/prepay.xlsx", {"year": 2026}).status_code == 400


def test_r11_pages_refused_without_the_permission(pilot_tier, clerk, city_staff):
    # then a clerk sees none of the fiscal pages; city staff only look
    clerk_client, staff_client = logged_in(clerk), logged_in(city_staff)
    for url in ("/reports/fiscal/", "/reports/fiscal/settlement.xlsx", "/reports/fiscal/tiers/"):
        assert clerk_client.get(url).status_code == 403
    assert staff_client.get("/reports/fiscal/").status_code == 200
    assert staff_client.get("/reports/fiscal/transfers/new/").status_code == 403
    assert staff_client.post("/reports/fiscal/transfers/new/", TRANSFER).status_code == 403
    assert staff_client.get("/reports/fiscal/tiers/").status_code == 403
    assert staff_client.get("/reports/fiscal/tiers/what-if/").status_code == 403
    assert FiscalTransfer.objects.count() == 0
    assert "财政结算" in staff_client.get("/").content.decode()
    assert "财政结算" not in clerk_client.get("/").content.decode()


def test_r11_parameters_that_cannot_be_read_answer_400_in_chinese(city_finance):
    # when
    response = page(city_finance, year="20x6")
    # then
    assert response.status_code == 400
    assert "年度应为四位数字，如2026。" in response.content.decode()


# --- the page's tables are the Excel files' reports ----------------------------------------------------------------


class TableCells(HTMLParser):
    """The text of every cell of every row of the first table, the cells of links left out."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.in_link = False
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        elif self.tables == 1 and tag == "tr":
            self.rows.append([])
        elif self.tables == 1 and tag in ("td", "th") and "no-print" not in (dict(attrs).get("class") or ""):
            self.cell = []

    def handle_endtag(self, tag):
        if self.tables == 1 and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def section_table(html: str, section: str) -> list[list[str]]:
    parser = TableCells()
    parser.feed(html.split(f'<section class="fiscal-section mb-5" id="{section}">')[1].split("</section>")[0])
    return parser.rows


def file_text(value) -> str:
    """A cell of the file as the page writes it: amounts to the fen with thousands separators."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{Decimal(str(value)):,.2f}"
    return str(value)


def test_r11_the_page_tables_show_the_headers_rows_and_totals_of_the_excel_files(pilot_tier, city_finance):
    # given 山阴's province level has transferred part of its prepay
    shanyin_province_pays_part(city_finance)
    client = logged_in(city_finance)
    query = {"year": 2026, "city": "1406", "as_of": "2026-11-26"}
    # when
    html = client.get("/reports/fiscal/", query).content.decode()
    transfers_file = workbook_rows(client.get("/reports/fiscal/transfers.xlsx", query))
    prepay_file = workbook_rows(client.get("/reports/fiscal/prepay.xlsx", query))
    # then the transfer table's header, rows and 合计 row are the file's, each amount to the fen
    transfers_page = section_table(html, "transfers")
    assert transfers_page[0] == transfers_file[2]
    assert transfers_page[7] == [
        "7",
        "山阴县",
        "省级",
        "140,000.00",
        "50,000.00",
        "90,000.00",
        "2026-10-31",
        "逾期未拨付",
    ]
    file_rows = [[str(row[0]), *map(file_text, row[1:])] for row in transfers_file[3:25]]
    assert transfers_page[1:] == file_rows
    assert transfers_page[-1][:6] == ["合计", "", "", "2,400,000.00", "50,000.00", "2,350,000.00"]
    # and on the page alone, each row is found by its county and level, its status is a badge and it links the form
    transfers_section = html.split('id="transfers">')[1]
    shanyin_province = transfers_section.split('<tr data-county="140621" data-level="province">')[1].split("</tr>")[0]
    assert '<span class="badge text-bg-danger">逾期未拨付</span>' in shanyin_province
    assert '<a href="/reports/fiscal/transfers/new/?year=2026&amp;county=140621">录入</a>' in shanyin_province
    # and so are the prepay table's; the target and the shares read as they are written
    prepay_page = section_table(html, "prepay")
    assert prepay_page[0] == prepay_file[2]
    assert prepay_page[3] == [
        "3",
        "山阴县",
        "一般县",
        "50.00%",
        "25.00%",
        "25.00%",
        "700",
        "400.00",
        "140,000.00",
        "70,000.00",
        "70,000.00",
        "280,000.00",
    ]
    assert prepay_page[-1] == [
        "合计",
        "",
        "",
        "",
        "",
        "",
        "6,000",
        "",
        "1,270,680.00",
        "564,660.00",
        "564,660.00",
        "2,400,000.00",
    ]
    assert len(prepay_page) == len(prepay_file) - 4  # the title, unit line and signature lines are not the table's
    # and under the table the page names the tier whose shares are provisional
    assert '<p class="small mb-1">“一般县”的负担比例为暂定比例（依据文件未到）。</p>' in html


def test_r11_2_the_settlement_table_words_the_sign_and_has_the_level_subtotals_of_the_file(pilot_tier, city_finance):
    # when
    client = logged_in(city_finance)
    query = {"year": 2026, "city": "1406", "as_of": "2026-11-26"}
    page_rows = section_table(client.get("/reports/fiscal/", query).content.decode(), "settlement")
    file_rows = workbook_rows(client.get("/reports/fiscal/settlement.xlsx", query))
    # then
    assert page_rows[0] == file_rows[2]
    assert page_rows[7] == ["7", "山阴县", "省级", "50.00%", "3", "140,000.00", "600.00", "扣回 139,400.00", "扣回"]
    assert file_rows[9] == [7, "山阴县", "省级", "50.00%", 3, 140000, 600, -139400, "扣回"]
    assert page_rows[-4:] == [
        ["省级小计", "", "", "", "", "1,270,680.00", "840.00", "扣回 1,269,840.00", "扣回"],
        ["市级小计", "", "", "", "", "564,660.00", "380.00", "扣回 564,280.00", "扣回"],
        ["县级小计", "", "", "", "", "564,660.00", "380.00", "扣回 564,280.00", "扣回"],
        ["合计", "", "", "", "4", "2,400,000.00", "1,600.00", "扣回 2,398,400.00", "扣回"],
    ]
    assert [row[:8] for row in file_rows[-6:-2]] == [
        ["省级小计", None, None, None, None, 1270680, 840, -1269840],
        ["市级小计", None, None, None, None, 564660, 380, -564280],
        ["县级小计", None, None, None, None, 564660, 380, -564280],
        ["合计", None, None, None, 4, 2400000, 1600, -2398400],
    ]
    assert len(page_rows) == len(file_rows) - 4


def test_r11_1_the_tier_pages_show_shares_as_percentages_and_the_editor_by_name(pilot_tier):
    # given 朔州's finance officer 王芳 sets the split of the pilot tier
    editor = UserFactory(username="shuozhou_wangfang", role="finance", division_code="1406", full_name="王芳")
    client = logged_in(editor)
    client.post(
        f"/reports/fiscal/tiers/{pilot_tier.pk}/edit/",
        {"province_share": "0.6", "city_share": "0.1", "county_share": "0.3", "source_document": "朔政办发〔2026〕8号"},
    )
    # when
    history = client.get(f"/reports/fiscal/tiers/{pilot_tier.pk}/edit/").content.decode()
    tiers = client.get("/reports/fiscal/tiers/").content.decode()
    # then: the history names the person, not the user name, and every share is a percentage to two places
    assert (
        "</td><td>王芳</td>\n      <td>60.00%</td><td>10.00%</td><td>30.00%</td><td>朔政办发〔2026〕8号</td>" in history
    )
    assert "<td>shuozhou_wangfang</td>" not in history
    assert "<td>50.00%</td><td>25.00%</td><td>25.00%</td>" in tiers
    assert "<td>0.5000</td>" not in tiers


def test_r11_2_the_what_if_opens_on_a_blank_form_without_errors(pilot_tier, city_finance):
    # when the page is opened, nothing submitted yet
    response = logged_in(city_finance).get("/reports/fiscal/tiers/what-if/")
    # then the form to fill in, this year's and the user's city's: no field marked, no message, no result
    html = response.content.decode()
    assert response.status_code == 200
    assert not response.context["what_if_form"].is_bound
    assert ("is-invalid" in html, "aria-invalid" in html, "text-danger" in html) == (False, False, False)
    assert '<input type="number" name="province_share" min="0" max="1" step="0.0001" class="form-control"' in html
    assert "what_if" not in response.context


def test_r11_2_a_what_if_submitted_with_a_bad_share_marks_that_field_only(pilot_tier, city_finance):
    # when
    response = logged_in(city_finance).get(
        "/reports/fiscal/tiers/what-if/",
        {"year": 2026, "city": "1406", "tier": pilot_tier.pk, **WHAT_IF_SHARES, "county_share": "abc"},
    )
    # then the county's share alone is marked, with its message under it
    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["what_if_form"].errors == {"county_share": ["负担比例应为0至1之间的小数，如0.25。"]}
    assert html.count("is-invalid") == 1
    assert (
        '<input type="number" name="county_share" value="abc" min="0" max="1" step="0.0001" '
        'class="form-control is-invalid" required aria-invalid="true" aria-describedby="id_county_share_error"'
    ) in html
    assert (
        '<div class="text-danger small" id="id_county_share_error">'
        "<div>负担比例应为0至1之间的小数，如0.25。</div></div>" in html
    )
    assert "what_if" not in response.context
