"""Importing enrollment history: enrollments with their payments and history, skips of recorded person-years."""

import datetime
from decimal import Decimal

import pytest

from conftest import make_user
from core.models import JobStatus
from enrollment.loaders.enrollment_history import ALREADY_ENROLLED, OUTSIDE_COUNTY, UNKNOWN_PERSON
from enrollment.models import Enrollment, Payment

from .helpers import ENROLLMENT_HEADER, csv_file, report_rows, resident_rows, run_import, xlsx_file

pytestmark = pytest.mark.django_db
ENROLLMENT_FIELDS = (
    "resident__id_number",
    "insurance_year",
    "status",
    "payment_date",
    "channel",
    "contribution_standard",
    "individual_due",
    "subsidy_amount",
    "subsidy_category",
    "benefit_start",
    "benefit_end",
    "counts_as_enrolled_year",
    "in_collection_period",
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(clerk, django_capture_on_commit_callbacks) -> list[str]:
    rows = resident_rows(6)
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    return [row[0] for row in rows[1:]]


def history_file(rows: list[list[object]], **kwargs):
    return csv_file([ENROLLMENT_HEADER, *rows], name="历史参保.csv", **kwargs)


def test_history_is_loaded_with_payments_and_history_rows(clerk, people, django_capture_on_commit_callbacks):
    # given
    rows = [
        [people[0], "2024", "2023-11-20", "380.00", "0", "", "2024-01-01", "2024-12-31", "有效"],
        [people[0], "2025", "2024/12/5", "400", "", "", "2025-01-01", "2025-12-31", ""],
        [people[1], "2025", "2024-10-08", "80", "320", "低保对象", "2025-01-01", "2025-12-31", "有效"],
        [people[2], "2025", "2025-03-01", "400", "0", "", "", "", "已退费"],
    ]
    # when
    job = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=history_file(rows), kind="enrollment_history"
    )
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_total, job.rows_created, job.rows_skipped, job.error_count) == (4, 4, 0, 0)
    enrollments = sorted(Enrollment.objects.values_list(*ENROLLMENT_FIELDS))
    assert enrollments == sorted(
        [
            (people[0], 2024, "active", datetime.date(2023, 11, 20), "tax", Decimal("380.00"), Decimal("380.00"),
             Decimal("0.00"), "", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), True, True),
            (people[0], 2025, "active", datetime.date(2024, 12, 5), "tax", Decimal("400.00"), Decimal("400.00"),
             Decimal("0.00"), "", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), True, True),
            (people[1], 2025, "active", datetime.date(2024, 10, 8), "tax", Decimal("400.00"), Decimal("80.00"),
             Decimal("320.00"), "dibao", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), True, True),
            (people[2], 2025, "refunded", datetime.date(2025, 3, 1), "tax", Decimal("400.00"), Decimal("400.00"),
             Decimal("0.00"), "", None, None, False, False),
        ]
    )  # fmt: skip
    assert sorted(Payment.objects.values_list("enrollment__resident__id_number", "kind", "amount", "date")) == sorted(
        [
            (people[0], "contribution", Decimal("380.00"), datetime.date(2023, 11, 20)),
            (people[0], "contribution", Decimal("400.00"), datetime.date(2024, 12, 5)),
            (people[1], "contribution", Decimal("80.00"), datetime.date(2024, 10, 8)),
        ]
    )
    history = Enrollment.history.filter(history_change_reason=f"批量导入 #{job.pk}")
    assert sorted(history.values_list("insurance_year", "history_type", "history_user_id")) == [
        (2024, "+", clerk.pk),
        (2025, "+", clerk.pk),
        (2025, "+", clerk.pk),
        (2025, "+", clerk.pk),
    ]
    assert set(Enrollment.objects.values_list("recorded_by_id", flat=True)) == {clerk.pk}
    assert "未按现行规则重算" in Enrollment.objects.first().explanation[0]["text"]


