"""End to end in Debian's chromium: a township official signs for the uninsured list pushed down to them, records
the outcome of a visit with the keyboard, and sees the ledger's village × step counts change (R13.5)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from conftest import YUJING_TOWN, make_user
from divisions.models import Division
from enrollment.rules import id_number_compose
from tests.browser import log_in
from tests.factories import TEST_PASSWORD
from uninsured.models import ContactResult, OutreachStep, UninsuredList, UninsuredPerson, VerificationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

YUJING_VILLAGE = "140621100200"  # 玉井村委会
SHUITOU_VILLAGE = "140621100201"  # 水头村委会


def typed_date(date: datetime.date) -> str:
    """What the keyboard types into <input type="date"> in an en-US browser (tests/conftest.py): month, day, year."""
    return f"{date:%m%d%Y}"


def count_cell(page, village: str, step: str):
    return page.locator(f'#step-counts td[data-village="{village}"][data-step="{step}"]')


def test_r13_5_township_official_signs_records_an_outcome_with_the_keyboard_and_sees_the_counts_change(
    live_server, page, yujing_official
):
    # given a list pushed down to 玉井镇 with three people
    township = Division.objects.get(code=YUJING_TOWN)
    uninsured_list = UninsuredList.objects.create(
        township=township,
        year=2026,
        title="2026年度未参保人员名单（玉井镇）",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        pushed_by=make_user("shanxi", Role.PROVINCE_STAFF, "14"),
    )
    for sequence, name, village in [
        (11, "张三", YUJING_VILLAGE),
        (12, "李四", YUJING_VILLAGE),
        (13, "王五", SHUITOU_VILLAGE),
    ]:
        UninsuredPerson.objects.create(
            uninsured_list=uninsured_list,
            township=township,
            village_id=village,
            year=2026,
            name=name,
            id_number=id_number_compose(
                address_code="140621", birth_date=datetime.date(1980, 1, sequence), sequence=sequence
            ),
        )
    paid = timezone.localdate() - datetime.timedelta(days=6)
    log_in(page, live_server.url, "yujing", password=TEST_PASSWORD)

    # when: 未参保台账 → 签领
    page.get_by_role("link", name="未参保台账", exact=True).click()
    page.wait_for_url(f"{live_server.url}/targets/uninsured/")
    expect(page.locator(f"#list-{uninsured_list.pk}")).to_contain_text("待签领")
    page.get_by_role("button", name="签领").click()
    # then
    expect(page.locator(".alert-success")).to_have_text(
        "已签领「2026年度未参保人员名单（玉井镇）」，请逐人反馈工作情况。"
    )
    expect(page.locator(f"#list-{uninsured_list.pk}")).to_contain_text("已签领")

    # when: the ledger
    page.get_by_role("link", name="查看台账").click()
    page.wait_for_url(f"{live_server.url}/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026")
    # then
    expect(page.locator("h1")).to_have_text("玉井镇2026年度未参保人员台账")
    expect(count_cell(page, YUJING_VILLAGE, "data_distribution")).to_have_text("2")
    expect(count_cell(page, YUJING_VILLAGE, "mobilisation")).to_have_text("0")
    expect(page.locator("#enrolled-count")).to_have_text("0")

    # when: 张三's outcome, every field reached and filled with the keyboard
    page.get_by_role("link", name="编辑 张三").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/targets/uninsured/people/\d+/edit/\?next="))
    expect(page.get_by_label("未参保原因")).to_be_focused()  # left empty: he has enrolled
    page.keyboard.press("Tab")  # 异地参保地
    page.keyboard.press("Tab")  # 核实状态
    page.keyboard.press("ArrowDown")  # 核实未参保
    page.keyboard.press("Tab")  # 联系结果
    page.keyboard.press("ArrowDown")  # 已联系上
    page.keyboard.press("Tab")  # 动员情况
    page.keyboard.type("入户动员，已在村委会代缴点缴费")
    page.keyboard.press("Tab")  # 参保日期
    page.keyboard.type(typed_date(paid))
    page.keyboard.press("Tab")  # the date's calendar button
    page.keyboard.press("Tab")  # 工作步骤: 数据下发
    page.keyboard.press("ArrowDown")  # 精准摸排
    page.keyboard.press("ArrowDown")  # 动员参保
    page.keyboard.press("Tab")  # 保存
    page.keyboard.press("Enter")

    # then: back on the ledger, 张三 moved from 数据下发 to 动员参保 and counts as enrolled
    page.wait_for_url(f"{live_server.url}/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026")
    expect(page.locator(".alert-success")).to_have_text("已保存张三的工作情况。")
    expect(count_cell(page, YUJING_VILLAGE, "data_distribution")).to_have_text("1")
    expect(count_cell(page, YUJING_VILLAGE, "mobilisation")).to_have_text("1")
    expect(count_cell(page, SHUITOU_VILLAGE, "data_distribution")).to_have_text("1")
    expect(page.locator("#enrolled-count")).to_have_text("1")
    expect(page.locator("#pending-count")).to_have_text("2")
    zhang = UninsuredPerson.objects.get(name="张三")
    assert (
        zhang.reason,
        zhang.verification_status,
        zhang.contact_result,
        zhang.outreach_note,
        zhang.enrollment_date,
        zhang.step,
        zhang.updated_by_id,
    ) == (
        "",
        VerificationStatus.CONFIRMED_UNINSURED,
        ContactResult.REACHED,
        "入户动员，已在村委会代缴点缴费",
        paid,
        OutreachStep.MOBILISATION,
        yujing_official.pk,
    )


def test_r13_5_township_official_picks_a_village_by_typing_part_of_its_name(live_server, page, yujing_official):
    # given 玉井镇's twenty-odd villages behind one field
    log_in(page, live_server.url, "yujing", password=TEST_PASSWORD)
    page.goto(f"{live_server.url}/targets/uninsured/people/new/?township={YUJING_TOWN}&year=2026")
    page.get_by_label("姓名").fill("孙立")
    page.get_by_label("身份证号").fill(
        id_number_compose(address_code="140621", birth_date=datetime.date(1990, 5, 6), sequence=31)
    )
    # when part of a name is typed, then only the villages whose name holds it are offered
    page.get_by_role("combobox", name="村（社区）").focus()
    page.keyboard.type("庄窝")
    offered = page.get_by_role("listbox", name="村（社区）").get_by_role("option")
    expect(offered).to_have_text(["沈庄窝村委会", "董庄窝村委会", "老庄窝村委会", "米庄窝村委会"])
    # when one is picked and the form sent
    offered.filter(has_text="米庄窝村委会").click()
    page.get_by_role("button", name="加入台账").click()
    # then the person is on the ledger in that village
    page.wait_for_url(f"{live_server.url}/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026")
    expect(page.locator(".alert-success")).to_have_text("已将孙立加入玉井镇2026年度未参保台账。")
    person = UninsuredPerson.objects.get(name="孙立")
    assert (person.village_id, person.township_id, person.year) == ("140621100213", YUJING_TOWN, 2026)
