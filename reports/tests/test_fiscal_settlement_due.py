"""R11.4: the settlement of Y is due after the last day a newborn of Y may be registered, 31 March of Y+1 by default,
a figure of the programme year with its source; a settlement computed on or before that day is a 预结算."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_user
from reports.models import FiscalProgrammeYear
from reports.rules import ProgrammeYearSettlementDay, settlement_due
from reports.selectors.settlement import fiscal_settlement_due
from reports.tests.factories import shuozhou_with_pilot_tier

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
SOURCE = "R11.4：默认次年3月31日（出生当年12月出生、次年登记参保的新生儿计入出生当年，R7.1a）"


@pytest.fixture
def city_staff_finance(db):
    return make_user("shuozhou_finance", "finance", "1406")


FIGURES_2026 = [ProgrammeYearSettlementDay(year=2026, settlement_due_date=D(2027, 3, 31), source=SOURCE)]


# --- the rule, without the database ---------------------------------------------------------------------------------


def test_r11_4_settlement_of_2026_is_due_after_31_march_2027():
    # when
    due = settlement_due(year=2026, programme_years=FIGURES_2026)
    # then
    assert due is not None
    assert (due.date, due.explanation) == (
        D(2027, 3, 31),
        "R11.4：2026年度出生的新生儿最晚于2027年3月31日登记参保并计入当年，清算应于2027年3月31日后进行；"
        f"此前计算的结算为预结算（依据：{SOURCE}）。",
    )
    assert (due.provisional_on(D(2027, 3, 31)), due.provisional_on(D(2027, 4, 1))) == (True, False)


def test_r11_4_a_later_year_without_its_figure_inherits_the_day_moved_by_its_years():
    # when
    due = settlement_due(year=2028, programme_years=FIGURES_2026)
    # then
    assert due is not None
    assert due.date == D(2029, 3, 31)
    assert due.explanation.endswith(f"（依据：{SOURCE}，沿用2026年度的规定）。")


def test_r11_4_a_year_before_the_first_figure_has_no_due_day():
    assert settlement_due(year=2025, programme_years=FIGURES_2026) is None


# --- the data and the page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r11_4_the_2026_day_is_seeded_with_its_source():
    # when
    due = fiscal_settlement_due(year=2026)
    # then
    assert FiscalProgrammeYear.objects.values_list("year", "settlement_due_date", "settlement_source").get() == (
        2026,
        D(2027, 3, 31),
        SOURCE,
    )
    assert due is not None and due.date == D(2027, 3, 31)


def settlement_page(user, **query):
    client = Client()
    client.force_login(user)
    return client.get("/reports/fiscal/", {"year": 2026, "city": "1406", **query})


@pytest.mark.django_db
def test_r11_4_settlement_computed_on_its_due_day_is_shown_and_exported_as_provisional(city_staff_finance):
    # given the 2026 day moved to today: a newborn of 2026 may still be registered today
    shuozhou_with_pilot_tier()
    today = timezone.localdate()
    FiscalProgrammeYear.objects.filter(year=2026).update(settlement_due_date=today)
    # when
    response = settlement_page(city_staff_finance)
    export = Client()
    export.force_login(city_staff_finance)
    workbook = export.get("/reports/fiscal/settlement.xlsx", {"year": 2026, "city": "1406"})
    # then
    html = response.content.decode()
    assert response.context["settlement"].provisional is True
    assert (
        f'<p class="small mb-1 text-warning-emphasis" id="settlement-due">清算应于{today:%Y年%-m月%-d日}后进行：'
        f"以下为{today:%Y年%-m月%-d日}计算的<strong>预结算</strong>，该日后重新计算并保存的方为据实清算（R11.4）。</p>"
    ) in html
    title = load_workbook(io.BytesIO(workbook.content)).active.cell(1, 1).value
    assert title == "朔州市2026年度新生儿参保资助资金结算表（预结算）"


@pytest.mark.django_db
def test_r11_4_settlement_computed_after_its_due_day_is_final(city_staff_finance):
    # given the 2026 day moved to yesterday
    shuozhou_with_pilot_tier()
    yesterday = timezone.localdate() - ONE_DAY
    FiscalProgrammeYear.objects.filter(year=2026).update(settlement_due_date=yesterday)
    # when
    response = settlement_page(city_staff_finance)
    # then
    assert response.context["settlement"].provisional is False
    assert (
        f'<p class="small mb-1" id="settlement-due">清算应于{yesterday:%Y年%-m月%-d日}后进行（R11.4）。</p>'
        in response.content.decode()
    )
