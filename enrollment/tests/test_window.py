"""窗口办理 pages: quote before payment, record it, print the receipt; R13.3 on the page."""

from decimal import Decimal

import pytest

from enrollment.models import Enrollment
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

PAYMENT = {
    "insurance_year": "2026",
    "payment_date": "2025-11-20",
    "back_paid_years": "0",
    "channel": "window",
    "accident_topup": "",
    "special_status": "",
    "special_date": "",
    "payer_id_number": "",
    "payer_relation": "",
}


def test_search_by_id_number_opens_the_window_page(client, clerk, yujing_resident):
    client.force_login(clerk)
    response = client.get("/window/", {"id_number": yujing_resident.id_number.lower()})
    assert response["Location"] == f"/window/residents/{yujing_resident.pk}/"


def test_quote_shows_what_is_owed_and_why_and_writes_nothing(client, clerk, yujing_resident):
    client.force_login(clerk)
    page = client.post(f"/window/residents/{yujing_resident.pk}/", {**PAYMENT, "action": "quote"}).content.decode()
    assert "¥400.00" in page
    assert "2026-04-01 至 2026-12-31" in page
    assert "断保1年：固定等待期3个月，变动等待期0个月" in page
    # which versions of the parameter sets the quote came from
    assert (
        "政策参数版本：山阴县2026年度第1版（山政办发〔2025〕17号）、"
        "山西省2026年度第1版（山西省2026年度城乡居民医保个人缴费标准）"
    ) in page
    assert Enrollment.objects.count() == 0


def test_refused_date_is_shown_in_chinese_and_nothing_is_saved(client, clerk, yujing_resident):
    client.force_login(clerk)
    page = client.post(
        f"/window/residents/{yujing_resident.pk}/", {**PAYMENT, "payment_date": "2025-11-27", "action": "pay"}
    ).content.decode()
    assert "下一个可缴费日为2025年12月1日" in page
    assert Enrollment.objects.count() == 0


def test_payment_is_recorded_and_the_receipt_shows_the_benefit_period(client, clerk, yujing_resident):
    client.force_login(clerk)
    response = client.post(f"/window/residents/{yujing_resident.pk}/", {**PAYMENT, "action": "pay"})
    enrollment = Enrollment.objects.get()
    assert response["Location"] == f"/window/enrollments/{enrollment.pk}/receipt/"
    receipt = client.get(response["Location"]).content.decode()
    assert "2026年4月1日 至 2026年12月31日" in receipt
    assert "缴费凭证" in receipt
    assert enrollment.policy_versions.startswith("山阴县2026年度第1版（山政办发〔2025〕17号）")
    assert f"政策参数版本：{enrollment.policy_versions}" in receipt


def test_r13_3_employee_years_credit_is_shown(client, clerk, yujing_resident):
    client.force_login(clerk)
    client.post(f"/window/residents/{yujing_resident.pk}/", {**PAYMENT, "action": "pay"})
    page = client.get(f"/window/residents/{yujing_resident.pk}/").content.decode()
    assert "可折算职工医保缴费年限 0.20 年（R13.3）" in page


def test_township_official_has_no_window_and_no_receipts_of_other_townships(
    client, clerk, yujing_official, beizhouzhuang_resident
):
    client.force_login(clerk)
    client.post(f"/window/residents/{beizhouzhuang_resident.pk}/", {**PAYMENT, "action": "pay"})
    enrollment = Enrollment.objects.get()
    client.force_login(yujing_official)
    assert client.get(f"/window/residents/{beizhouzhuang_resident.pk}/").status_code == 403
    assert client.get(f"/window/enrollments/{enrollment.pk}/receipt/").status_code == 404


def test_r13_3_resident_page_shows_years_identities_and_the_credit(client, clerk, yujing_resident):
    # given one paid year
    client.force_login(clerk)
    client.post(f"/window/residents/{yujing_resident.pk}/", {**PAYMENT, "action": "pay"})
    # when
    page = client.get(f"/residents/{yujing_resident.pk}/").content.decode()
    # then
    assert "可折算职工医保缴费年限 0.20 年（R13.3）" in page
    assert "2026-04-01 至 2026-12-31" in page


def test_the_window_page_writes_money_and_dates_in_the_house_formats(client, clerk, yujing_resident):
    # given 2026 paid on 2025-11-20
    enrollment = EnrollmentFactory(actor=clerk, resident=yujing_resident)
    client.force_login(clerk)
    # when the person is opened at the window
    page = client.get(f"/window/residents/{yujing_resident.pk}/").content.decode()
    # then money has its thousands separators and the table's dates are written 2026-01-01
    assert '<span class="text-nowrap">2026-04-01</span> 至 <span class="text-nowrap">2026-12-31</span>' in page
    assert enrollment.cap_effective == Decimal("397000.00")  # the 2025 break's penalty (R5.4)
    assert "<td>¥397,000.00</td></tr>" in page
