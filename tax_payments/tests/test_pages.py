"""The reconciliation page of the tax payment records: figures, list, masking, the file, the re-match, the scope."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.personal_data import id_number_mask
from bulk.models import BulkImportJob
from bulk.tests.helpers import run_import
from conftest import make_user
from enrollment.models import Resident
from enrollment.services import PaymentDetails, enrollment_create
from tax_payments.models import TaxPaymentRecord
from tax_payments.selectors import TaxPaymentSummaryRow

from .helpers import D, People, payment_rows, people_build, person_id, tax_file, voucher

pytestmark = pytest.mark.django_db
PAGE = "/bulk/tax-payments/"
SHANYIN_2026 = {"county": "140621", "year": "2026"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(clerk, django_capture_on_commit_callbacks) -> People:
    people = people_build(clerk)
    run_import(
        django_capture_on_commit_callbacks, actor=clerk, kind="tax_payments", upload=tax_file(payment_rows(people))
    )
    return people


def enroll_the_third(clerk, people: People) -> None:
    third = Resident.objects.get(id_number=people.ids[3])
    enrollment_create(
        actor=clerk, resident=third, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )


def test_the_page_counts_and_sums_each_status_and_masks_id_numbers(client, clerk, people):
    # given
    client.force_login(clerk)
    # when
    response = client.get(PAGE, SHANYIN_2026)
    # then
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.rows == (
        TaxPaymentSummaryRow("matched", "已对上", 3, 2, Decimal("1200.00"), Decimal("1200.00")),
        TaxPaymentSummaryRow("amount_differs", "金额不符", 1, 1, Decimal("380.00"), Decimal("400.00")),
        TaxPaymentSummaryRow("no_enrollment", "无参保记录", 2, 2, Decimal("800.00"), None),
        TaxPaymentSummaryRow("not_registered", "档案中无此人", 1, 1, Decimal("400.00"), None),
        TaxPaymentSummaryRow("other_county", "外县参保人员", 1, 1, Decimal("400.00"), None),
    )
    assert summary.total == TaxPaymentSummaryRow("", "合计", 8, 7, Decimal("3180.00"), Decimal("1600.00"))
    assert [str(row.deposited_total) for row in summary.rows] == ["1200.00", "380.00", "800.00", "400.00", "400.00"]
    page = response.content.decode()
    assert "山阴县2026年度征缴入库对账" in page
    assert "入库金额 380.00 元，与 2026 年度参保记录个人应缴 400.00 元不符，少 20.00 元。" in page
    for id_number in [*people.ids[:4], people.unknown, people.elsewhere]:
        assert id_number not in page
        assert id_number_mask(id_number) in page
    assert 'action="/bulk/tax-payments/rematch/"' in page
    assert 'data-confirm="确认按现有的居民档案和参保记录，对山阴县2026年度尚未对上的税票重新对账？"' in page
    assert "csrfmiddlewaretoken" in page


def test_the_list_is_filtered_by_status_and_searched_by_id_number(client, clerk, people):
    # given
    client.force_login(clerk)
    # when
    by_status = client.get(PAGE, {**SHANYIN_2026, "status": "no_enrollment"})
    by_number = client.get(PAGE, {**SHANYIN_2026, "id_number": people.ids[1][-6:].lower()})
    wrong = client.get(PAGE, {**SHANYIN_2026, "status": "paid"})
    # then
    assert [record.voucher_number for record in by_status.context["page"]] == [voucher(5), voucher(6)]
    assert "无参保记录的税票明细（共 2 张）" in by_status.content.decode()
    assert [record.voucher_number for record in by_number.context["page"]] == [voucher(2), voucher(3)]
    assert wrong.status_code == 400
    assert "对账结果「paid」不是可选的值。" in wrong.content.decode()


def test_the_list_has_25_records_a_page(client, clerk, django_capture_on_commit_callbacks):
    # given 26 payments of people the registry does not know
    rows = [[voucher(n), person_id(20 + n), f"无档案{n}", "2026", "400", "2025-11-20", "2025-11-21"] for n in range(26)]
    run_import(django_capture_on_commit_callbacks, actor=clerk, kind="tax_payments", upload=tax_file(rows))
    client.force_login(clerk)
    # when
    first = client.get(PAGE, SHANYIN_2026)
    second = client.get(PAGE, {**SHANYIN_2026, "page": "2"})
    # then
    assert len(first.context["page"]) == 25
    assert [record.voucher_number for record in second.context["page"]] == [voucher(25)]
    assert 'href="?county=140621&amp;year=2026&amp;page=2"' in first.content.decode()


def test_the_file_lists_the_filtered_records_with_full_id_numbers(client, clerk, people):
    # given
    client.force_login(clerk)
    # when
    response = client.get("/bulk/tax-payments/export.xlsx", {**SHANYIN_2026, "status": "matched"})
    # then
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "山阴县2026年度征缴入库对账明细（已对上）"
    assert rows[2] == [
        "序号", "电子税票号码", "姓名", "公民身份号码", "费款所属年度", "实缴金额（元）", "缴费日期", "入库日期",
        "对账结果", "参保应缴（元）", "对账说明",
    ]  # fmt: skip
    two_vouchers = (
        "该身份证号 2026 年度共 2 张税票，入库金额合计 800.00 元，"
        "与 2026 年度参保记录应缴 800.00 元（个人应缴 400.00 元、补缴 400.00 元）一致。"
    )
    assert rows[3:7] == [
        [1, voucher(1), "居民0", people.ids[0], 2026, 400, "2025-11-20", "2025-11-21", "已对上", 400,
         "入库金额 400.00 元，与 2026 年度参保记录个人应缴 400.00 元一致。"],
        [2, voucher(2), "居民1", people.ids[1], 2026, 400, "2025-11-20", "2025-11-21", "已对上", 800, two_vouchers],
        [3, voucher(3), "居民1", people.ids[1], 2026, 400, "2025-12-01", "2025-12-02", "已对上", 800, two_vouchers],
        ["合计", "3 张", None, None, None, 1200, None, None, None, None, None],
    ]  # fmt: skip


def test_the_rematch_button_matches_an_enrollment_recorded_since(client, clerk, people):
    # given
    enroll_the_third(clerk, people)
    client.force_login(clerk)
    # when
    response = client.post("/bulk/tax-payments/rematch/", SHANYIN_2026, follow=True)
    # then
    assert response.redirect_chain == [("/bulk/tax-payments/?county=140621&year=2026", 302)]
    assert "重新对账 5 张未对上的税票：1 张已对上，4 张仍未对上。" in response.content.decode()
    assert TaxPaymentRecord.objects.get(voucher_number=voucher(5)).match_status == "matched"
    assert client.get("/bulk/tax-payments/rematch/").status_code == 405


def test_another_county_answers_404_other_roles_403_and_nothing_changes(client, clerk, people):
    # given a clerk of 应县, and the third person enrolled since the file
    enroll_the_third(clerk, people)
    before = list(TaxPaymentRecord.objects.order_by("pk").values())
    client.force_login(make_user("yingxian", "window_clerk", "140622"))
    # then
    assert client.get(PAGE, SHANYIN_2026).status_code == 404
    assert client.get("/bulk/tax-payments/export.xlsx", SHANYIN_2026).status_code == 404
    assert client.post("/bulk/tax-payments/rematch/", SHANYIN_2026).status_code == 404
    assert list(TaxPaymentRecord.objects.order_by("pk").values()) == before
    own = client.get(PAGE, {"year": "2026"})  # their own county by default, without Shanyin's records
    assert own.context["summary"].total.vouchers == 0
    client.force_login(make_user("township", "township_official", "140621100"))
    assert client.get(PAGE, SHANYIN_2026).status_code == 403
    assert client.post("/bulk/tax-payments/rematch/", SHANYIN_2026).status_code == 403
    assert list(TaxPaymentRecord.objects.order_by("pk").values()) == before


def test_the_import_page_offers_the_kind_its_template_and_the_reconciliation(client, clerk):
    # given
    client.force_login(clerk)
    # when
    page = client.get("/bulk/").content.decode()
    template = client.get("/bulk/templates/tax_payments.xlsx")
    # then
    assert '<option value="tax_payments">征缴入库明细（税务）</option>' in page
    assert 'href="/bulk/tax-payments/"' in page
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "电子税票号码", "身份证号", "姓名", "费款所属年度", "实缴金额", "缴费日期", "入库日期",
    ]  # fmt: skip


def test_the_finished_job_page_links_to_its_county_s_reconciliation(client, clerk, people):
    # given
    job = BulkImportJob.objects.get(kind="tax_payments")
    client.force_login(clerk)
    # when
    page = client.get(f"/bulk/{job.pk}/").content.decode()
    # then
    assert 'href="/bulk/tax-payments/?county=140621">查看征缴入库对账结果</a>' in page
