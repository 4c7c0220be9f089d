"""End to end in Debian's chromium (R11): a city's finance user opens 财政结算, sees 朔州's counties, records a
transfer through the form and sees its status change."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_user
from reports.models import FiscalTransfer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHUOZHOU_COUNTIES = ["朔城区", "平鲁区", "山阴县", "应县", "右玉县", "山西朔州经济开发区", "怀仁市"]


def test_finance_user_records_a_transfer_and_sees_the_status_change(live_server, page):
    # given 朔州's target of 6000 split equally (no births the year before): 山阴 857 × 400.00, half of it provincial
    make_user("shuozhou_finance", "finance", "1406")
    today = timezone.localdate()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("shuozhou_finance")
    page.get_by_label("密码").fill("test-password-2026")
    page.get_by_role("button", name="登录").click()
    # when
    page.get_by_role("button", name="统计报表").click()
    page.get_by_role("link", name="财政结算").click()
    page.goto(f"{live_server.url}/reports/fiscal/?year=2026")
    # then
    expect(page.locator("h1")).to_have_text("朔州市2026年度新生儿参保资助资金预拨与结算")
    settlement = page.locator("#settlement table")
    for county in SHUOZHOU_COUNTIES:
        expect(settlement).to_contain_text(county)
    expect(page.locator("#computed-state")).to_contain_text("实时计算，尚未保存")
    shanyin_province = page.locator('#transfers tr[data-county="140621"][data-level="province"]')
    expect(shanyin_province).to_contain_text("171,400.00")
    before = "逾期未拨付" if today.isoformat() > "2026-10-31" else "待拨付"
    expect(shanyin_province.locator(".badge")).to_have_text(before)
    # R11.3: paid in full today, after the due date of 31 October it is paid late by the days since
    days_late = (today - datetime.date(2026, 10, 31)).days
    after = f"逾期拨付（逾期{days_late}天）" if days_late > 0 else "已拨付"
    # when the province's transfer is recorded through the form
    shanyin_province.get_by_role("link", name="录入").click()
    expect(page.get_by_label("区县")).to_have_value("140621")
    page.get_by_label("层级").select_option(label="省级")
    page.get_by_label("拨付日期").fill(today.isoformat())
    page.get_by_label("金额（元）").fill("171400.00")
    page.get_by_label("凭证号").fill("SX-2026-0601")
    page.get_by_role("button", name="录入拨付").click()
    # then
    expect(page.locator(".alert-success")).to_have_text("已录入山阴县省级拨付171,400.00元（凭证号SX-2026-0601）。")
    expect(page.locator('#county-status tr[data-level="province"] .badge')).to_have_text(after)
    expect(page.locator("#transfer-list")).to_contain_text("SX-2026-0601")
    assert FiscalTransfer.objects.get().amount == 171400
    # and on the settlement page
    page.get_by_role("link", name="返回拨付情况").click()
    expect(shanyin_province.locator(".badge")).to_have_text(after)
    expect(shanyin_province).to_contain_text("171,400.00")
    expect(page.locator('#transfers tr[data-county="140621"][data-level="city"] .badge')).to_have_text(before)
