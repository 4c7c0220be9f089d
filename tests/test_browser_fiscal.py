"""End to end in Debian's chromium (R11): a city's finance user opens 财政结算, sees 朔州's counties, records a
transfer through the form and sees its status change."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_user
from reports.models import FiscalTransfer
from tests.browser import log_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHUOZHOU_COUNTIES = ["朔城区", "平鲁区", "山阴县", "应县", "右玉县", "山西朔州经济开发区", "怀仁市"]


def test_finance_user_records_a_transfer_and_sees_the_status_change(live_server, page):
    # given 朔州's target of 6000 split equally (no births the year before): 山阴 857 × 400.00, half of it provincial
    make_user("shuozhou_finance", "finance", "1406")
    today = timezone.localdate()
    log_in(page, live_server.url, "shuozhou_finance", password=TEST_PASSWORD)
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


# --- the A4 print: each table's subtotals and 合计 stay with the table's last rows ------------------------------------

PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.DOTALL)
PDF_REFERENCE = re.compile(rb"(\d+) 0 R")


def pdf_links_per_page(content: bytes) -> list[list[str]]:
    """The addresses of the links on each page of a PDF, pages in order (Chromium writes a page's links as its
    /Annots, each a /Link annotation with a /URI action, in plain objects)."""
    objects = {int(number): body for number, body in PDF_OBJECT.findall(content)}
    root = next(body for body in objects.values() if re.search(rb"/Type\s*/Pages\b", body) and b"/Parent" not in body)

    def pages(node: bytes) -> list[bytes]:
        kids = re.search(rb"/Kids\s*\[(.*?)\]", node, re.DOTALL)
        if kids is None:
            return [node]
        found = []
        for reference in PDF_REFERENCE.findall(kids.group(1)):
            found.extend(pages(objects[int(reference)]))
        return found

    def uri(annotation: bytes) -> str:
        match = re.search(rb"/URI\s*\((.*?)\)", annotation)
        return match.group(1).decode() if match else ""

    links = []
    for page_object in pages(root):
        annotations = re.search(rb"/Annots\s*\[(.*?)\]", page_object, re.DOTALL)
        references = PDF_REFERENCE.findall(annotations.group(1)) if annotations else []
        links.append([uri(objects[int(reference)]) for reference in references])
    return links


MARK_ROWS = """() => {
  for (const section of document.querySelectorAll('.fiscal-section')) {
    const table = section.querySelector('table.report-table');
    const rows = [
      ['header', table.querySelector('thead tr')],
      ['first-row', table.querySelector('tbody tr')],
      ['last-row', table.querySelector('tbody tr:last-child')],
      ...[...table.querySelectorAll('tfoot tr')].map((row, index) => [`footer-${index}`, row]),
    ];
    for (const [name, row] of rows) {
      const cell = row.querySelector('td, th');
      cell.innerHTML = `<a href="https://print.test/${section.id}/${name}">${cell.innerHTML}</a>`;
    }
  }
}"""


def test_the_a4_print_keeps_each_table_s_totals_with_its_last_rows(live_server, page):
    # given 临汾's 17 counties: a settlement of 51 rows (county × level), three subtotals and the 合计
    make_user("linfen_finance", "finance", "1410")
    log_in(page, live_server.url, "linfen_finance", password=TEST_PASSWORD)
    page.goto(f"{live_server.url}/reports/fiscal/?year=2026")
    expect(page.locator("h1")).to_have_text("临汾市2026年度新生儿参保资助资金预拨与结算")
    # and each table's first and last rows and each row of its footer marked by a link the PDF keeps
    page.evaluate(MARK_ROWS)
    # when printed
    page.emulate_media(media="print")
    links = pdf_links_per_page(page.pdf(prefer_css_page_size=True))
    # then every table's subtotals and 合计 are printed once, on the page of its last rows, under the headings
    # repeated on each of its pages; and the settlement, with its subtotals, runs over more than one page

    def pages_of(section, name):
        return {number for number, on_page in enumerate(links) if f"https://print.test/{section}/{name}" in on_page}

    for section in ("prepay", "settlement", "transfers"):
        (first,), (last,) = pages_of(section, "first-row"), pages_of(section, "last-row")
        footer = set().union(*(pages_of(section, f"footer-{index}") for index in range(4)))
        assert (footer, pages_of(section, "header")) == ({last}, set(range(first, last + 1))), section
    (first,), (last,) = pages_of("settlement", "first-row"), pages_of("settlement", "last-row")
    assert last > first
