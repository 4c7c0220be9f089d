"""On a phone (390 × 844): the menu folds behind its button instead of filling the first screen, no page the
window clerks and the township officials use is wider than the screen, and a table's rows become cards whose cells
name their column."""

import datetime
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from divisions.models import Division
from enrollment.models import PaymentChannel, Receipt
from enrollment.rules import id_number_compose
from targets.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser import log_in
from tests.factories import EnrollmentFactory, ResidentFactory, first_village
from uninsured.models import UninsuredList, UninsuredPerson
from uninsured.services.people import uninsured_person_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_menu_folds_on_a_phone_and_opens_from_its_button(live_server, page):
    # given the demo data and a phone-sized window
    call_command("seed_demo", residents=5, hardship_share=0, enrolled_share=0, stdout=io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "clerk", password=DEMO_PASSWORD)
    # then the menu is folded: one bar, no wider than the screen, its items hidden
    menu_link = page.get_by_role("link", name="窗口办理", exact=True).first
    expect(menu_link).to_be_hidden()
    bar = page.locator("nav.navbar").bounding_box()
    assert bar is not None and bar["height"] < 80
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # when the menu button is pressed, then its items show
    page.get_by_role("button", name="菜单").click()
    expect(menu_link).to_be_visible()


YUJING_TOWN = "140621100"  # 玉井镇, the demo township official's
PHONE_WIDTH = 390


def phone_data():
    """The demo data and the records the listed pages need: two residents of one name for the window's list, a
    paid enrollment with its receipt, hardship subsidies for the ledger, a pushed list and ledger rows in 玉井镇."""
    call_command("seed_demo", residents=12, hardship_share=0.5, enrolled_share=1, stdout=io.StringIO())
    clerk = User.objects.get(username="clerk")
    resident = ResidentFactory(actor=clerk, name="王秀英", phone="13912345678")
    ResidentFactory(actor=clerk, name="王秀英", household_division=first_village("140621101"))
    enrollment = EnrollmentFactory(actor=clerk, resident=resident, payment_date=datetime.date(2025, 11, 20))
    other_channel = EnrollmentFactory(actor=clerk, channel=PaymentChannel.TAX, payment_date=datetime.date(2025, 11, 20))
    receipt = Receipt.objects.get(enrollment=enrollment)
    township = Division.objects.get(code=YUJING_TOWN)
    uninsured_list = UninsuredList.objects.create(
        township=township,
        year=2026,
        title="2026年度未参保人员名单（玉井镇第一批，省医保局下发）",
        deadline=datetime.date(2026, 12, 31),
        pushed_by=User.objects.get(username="province"),
    )
    for sequence, village in enumerate(Division.objects.filter(parent=township).order_by("code")[:4], start=21):
        person = uninsured_person_create(
            actor=User.objects.get(username="township"),
            township=township,
            year=2026,
            name=f"赵{'一二三四'[sequence - 21]}",
            id_number=id_number_compose(
                address_code="140621", birth_date=datetime.date(1980, 1, sequence), sequence=sequence
            ),
            phone="13800001111",
            village=village,
        )
        UninsuredPerson.objects.filter(pk=person.pk).update(uninsured_list=uninsured_list)
    return {
        "window_search": "/window/?q=王秀英",
        "window_resident": f"/window/residents/{resident.pk}/",
        "window_receipt": f"/window/enrollments/{enrollment.pk}/receipt/",
        "receipt_detail": f"/window/receipts/{receipt.pk}/?format=ticket",
        "receipt_payments": f"/window/enrollments/{other_channel.pk}/receipt/",
        "window_refund": f"/window/enrollments/{enrollment.pk}/refund/",
        "day_close": "/window/day/?date=2025-11-20",
        "resident_detail": f"/residents/{resident.pk}/",
        "uninsured_ledger": f"/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026",
        "uninsured_lists": "/targets/uninsured/",
        "subsidy_ledger": "/subsidies/reports/ledger/?year=2026&county=140621",
    }


def phone_login(page, live_server, username: str) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, live_server.url, username, password=DEMO_PASSWORD)


# (who uses the page, the page, a table cell that shows its column's heading as its label on a phone, the label)
PHONE_PAGES = [
    ("clerk", "window_search", "main table tbody tr:first-child td:nth-child(2)", "身份证号"),
    ("clerk", "window_resident", "main table tbody tr:first-child td:nth-child(6)", "待遇期"),
    ("clerk", "window_receipt", None, None),
    ("clerk", "receipt_detail", None, None),
    ("clerk", "receipt_payments", "main table.table-sm tbody tr:first-child td:nth-child(3)", "金额"),
    ("clerk", "window_refund", None, None),
    ("clerk", "day_close", None, None),
    ("clerk", "resident_detail", "main table tbody tr:first-child td:nth-child(9)", "大病限额"),
    ("township", "resident_detail", "main table tbody tr:first-child td:nth-child(4)", "缴费日期"),
    ("clerk", "uninsured_ledger", "#people tbody tr:first-child td:nth-child(2)", "身份证号"),
    ("township", "uninsured_ledger", "#people tbody tr:first-child td:nth-child(4)", "联系电话"),
    ("clerk", "uninsured_lists", "#lists tbody tr:first-child td:nth-child(4)", "反馈截止"),
    ("township", "uninsured_lists", "#lists tbody tr:first-child td:nth-child(9)", "待反馈"),
    ("clerk", "subsidy_ledger", None, None),
    ("township", "subsidy_ledger", None, None),
]


@pytest.mark.parametrize(
    ("username", "page_name", "cell", "label"),
    PHONE_PAGES,
    ids=[f"{username}-{page_name}" for username, page_name, _cell, _label in PHONE_PAGES],
)
def test_no_listed_page_is_wider_than_a_phone_and_table_cells_carry_their_headings(
    live_server, page, username, page_name, cell, label
):
    # given the records the page shows, and its user on a phone
    url = phone_data()[page_name]
    phone_login(page, live_server, username)
    # when
    response = page.goto(f"{live_server.url}{url}")
    # then the page is there, with its data, and no wider than the screen
    assert response is not None and response.status == 200
    expect(page.locator("main h1").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    if cell is not None:
        # and a table's row is a card whose cells name their column
        shown = page.locator(cell).evaluate("cell => getComputedStyle(cell, '::before').content")
        assert shown == f'"{label}"'