def test_person_years_already_enrolled_are_skipped_and_reported(clerk, people, django_capture_on_commit_callbacks):
    # given 2024 is already recorded for the first person
    first = [[people[0], "2024", "2023-11-20", "380", "0", "", "2024-01-01", "2024-12-31", "有效"]]
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=history_file(first), kind="enrollment_history")
    rows = [
        [people[0], "2023", "2022-11-20", "350", "0", "", "2023-01-01", "2023-12-31", "有效"],
        [people[0], "2024", "2023-12-01", "380", "0", "", "2024-01-01", "2024-12-31", "有效"],
    ]
    # when
    job = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=xlsx_file([ENROLLMENT_HEADER, *rows]),
        kind="enrollment_history",
    )  # fmt: skip
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_created, job.rows_skipped, job.error_count) == (1, 1, 0)
    assert report_rows(job)[1] == [
        3, people[0], "2024", "2023-12-01", "380.00", "0.00", None, "2024-01-01", "2024-12-31", "有效", "已跳过",
        ALREADY_ENROLLED,
    ]  # fmt: skip
    assert sorted(Enrollment.objects.values_list("insurance_year", "payment_date")) == [
        (2023, datetime.date(2022, 11, 20)),
        (2024, datetime.date(2023, 11, 20)),
    ]
    # when the same file comes again
    again = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=xlsx_file([ENROLLMENT_HEADER, *rows]),
        kind="enrollment_history",
    )  # fmt: skip
    # then nothing is doubled
    assert (again.status, again.rows_created, again.rows_skipped) == (JobStatus.SUCCEEDED, 0, 2)
    assert Enrollment.objects.count() == 2
    assert Payment.objects.count() == 2


def test_unknown_people_other_counties_and_bad_cells_refuse_the_file(clerk, people, django_capture_on_commit_callbacks):
    # given a person of 朔城区
    shuocheng_clerk = make_user("shuocheng", "window_clerk", "140602")
    stranger = resident_rows(8)[8][0]
    run_import(
        django_capture_on_commit_callbacks, actor=shuocheng_clerk, county="140602",
        upload=csv_file([["身份证号", "姓名", "户籍地代码"], [stranger, "外县人", "140602001001"]]),
    )  # fmt: skip
    unknown = resident_rows(9)[9][0]
    rows = [
        [people[0], "2024", "2023-11-20", "380", "0", "", "2024-01-01", "2024-12-31", "有效"],
        [unknown, "2024", "2023-11-20", "380", "0", "", "2024-01-01", "2024-12-31", "有效"],
        [stranger, "2024", "2023-11-20", "380", "0", "", "2024-01-01", "2024-12-31", "有效"],
        [people[1], "24", "2023-13-01", "-5", "0", "五保", "2024-01-01", "", "作废"],
        [people[2], "2024", "2023-11-20", "380", "0", "", "2024-01-01", "2024-12-31", "有效"],
        [people[2], "2024", "2023-11-21", "380", "0", "", "2024-01-01", "2024-12-31", "有效"],
    ]
    # when
    job = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=history_file(rows, encoding="gbk"),
        kind="enrollment_history",
    )  # fmt: skip
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [
        (3, UNKNOWN_PERSON),
        (4, OUTSIDE_COUNTY),
        (
            5,
            "保险年度「24」应为2000至2100之间的年份。缴费日期「2023-13-01」不是有效日期，请写成2026-01-01。"
            "个人缴费「-5」应为不小于0的金额。资助类别「五保」不是已知的资助类别。状态「作废」应为“有效”或“已退费”。"
            "待遇开始与待遇截止应同时填写或同时留空。",
        ),
        (6, "同一人同一保险年度的有效记录在文件中重复出现（另见第7行）。"),
        (7, "同一人同一保险年度的有效记录与第6行重复。"),
    ]
    assert Enrollment.objects.count() == 0
    assert Payment.objects.count() == 0


@pytest.mark.postgresql
def test_past_years_loaded_get_their_own_partitions_not_default(clerk, people, django_capture_on_commit_callbacks):
    # given the enrollments partitioned by year, with no partition yet for 2023 and 2024
    from django.db import connection

    from enrollment.services.partitions import enrollment_partition_years

    assert {2023, 2024} - set(enrollment_partition_years()) == {2023, 2024}
    rows = [
        [people[0], "2023", "2022-11-20", "350.00", "0", "", "2023-01-01", "2023-12-31", "有效"],
        [people[0], "2024", "2023-11-20", "380.00", "0", "", "2024-01-01", "2024-12-31", "有效"],
    ]
    # when their history is imported
    job = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=history_file(rows), kind="enrollment_history"
    )
    # then each year has its partition and holds its row there, none in DEFAULT
    assert job.status == JobStatus.SUCCEEDED
    assert {2023, 2024} <= set(enrollment_partition_years())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT insurance_year, tableoid::regclass::text FROM enrollment_enrollment ORDER BY insurance_year"
        )
        assert cursor.fetchall() == [(2023, "enrollment_enrollment_y2023"), (2024, "enrollment_enrollment_y2024")]
