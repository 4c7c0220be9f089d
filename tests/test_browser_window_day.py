"""The clerk's day at the window, by keyboard only (no mouse): payments, the receipt printed and reprinted (补打),
the day's totals and its close (日结), and a payment and a refund dated the closed day refused."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from enrollment.models import ClerkDayClose, Enrollment, Payment, Receipt, ReceiptPrint, Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAID_ON = datetime.date(2025, 11, 20)  # in 2026's collection period: 2026 costs a person without a subsidy ¥400
PAID_ON_TYPED = "11202025"  # month, day, year in the browser's language
CLOSED_REFUSAL = "2025年11月20日已日结，不能再录入当日的收付记录。"
# the receipt page prints itself once a print is recorded: count the prints instead of opening the dialog
COUNT_PRINTS = "window.print = () => { window.__printed = (window.__printed || 0) + 1 }"
MOST_TABS = 80


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as a clerk walks a page without the mouse."""
    for _ in range(MOST_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} is not reached by Tab")


def log_in_by_keyboard(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    expect(page.get_by_label("用户名")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("canbao-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")


def pay_by_keyboard(page: Page, url: str, resident: Resident) -> None:
    """The window's search, Enter, the year and the date, Enter to quote, Enter to take the ¥400."""
    page.goto(f"{url}/window/")
    expect(page.get_by_label("身份证号")).to_be_focused()
    page.keyboard.type(resident.id_number)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/window/residents/{resident.pk}/")
    expect(page.get_by_label("保险年度")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2026")
    page.keyboard.press("Tab")
    page.keyboard.type(PAID_ON_TYPED)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="确认收费 ¥400.00")).to_be_focused()
    page.keyboard.press("Enter")


def money_state() -> tuple:
    return (
        list(Enrollment.objects.order_by("id").values_list("resident_id", "status")),
        list(Payment.objects.order_by("id").values_list("kind", "amount", "date")),
        list(Receipt.objects.order_by("id").values_list("number", "amount")),
    )


def test_clerk_prints_and_reprints_a_receipt_by_keyboard_and_the_reprint_says_so(live_server, page):
    # given the demo data, nobody paid yet, and the print dialog counted instead of opened
    call_command("seed_demo", residents=3, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    resident = Resident.objects.order_by("id").first()
    page.add_init_script(COUNT_PRINTS)
    log_in_by_keyboard(page, live_server.url, "clerk")
    # when the payment is taken by keyboard
    pay_by_keyboard(page, live_server.url, resident)
    # then the receipt: the county's first number of the year of issue, ¥400 and its capitals
    expect(page.locator("h1")).to_have_text("城乡居民基本医疗保险缴费凭证")
    receipt = Receipt.objects.get()
    assert page.url == f"{live_server.url}/window/enrollments/{receipt.enrollment_id}/receipt/"
    expect(page.locator(".receipt-number")).to_have_text(f"140621-{timezone.localdate().year}-000001")
    expect(page.locator("#receipt")).to_contain_text("¥400.00")
    expect(page.locator(".amount-capitals")).to_have_text("人民币肆佰元整")  # 4 hundreds, no tens, units or fen
    expect(page.locator("#receipt")).to_contain_text("2025年11月20日")
    expect(page.locator(".receipt-reprint")).to_have_count(0)
    expect(page.locator("#receipt-prints")).to_have_count(0)
    # when it is printed: Tab to the button, Enter
    tab_to(page, page.get_by_role("button", name="打印凭证"))
    page.keyboard.press("Enter")
    # then the print is recorded and the receipt opens and prints itself, once, as the original
    page.wait_for_url(f"{live_server.url}/window/receipts/{receipt.pk}/?format=a4&print=1")
    expect(page.locator("#receipt-prints tbody tr")).to_have_count(1)
    assert page.evaluate("window.__printed") == 1
    expect(page.locator(".receipt-reprint")).to_have_count(0)
    assert list(ReceiptPrint.objects.order_by("id").values_list("reprint", "paper", "printed_by__username")) == [
        (False, "a4", "clerk")
    ]
    # when the page is reloaded: it does not print an unrecorded copy, and says the next print is a reprint
    page.reload()
    expect(page.locator(".receipt-reprint")).to_have_text("补打")
    assert page.evaluate("window.__printed") is None
    assert ReceiptPrint.objects.count() == 1
    # when the receipt is opened again: the next print is a reprint, and says so before it is made
    page.goto(f"{live_server.url}/window/receipts/{receipt.pk}/")
    expect(page.locator(".receipt-reprint")).to_have_text("补打")
    expect(page.get_by_role("button", name="补打凭证")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="补打凭证"))
    page.keyboard.press("Enter")
    # then the reprint is recorded, marked 补打 on the receipt and in the record of prints, and printed once
    page.wait_for_url(f"{live_server.url}/window/receipts/{receipt.pk}/?format=a4&print=1")
    expect(page.locator(".receipt-reprint")).to_have_text("补打")
    expect(page.locator("#receipt-prints tbody tr")).to_have_count(2)
    expect(page.locator("#receipt-prints tbody tr").nth(0).locator("td").nth(2)).to_have_text("打印")
    expect(page.locator("#receipt-prints tbody tr").nth(1).locator("td").nth(2)).to_have_text("补打")
    assert page.evaluate("window.__printed") == 1
    assert list(ReceiptPrint.objects.order_by("id").values_list("reprint", "paper", "receipt_id")) == [
        (False, "a4", receipt.pk),
        (True, "a4", receipt.pk),
    ]


def test_clerk_closes_the_day_by_keyboard_and_a_payment_or_refund_dated_that_day_is_refused(live_server, page):
    # given the demo data, nobody paid yet
    call_command("seed_demo", residents=4, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    first, second, third = Resident.objects.order_by("id")[:3]
    page.add_init_script(COUNT_PRINTS)
    log_in_by_keyboard(page, live_server.url, "clerk")
    # and two people paid by keyboard on 2025-11-20
    pay_by_keyboard(page, live_server.url, first)
    expect(page.locator("h1")).to_have_text("城乡居民基本医疗保险缴费凭证")
    pay_by_keyboard(page, live_server.url, second)
    expect(page.locator("h1")).to_have_text("城乡居民基本医疗保险缴费凭证")
    # when the receipt's link to its day is followed by keyboard
    tab_to(page, page.get_by_role("link", name="当日日结"))
    page.keyboard.press("Enter")
    # then the day shows the two payments, ¥800 in all
    page.wait_for_url(f"{live_server.url}/window/day/?date=2025-11-20")
    expect(page.locator("h1")).to_have_text("日结")
    expect(page.get_by_text("收款 2 笔，¥800.00；退费 0 笔，¥0.00；净额 ¥800.00。")).to_be_visible()
    numbers = [f"140621-{timezone.localdate().year}-{number:06d}" for number in (1, 2)]
    rows = page.locator("#day-close-table tbody tr")
    for number in numbers:
        expect(rows.filter(has_text=number)).to_contain_text("400.00")
    expect(page.locator("#day-closed")).to_have_count(0)
    # when the day is closed: Tab to 日结, Enter, and the confirmation accepted
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    tab_to(page, page.get_by_role("button", name="日结", exact=True))
    page.keyboard.press("Enter")
    # then it is closed with the day's totals, and the page says so
    expect(page.locator("#day-closed")).to_contain_text("当日收付记录不能再变更。")
    expect(page.get_by_text("2025年11月20日已日结，当日收付记录不能再变更。")).to_be_visible()
    assert dialogs == ["日结后当日收付记录不能再变更，确定日结吗？"]
    close = ClerkDayClose.objects.get()
    assert (close.clerk.username, close.date) == ("clerk", PAID_ON)
    assert (close.totals["payments"], close.totals["received"], close.totals["net"]) == (2, "800.00", "800.00")
    expect(page.get_by_role("button", name="日结", exact=True)).to_have_count(0)
    before = money_state()
    # when a third person pays, dated the closed day
    pay_by_keyboard(page, live_server.url, third)
    # then the payment is refused with the reason, on the person's page, and nothing is written
    expect(page.get_by_role("alert")).to_contain_text(CLOSED_REFUSAL)
    assert page.url == f"{live_server.url}/window/residents/{third.pk}/"
    assert money_state() == before
    # when the first person's payment is refunded, dated the closed day
    enrollment = Enrollment.objects.get(resident=first)
    page.goto(f"{live_server.url}/window/enrollments/{enrollment.pk}/refund/")
    reason = page.get_by_label("退费原因")
    tab_to(page, reason)
    while reason.input_value() != "employee_insured":  # 已缴纳省内职工医保, by the arrow keys
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.get_by_label("退费日期")).to_be_focused()
    page.keyboard.type(PAID_ON_TYPED)
    page.keyboard.press("Enter")
    # then it is refused with the reason and nothing is written: the payment stands, no refund receipt
    expect(page.locator("h1")).to_have_text("退费申请")
    expect(page.locator("form[data-confirm]")).to_contain_text(CLOSED_REFUSAL)
    assert money_state() == before
    assert dialogs == ["日结后当日收付记录不能再变更，确定日结吗？", "退费办理后不能撤销，确定办理吗？"]
    # and the day still shows what was closed
    page.goto(f"{live_server.url}/window/day/?date=2025-11-20")
    expect(page.get_by_text("收款 2 笔，¥800.00；退费 0 笔，¥0.00；净额 ¥800.00。")).to_be_visible()
