"""Receipts (缴费凭证) at the window, their prints and reprints, refunds at the window (R12) and the clerk's day
(日结): issue 19, items 2 and 3."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from enrollment.models import ClerkDayClose, Enrollment, Payment, Receipt, ReceiptCounter, ReceiptPrint
from enrollment.rules import DayMovement, amount_in_capitals, day_totals
from enrollment.services import (
    PaymentDetails,
    back_payment_add,
    clerk_day_close,
    contribution_payment_add,
    enrollment_create,
    receipt_print_record,
    refund_request,
)
from tests.factories import UserFactory

D = datetime.date
PAID_ON = D(2025, 11, 20)


def this_year() -> int:
    return timezone.localdate().year


def enroll(clerk, resident, **changes):
    # not enrolled 2025: 2026 paid on 2025-11-20 waits 3 months, benefits 2026-04-01 .. 2026-12-31
    return enrollment_create(
        actor=clerk,
        resident=resident,
        details=PaymentDetails(**{"insurance_year": 2026, "payment_date": PAID_ON, **changes}),
    )


def money_state():
    return (
        Enrollment.objects.count(),
        list(Payment.objects.order_by("id").values_list("kind", "amount", "receipt_id")),
        list(Receipt.objects.values_list("number", flat=True)),
        list(ReceiptCounter.objects.values_list("last_number", flat=True)),
    )


# --- the amount in capitals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("0.00", "零元整"),
        ("400", "肆佰元整"),
        ("1200.50", "壹仟贰佰元伍角"),
        ("10.05", "壹拾元零伍分"),
        ("100010", "壹拾万零壹拾元整"),
        ("430.00", "肆佰叁拾元整"),
        ("0.05", "伍分"),
        ("1005.60", "壹仟零伍元陆角"),
        ("100000", "壹拾万元整"),
        ("100000001", "壹亿零壹元整"),
        ("20304.12", "贰万零叁佰零肆元壹角贰分"),
    ],
)
def test_receipt_amount_in_capitals(amount, capitals):
    assert amount_in_capitals(Decimal(amount)) == capitals


def test_receipt_amount_in_capitals_takes_no_sign():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-400"))


def test_receipt_day_totals_per_channel_and_category():
    # given
    movements = [
        DayMovement(amount=Decimal("400.00"), channel="窗口缴费", category="无资助"),
        DayMovement(amount=Decimal("80.00"), channel="窗口缴费", category="低保对象"),
        DayMovement(amount=Decimal("400.00"), channel="税务渠道", category="无资助"),
        DayMovement(amount=Decimal("-400.00"), channel="窗口缴费", category="无资助"),
    ]
    # when
    totals = day_totals(movements)
    # then
    assert (totals.payments, totals.refunds) == (3, 1)
    assert (totals.received, totals.refunded, totals.net) == (Decimal("880.00"), Decimal("400.00"), Decimal("480.00"))
    assert dict(totals.by_channel) == {"窗口缴费": Decimal("80.00"), "税务渠道": Decimal("400.00")}
    assert dict(totals.by_category) == {"无资助": Decimal("400.00"), "低保对象": Decimal("80.00")}


# --- numbering --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_receipt_numbers_follow_the_county_sequence_and_cover_the_whole_payment(
    clerk, yujing_resident, beizhouzhuang_resident
):
    # when two people pay at the window, the first with the accident top-up
    first = enroll(clerk, yujing_resident, accident_topup=Decimal("30"))
    second = enroll(clerk, beizhouzhuang_resident)
    # then one receipt each, numbered 1 and 2 in Shanyin's sequence of the year, covering every part paid
    year = this_year()
    receipts = list(Receipt.objects.order_by("number"))
    assert [(r.number_text, r.kind, r.amount, r.enrollment_id) for r in receipts] == [
        (f"140621-{year}-000001", "payment", Decimal("430.00"), first.pk),
        (f"140621-{year}-000002", "payment", Decimal("400.00"), second.pk),
    ]
    assert sorted(receipts[0].payments.values_list("kind", "amount")) == [
        ("accident_topup", Decimal("30.00")),
        ("contribution", Decimal("400.00")),
    ]
    assert ReceiptCounter.objects.get(county_id="140621", year=year).last_number == 2


@pytest.mark.django_db
def test_receipt_for_a_later_payment_back_payment_and_refund(clerk, yujing_resident):
    # given 2026 paid at the window
    enrollment = enroll(clerk, yujing_resident)
    # when the same 400 is paid again, one missed year is back-paid, and the duplicate is refunded (R12.2)
    contribution_payment_add(actor=clerk, enrollment=enrollment, payment_date=D(2025, 12, 1), amount=Decimal("400"))
    back_payment_add(actor=clerk, enrollment=enrollment, years=1, payment_date=D(2025, 12, 2))
    refund_request(actor=clerk, enrollment=enrollment, reason="duplicate_payment", date=D(2025, 12, 3))
    # then each movement has its receipt, the refund a 退费凭证 with the amount returned
    assert list(Receipt.objects.order_by("number").values_list("number", "kind", "amount", "date")) == [
        (1, "payment", Decimal("400.00"), PAID_ON),
        (2, "payment", Decimal("400.00"), D(2025, 12, 1)),
        (3, "payment", Decimal("400.00"), D(2025, 12, 2)),
        (4, "refund", Decimal("-400.00"), D(2025, 12, 3)),
    ]
    assert Payment.objects.filter(receipt__isnull=True).count() == 0


@pytest.mark.django_db
def test_receipt_none_for_another_channel_or_no_money(clerk, yujing_resident):
    # when 2026 is paid through the tax channel
    enroll(clerk, yujing_resident, channel="tax")
    # then the window issues no receipt and takes no number
    assert Receipt.objects.count() == 0
    assert ReceiptCounter.objects.count() == 0


@pytest.mark.django_db
def test_receipt_number_of_a_rolled_back_payment_is_given_back(clerk, yujing_resident, beizhouzhuang_resident):
    # given one receipt issued
    enroll(clerk, yujing_resident)
    # when a payment that took number 2 is rolled back with the transaction around it
    with pytest.raises(RuntimeError), transaction.atomic():
        enroll(clerk, beizhouzhuang_resident)
        assert Receipt.objects.get(enrollment__resident=beizhouzhuang_resident).number == 2
        raise RuntimeError("the payment is not completed")
    # then the next payment takes number 2 again: no gap
    enroll(clerk, beizhouzhuang_resident, payment_date=D(2025, 11, 22))
    assert list(Receipt.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert ReceiptCounter.objects.get().last_number == 2


# --- prints and reprints ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_receipt_first_print_then_reprints_are_recorded(clerk, yujing_official, yujing_resident):
    # given
    receipt = Receipt.objects.get(enrollment=enroll(clerk, yujing_resident))
    # when printed on A4, then again on a ticket, then again
    receipt_print_record(actor=clerk, receipt=receipt)
    receipt_print_record(actor=clerk, receipt=receipt, paper="ticket")
    receipt_print_record(actor=clerk, receipt=receipt)
    # then the first is 打印, the later ones 补打
    assert list(ReceiptPrint.objects.order_by("id").values_list("reprint", "paper", "printed_by")) == [
        (False, "a4", clerk.pk),
        (True, "ticket", clerk.pk),
        (True, "a4", clerk.pk),
    ]


@pytest.mark.django_db
def test_receipt_print_on_unknown_paper_is_refused(clerk, yujing_resident):
    receipt = Receipt.objects.get(enrollment=enroll(clerk, yujing_resident))
    with pytest.raises(ValidationError) as refusal:
        receipt_print_record(actor=clerk, receipt=receipt, paper="a5")
    assert refusal.value.message_dict == {"paper": ["纸型应为A4或80毫米小票。"]}
    assert ReceiptPrint.objects.count() == 0


@pytest.mark.django_db
def test_receipt_page_shows_bureau_number_capitals_period_and_clerk(client, clerk, yujing_resident):
    # given
    clerk.first_name = "张经办"
    clerk.save()
    enrollment = enroll(clerk, yujing_resident, accident_topup=Decimal("30"))
    client.force_login(clerk)
    # when
    page = client.get(f"/window/enrollments/{enrollment.pk}/receipt/").content.decode()
    # then
    assert "山阴县医疗保障局" in page
    assert f"140621-{this_year()}-000001" in page
    assert "¥430.00" in page
    assert "人民币肆佰叁拾元整" in page
    assert "2026年4月1日 至 2026年12月31日" in page
    assert "张经办" in page
    assert "打印凭证" in page
    assert "尚未打印。" in page


@pytest.mark.django_db
def test_receipt_print_button_records_print_then_reprint_marked_on_the_page(client, clerk, yujing_resident):
    # given
    receipt = Receipt.objects.get(enrollment=enroll(clerk, yujing_resident))
    client.force_login(clerk)
    # when printed once
    response = client.post(f"/window/receipts/{receipt.pk}/print/", {"paper": "ticket"})
    # then the receipt opens to print itself on the ticket, not marked 补打
    assert response["Location"] == f"/window/receipts/{receipt.pk}/?format=ticket&print=1"
    page = client.get(response["Location"]).content.decode()
    assert "data-print-on-load" in page
    assert "size: 80mm 200mm" in page
    assert '<span class="receipt-reprint">补打</span>' not in page
    # when printed again
    page = client.get(client.post(f"/window/receipts/{receipt.pk}/print/", {"paper": "a4"})["Location"]).content
    # then the print is a reprint, marked on the receipt and listed
    assert '<span class="receipt-reprint">补打</span>' in page.decode()
    assert list(ReceiptPrint.objects.order_by("id").values_list("reprint", flat=True)) == [False, True]


@pytest.mark.django_db
def test_receipt_page_reloaded_after_its_print_does_not_print_again_unrecorded(client, clerk, yujing_resident):
    # given a receipt printed once, its page opened to print itself
    receipt = Receipt.objects.get(enrollment=enroll(clerk, yujing_resident))
    client.force_login(clerk)
    location = client.post(f"/window/receipts/{receipt.pk}/print/", {"paper": "a4"})["Location"]
    assert "data-print-on-load" in client.get(location).content.decode()
    # when the same address is opened again (reloaded, or from the browser's history)
    page = client.get(location).content.decode()
    # then it does not print itself: an unrecorded copy without 补打 would be a second original; the next print is
    # a reprint and the page says so
    assert "data-print-on-load" not in page
    assert '<span class="receipt-reprint">补打</span>' in page
    assert list(ReceiptPrint.objects.values_list("reprint", flat=True)) == [False]


# --- refunds at the window (R12) ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r12_refund_at_the_window_records_the_refund_and_its_receipt(client, clerk, yujing_resident):
    # given 2026 paid at the window on 2025-11-20
    enrollment = enroll(clerk, yujing_resident)
    client.force_login(clerk)
    # when the person is refunded because employee insurance was paid for the year
    response = client.post(
        f"/window/enrollments/{enrollment.pk}/refund/", {"reason": "employee_insured", "date": "2025-12-05"}
    )
    # then the enrollment is refunded, a 退费凭证 of 400 is issued and shown
    assert response["Location"] == f"/window/enrollments/{enrollment.pk}/receipt/"
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.refund_reason) == ("refunded", "employee_insured")
    refund = Receipt.objects.get(kind="refund")
    assert (refund.number, refund.amount, refund.date) == (2, Decimal("-400.00"), D(2025, 12, 5))
    page = client.get(response["Location"]).content.decode()
    assert "退费凭证" in page
    assert "人民币肆佰元整" in page
    assert "已缴纳省内职工医保" in page


@pytest.mark.django_db
def test_r12_refund_at_the_window_for_a_death_needs_its_date(client, clerk, yujing_resident):
    # given
    enrollment = enroll(clerk, yujing_resident)
    before = money_state()
    client.force_login(clerk)
    # when
    page = client.post(
        f"/window/enrollments/{enrollment.pk}/refund/", {"reason": "died_before_benefit", "date": "2025-12-05"}
    ).content.decode()
    # then
    assert "待遇享受期前死亡退费，请填写死亡日期。" in page
    assert money_state() == before


@pytest.mark.django_db
def test_r12_refund_at_the_window_refused_shows_why_and_writes_nothing(client, clerk, yujing_resident):
    # given one payment only
    enrollment = enroll(clerk, yujing_resident)
    before = money_state()
    client.force_login(clerk)
    # when a duplicate refund is asked for
    page = client.post(
        f"/window/enrollments/{enrollment.pk}/refund/", {"reason": "duplicate_payment", "date": "2025-12-05"}
    ).content.decode()
    # then
    assert "不存在重复缴费" in page
    assert money_state() == before


# --- the clerk's day (日结) ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_day_close_keeps_the_days_totals(clerk, yujing_resident, beizhouzhuang_resident):
    # given on 2025-11-20: 430 at the window, the same 400 again, its refund, and 400 through the tax channel
    enrollment = enroll(clerk, yujing_resident, accident_topup=Decimal("30"))
    contribution_payment_add(actor=clerk, enrollment=enrollment, payment_date=PAID_ON, amount=Decimal("400"))
    refund_request(actor=clerk, enrollment=enrollment, reason="multi_channel", date=PAID_ON)
    enroll(clerk, beizhouzhuang_resident, channel="tax")
    # when
    close = clerk_day_close(actor=clerk, date=PAID_ON)
    # then
    assert (close.clerk_id, close.date, close.county_id) == (clerk.pk, PAID_ON, "140621")
    assert close.totals == {
        "payments": 4,
        "refunds": 1,
        "received": "1230.00",
        "refunded": "400.00",
        "net": "830.00",
        "by_channel": {"窗口缴费": "430.00", "税务渠道": "400.00"},
        "by_category": {"无资助": "830.00"},
    }


@pytest.mark.django_db
def test_day_close_refuses_a_payment_dated_on_the_closed_day_and_writes_nothing(
    clerk, yujing_resident, beizhouzhuang_resident
):
    # given the clerk's 2025-11-20 closed
    enrollment = enroll(clerk, yujing_resident)
    clerk_day_close(actor=clerk, date=PAID_ON)
    before = money_state()
    # when a payment dated that day is recorded
    with pytest.raises(ValidationError) as refusal:
        enroll(clerk, beizhouzhuang_resident)
    # then it is refused on the date and nothing is written
    assert refusal.value.message_dict == {"payment_date": ["2025年11月20日已日结，不能再录入当日的收付记录。"]}
    assert money_state() == before
    # and a further payment on the enrollment dated that day too
    with pytest.raises(ValidationError) as refusal:
        contribution_payment_add(actor=clerk, enrollment=enrollment, payment_date=PAID_ON, amount=Decimal("400"))
    assert refusal.value.message_dict == {"payment_date": ["2025年11月20日已日结，不能再录入当日的收付记录。"]}
    assert money_state() == before


@pytest.mark.django_db
def test_day_close_refuses_a_refund_dated_on_the_closed_day_and_writes_nothing(clerk, yujing_resident):
    # given
    enrollment = enroll(clerk, yujing_resident)
    clerk_day_close(actor=clerk, date=D(2025, 12, 5))
    before = money_state()
    # when
    with pytest.raises(ValidationError) as refusal:
        refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=D(2025, 12, 5))
    # then
    assert refusal.value.message_dict == {"date": ["2025年12月5日已日结，不能再录入当日的收付记录。"]}
    assert money_state() == before
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


@pytest.mark.django_db
def test_day_close_of_one_clerk_leaves_another_clerks_day_open(clerk, yujing_resident):
    # given
    other = UserFactory(username="clerk2", role=Role.WINDOW_CLERK, division_code="140621")
    clerk_day_close(actor=clerk, date=PAID_ON)
    # when
    enroll(other, yujing_resident)
    # then
    assert Payment.objects.get().recorded_by == other


@pytest.mark.django_db
def test_day_close_twice_or_in_the_future_is_refused(clerk):
    # given
    clerk_day_close(actor=clerk, date=PAID_ON)
    # when / then
    with pytest.raises(ValidationError) as refusal:
        clerk_day_close(actor=clerk, date=PAID_ON)
    assert refusal.value.message_dict == {"date": ["2025年11月20日已日结。"]}
    with pytest.raises(ValidationError) as refusal:
        clerk_day_close(actor=clerk, date=timezone.localdate() + datetime.timedelta(days=1))
    assert list(refusal.value.message_dict) == ["date"]
    assert ClerkDayClose.objects.count() == 1


@pytest.mark.django_db
def test_day_close_page_lists_the_day_totals_and_closes_it(client, clerk, yujing_resident):
    # given
    enroll(clerk, yujing_resident, accident_topup=Decimal("30"))
    client.force_login(clerk)
    # when
    page = client.get("/window/day/", {"date": "2025-11-20"}).content.decode()
    # then
    assert f"140621-{this_year()}-000001" in page
    assert "收款 2 笔，¥430.00；退费 0 笔，¥0.00；净额 ¥430.00。" in page
    assert "窗口缴费" in page and "无资助" in page
    assert f'<a href="/window/receipts/{Receipt.objects.get().pk}/">凭证</a>' in page
    assert ">日结</button>" in page
    # when closed from the page
    response = client.post("/window/day/close/", {"date": "2025-11-20"})
    # then
    assert response["Location"] == "/window/day/?date=2025-11-20"
    page = client.get(response["Location"]).content.decode()
    assert 'id="day-closed"' in page
    assert ">日结</button>" not in page
    assert ClerkDayClose.objects.get().totals["net"] == "430.00"


@pytest.mark.django_db
def test_day_close_excel_has_the_same_rows(client, clerk, yujing_resident):
    # given
    enroll(clerk, yujing_resident)
    client.force_login(clerk)
    # when
    response = client.get("/window/day/", {"date": "2025-11-20", "export": "xlsx"})
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert f"140621-{this_year()}-000001" in values
    assert "王玉井" in values
    assert 400 in values


def test_a_payment_looks_nothing_up_again_while_the_county_sequence_is_locked(
    clerk, yujing_resident, beizhouzhuang_resident
):
    # given: the county's sequence of the year exists (its first receipt)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = enroll(clerk, yujing_resident)
    # when the next person pays
    with CaptureQueriesContext(connection) as queries:
        second = enroll(clerk, beizhouzhuang_resident)
    # then one statement locks the counter, takes the next number and reads it; from the lock on, only the receipt
    # and then its payment, naming it, are written: the person, the clerk, the county and the enrollment are not
    # looked up again, there or before
    statements = [
        query["sql"] for query in queries.captured_queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    locked_at = next(index for index, sql in enumerate(statements) if "enrollment_receiptcounter" in sql)
    if connection.vendor == "postgresql":
        assert [sql.split(" ", 1)[0] for sql in statements[locked_at:]] == ["UPDATE", "INSERT", "INSERT"]
        assert "RETURNING last_number" in statements[locked_at]
    else:  # SQLite locks the whole database: the counter is read, then written
        assert [sql.split(" ", 1)[0] for sql in statements[locked_at:]] == ["SELECT", "UPDATE", "INSERT", "INSERT"]
    assert "enrollment_receipt" in statements[-2] and "enrollment_payment" in statements[-1]
    assert not [sql for sql in statements if 'SELECT 1 AS "a" FROM "accounts_user"' in sql]
    assert not [sql for sql in statements if 'SELECT 1 AS "a" FROM "enrollment_resident"' in sql]
    assert not [sql for sql in statements if 'SELECT 1 AS "a" FROM "divisions_division"' in sql]
    assert (first.receipts.get().number, second.receipts.get().number) == (1, 2)
    assert list(ReceiptCounter.objects.values_list("last_number", flat=True)) == [2]
