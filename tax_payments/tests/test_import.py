"""Importing the tax bureau's payment records (征缴入库明细) and matching them to the enrollments (对账)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bulk.tests.helpers import report_rows, run_import, xlsx_file
from conftest import SHANYIN, make_user
from core.models import JobStatus
from divisions.models import Division
from enrollment.models import Resident
from enrollment.services import PaymentDetails, enrollment_create
from tax_payments.loaders import ALREADY_IMPORTED, VOUCHER_CONFLICT
from tax_payments.models import TaxPaymentMatch, TaxPaymentRecord
from tax_payments.services import TaxPaymentRematch, tax_payment_rematch

from .helpers import TAX_HEADER, People, payment_rows, people_build, tax_file, voucher

pytestmark = pytest.mark.django_db
D = datetime.date
RECORD_FIELDS = ("voucher_number", "match_status", "match_explanation")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(clerk) -> People:
    return people_build(clerk)


def import_payments(capture, clerk, upload):
    return run_import(capture, actor=clerk, upload=upload, kind="tax_payments")


def records() -> list[tuple]:
    return list(TaxPaymentRecord.objects.order_by("voucher_number").values_list(*RECORD_FIELDS))


def test_payments_are_recorded_and_matched_person_year_by_person_year(
    clerk, people, django_capture_on_commit_callbacks
):
    # when
    job = import_payments(django_capture_on_commit_callbacks, clerk, tax_file(payment_rows(people)))
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_total, job.rows_valid, job.rows_created, job.rows_updated, job.rows_skipped) == (8, 8, 8, 0, 0)
    assert records() == [
        (voucher(1), "matched", "入库金额 400.00 元，与 2026 年度参保记录个人应缴 400.00 元一致。"),
        (
            voucher(2),
            "matched",
            "该身份证号 2026 年度共 2 张税票，入库金额合计 800.00 元，"
            "与 2026 年度参保记录应缴 800.00 元（个人应缴 400.00 元、补缴 400.00 元）一致。",
        ),
        (
            voucher(3),
            "matched",
            "该身份证号 2026 年度共 2 张税票，入库金额合计 800.00 元，"
            "与 2026 年度参保记录应缴 800.00 元（个人应缴 400.00 元、补缴 400.00 元）一致。",
        ),
        (voucher(4), "amount_differs", "入库金额 380.00 元，与 2026 年度参保记录个人应缴 400.00 元不符，少 20.00 元。"),
        (
            voucher(5),
            "no_enrollment",
            "该居民没有 2026 年度的有效参保记录；入库金额 400.00 元无对应的参保缴费，参保记录录入后请重新对账。",
        ),
        (
            voucher(6),
            "no_enrollment",
            "该居民没有 2026 年度的有效参保记录（该年度参保记录已退费）；入库金额 400.00 元无对应的参保缴费，"
            "参保记录录入后请重新对账。",
        ),
        (
            voucher(7),
            "not_registered",
            "居民档案中没有该身份证号；入库金额 400.00 元无法与参保记录比对，请核实身份证号或先登记居民档案。",
        ),
        (
            voucher(8),
            "other_county",
            "该居民户籍地和居住地均不在本县（区）（户籍地：朔城区）；入库金额 400.00 元未与参保记录比对，"
            "应由参保地核对。",
        ),
    ]
    residents = dict(Resident.objects.values_list("id_number", "id"))
    enrollments = people.enrollments
    assert list(
        TaxPaymentRecord.objects.order_by("voucher_number").values_list(
            "id_number", "name", "county_id", "insurance_year", "amount", "paid_on", "deposited_on", "job_id",
            "resident_id", "enrollment_id",
        )
    ) == [
        (people.ids[0], "居民0", SHANYIN, 2026, Decimal("400.00"), D(2025, 11, 20), D(2025, 11, 21), job.pk,
         residents[people.ids[0]], enrollments[0].pk),
        (people.ids[1], "居民1", SHANYIN, 2026, Decimal("400.00"), D(2025, 11, 20), D(2025, 11, 21), job.pk,
         residents[people.ids[1]], enrollments[1].pk),
        (people.ids[1], "居民1", SHANYIN, 2026, Decimal("400.00"), D(2025, 12, 1), D(2025, 12, 2), job.pk,
         residents[people.ids[1]], enrollments[1].pk),
        (people.ids[2], "居民2", SHANYIN, 2026, Decimal("380.00"), D(2025, 11, 20), D(2025, 11, 21), job.pk,
         residents[people.ids[2]], enrollments[2].pk),
        (people.ids[3], "居民3", SHANYIN, 2026, Decimal("400.00"), D(2025, 11, 20), D(2025, 11, 21), job.pk,
         residents[people.ids[3]], None),
        (people.ids[4], "居民4", SHANYIN, 2026, Decimal("400.00"), D(2025, 11, 20), D(2025, 11, 21), job.pk,
         residents[people.ids[4]], None),
        (people.unknown, "无档案", SHANYIN, 2026, Decimal("400.00"), D(2025, 11, 20), D(2025, 11, 21), job.pk,
         None, None),
        (people.elsewhere, "朔城人", SHANYIN, 2026, Decimal("400.00"), D(2025, 11, 20), D(2025, 11, 21), job.pk,
         residents[people.elsewhere], None),
    ]  # fmt: skip


def test_a_payment_made_twice_differs_by_the_second_amount(clerk, people, django_capture_on_commit_callbacks):
    # given the person's 2026 contribution is deposited twice (a refund reason of R12.1)
    rows = [
        [voucher(1), people.ids[0], "居民0", "2026", "400", "2025-11-20", "2025-11-21"],
        [voucher(2), people.ids[0], "居民0", "2026", "400", "2025-11-22", "2025-11-23"],
    ]
    # when
    import_payments(django_capture_on_commit_callbacks, clerk, tax_file(rows))
    # then
    explanation = (
        "该身份证号 2026 年度共 2 张税票，入库金额合计 800.00 元，"
        "与 2026 年度参保记录个人应缴 400.00 元不符，多 400.00 元。"
    )
    assert records() == [
        (voucher(1), "amount_differs", explanation),
        (voucher(2), "amount_differs", explanation),
    ]


def test_a_later_voucher_is_matched_together_with_the_earlier_one(clerk, people, django_capture_on_commit_callbacks):
    # given the contribution of the person who back-paid 2025 arrives in one file, the back-payment in the next
    contribution = [voucher(2), people.ids[1], "居民1", "2026", "400", "2025-11-20", "2025-11-21"]
    back_payment = [voucher(3), people.ids[1], "居民1", "2026", "400", "2025-12-01", "2025-12-02"]
    import_payments(django_capture_on_commit_callbacks, clerk, tax_file([contribution]))
    alone = records()
    # when
    job = import_payments(django_capture_on_commit_callbacks, clerk, tax_file([back_payment]))
    # then
    assert alone == [
        (
            voucher(2),
            "amount_differs",
            "入库金额 400.00 元，与 2026 年度参保记录应缴 800.00 元（个人应缴 400.00 元、补缴 400.00 元）不符，"
            "少 400.00 元。",
        )
    ]
    together = (
        "该身份证号 2026 年度共 2 张税票，入库金额合计 800.00 元，"
        "与 2026 年度参保记录应缴 800.00 元（个人应缴 400.00 元、补缴 400.00 元）一致。"
    )
    assert (job.rows_created, job.rows_skipped) == (1, 0)
    assert records() == [(voucher(2), "matched", together), (voucher(3), "matched", together)]


def test_an_xlsx_file_with_the_tax_bureau_headers_and_a_title_row_is_read(
    clerk, people, django_capture_on_commit_callbacks
):
    # given cells as Excel types them: a year and an amount as numbers, dates as dates
    rows = [
        ["山阴县2026年度城乡居民医保征缴入库明细"],
        ["序号", "电子税票号", "证件号码", "缴费人姓名", "所属年度", "实缴金额（元）", "缴款日期", "入库日期"],
        [1, voucher(1), people.ids[0], "居民0", 2026, 400, D(2025, 11, 20), D(2025, 11, 21)],
    ]
    # when
    job = run_import(
        django_capture_on_commit_callbacks, actor=clerk, kind="tax_payments",
        upload=xlsx_file(rows, name="征缴入库明细.xlsx"),
    )  # fmt: skip
    # then
    assert (job.status, job.rows_created) == (JobStatus.SUCCEEDED, 1)
    assert records() == [(voucher(1), "matched", "入库金额 400.00 元，与 2026 年度参保记录个人应缴 400.00 元一致。")]


def test_a_bad_row_refuses_the_whole_file_and_nothing_is_written(clerk, people, django_capture_on_commit_callbacks):
    # given a GBK file with good rows and a bad one
    bad = [voucher(9), people.ids[3][:-1] + "X", "", "2026", "0", "2025-11-20", "2025-11-19"]
    rows = [*payment_rows(people)[:3], bad]
    # when
    job = import_payments(django_capture_on_commit_callbacks, clerk, tax_file(rows, encoding="gbk"))
    # then
    assert (job.status, job.rows_total, job.error_count, job.rows_created) == (JobStatus.REFUSED, 4, 1, 0)
    assert report_rows(job)[1:] == [
        [
            5, voucher(9), people.ids[3][:-1] + "X", None, "2026", "0", "2025-11-20", "2025-11-19", "错误",
            "身份证号校验位不正确，请核对后重新输入。姓名为空。实缴金额应大于0。入库日期2025-11-19早于缴费日期2025-11-20。",
        ]
    ]  # fmt: skip
    assert TaxPaymentRecord.objects.count() == 0


def test_a_voucher_twice_in_the_file_refuses_it(clerk, people, django_capture_on_commit_callbacks):
    # given
    rows = [
        [voucher(1), people.ids[0], "居民0", "2026", "400", "2025-11-20", "2025-11-21"],
        [voucher(2), people.ids[1], "居民1", "2026", "400", "2025-11-20", "2025-11-21"],
        [voucher(1), people.ids[2], "居民2", "2026", "400", "2025-11-20", "2025-11-21"],
    ]
    # when
    job = import_payments(django_capture_on_commit_callbacks, clerk, tax_file(rows))
    # then
    assert (job.status, job.error_count) == (JobStatus.REFUSED, 2)
    assert [(row[0], row[-2], row[-1]) for row in report_rows(job)[1:]] == [
        (2, "错误", "电子税票号码在文件中重复出现（另见第4行）。"),
        (4, "错误", "电子税票号码与第2行重复。"),
    ]
    assert TaxPaymentRecord.objects.count() == 0


def test_the_same_file_again_skips_every_voucher_and_writes_nothing(clerk, people, django_capture_on_commit_callbacks):
    # given
    rows = payment_rows(people)
    first = import_payments(django_capture_on_commit_callbacks, clerk, xlsx_file([TAX_HEADER, *rows]))
    before = list(TaxPaymentRecord.objects.order_by("pk").values())
    # when
    again = import_payments(django_capture_on_commit_callbacks, clerk, xlsx_file([TAX_HEADER, *rows]))
    # then
    assert (first.rows_created, first.rows_skipped) == (8, 0)
    assert (again.status, again.rows_valid, again.rows_created, again.rows_skipped) == (
        JobStatus.SUCCEEDED, 0, 0, 8,
    )  # fmt: skip
    assert report_rows(again)[1] == [2, *rows[0][:4], "400.00", *rows[0][5:], "已跳过", ALREADY_IMPORTED]
    assert list(TaxPaymentRecord.objects.order_by("pk").values()) == before


def test_a_recorded_voucher_with_other_figures_refuses_the_file(clerk, people, django_capture_on_commit_callbacks):
    # given
    rows = payment_rows(people)[:1]
    import_payments(django_capture_on_commit_callbacks, clerk, tax_file(rows))
    before = list(TaxPaymentRecord.objects.values())
    changed = [
        [*rows[0][:4], "380", *rows[0][5:]],
        [voucher(2), people.ids[1], "居民1", "2026", "400", "2025-11-20", "2025-11-21"],
    ]
    # when
    job = import_payments(django_capture_on_commit_callbacks, clerk, tax_file(changed))
    # then
    assert (job.status, job.error_count, job.rows_created) == (JobStatus.REFUSED, 1, 0)
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [(2, VOUCHER_CONFLICT)]
    assert list(TaxPaymentRecord.objects.values()) == before


def test_the_rematch_finds_an_enrollment_recorded_after_the_file(clerk, people, django_capture_on_commit_callbacks):
    # given the file arrives before the third person's enrollment is recorded
    import_payments(django_capture_on_commit_callbacks, clerk, tax_file(payment_rows(people)))
    matched_before = list(TaxPaymentRecord.objects.filter(match_status="matched").order_by("pk").values())
    third = Resident.objects.get(id_number=people.ids[3])
    enrollment = enrollment_create(
        actor=clerk, resident=third, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # when
    result = tax_payment_rematch(actor=clerk, county=Division.objects.get(code=SHANYIN), insurance_year=2026)
    # then
    assert result == TaxPaymentRematch(examined=5, matched=1)
    assert result.explanation == "重新对账 5 张未对上的税票：1 张已对上，4 张仍未对上。"
    record = TaxPaymentRecord.objects.get(voucher_number=voucher(5))
    assert (record.match_status, record.enrollment_id, record.match_explanation) == (
        TaxPaymentMatch.MATCHED,
        enrollment.pk,
        "入库金额 400.00 元，与 2026 年度参保记录个人应缴 400.00 元一致。",
    )
    earlier = TaxPaymentRecord.objects.filter(voucher_number__in=[voucher(1), voucher(2), voucher(3)])
    assert list(earlier.order_by("pk").values()) == matched_before
    unmatched = TaxPaymentRecord.objects.exclude(match_status="matched")
    assert sorted(unmatched.values_list("voucher_number", "match_status")) == [
        (voucher(4), "amount_differs"),
        (voucher(6), "no_enrollment"),
        (voucher(7), "not_registered"),
        (voucher(8), "other_county"),
    ]
    # when nothing has changed since
    again = tax_payment_rematch(actor=clerk, county=Division.objects.get(code=SHANYIN), insurance_year=2026)
    # then
    assert again.explanation == "重新对账 4 张未对上的税票：0 张已对上，4 张仍未对上。"


def test_the_rematch_of_a_county_outside_the_scope_is_refused_and_changes_nothing(
    clerk, people, django_capture_on_commit_callbacks
):
    # given
    import_payments(django_capture_on_commit_callbacks, clerk, tax_file(payment_rows(people)))
    third = Resident.objects.get(id_number=people.ids[3])
    enrollment_create(
        actor=clerk, resident=third, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    before = list(TaxPaymentRecord.objects.order_by("pk").values())
    yingxian_clerk = make_user("yingxian", "window_clerk", "140622")
    # when
    with pytest.raises(ValidationError) as refusal:
        tax_payment_rematch(actor=yingxian_clerk, county=Division.objects.get(code=SHANYIN), insurance_year=2026)
    # then
    assert refusal.value.message_dict == {"county": ["只能对本辖区区县的税票重新对账。"]}
    assert list(TaxPaymentRecord.objects.order_by("pk").values()) == before
