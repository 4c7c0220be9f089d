"""The employee system's stop list (职工医保停保名单) through the bulk import: R8.2 years recorded per person."""

import datetime

import pytest

from bulk.tests.helpers import csv_file, report_rows, resident_rows, run_import
from core.models import JobStatus
from enrollment.loaders.employee_stop_list import NAME_DIFFERS, UNKNOWN_PERSON
from enrollment.models import EmployeeInsuredYear
from enrollment.rules import id_number_compose

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = ["身份证号", "姓名", "职工医保参保起始年度", "职工医保参保终止年度", "停保日期"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(clerk, django_capture_on_commit_callbacks) -> list[list[str]]:
    rows = resident_rows(3)
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    return [row[:2] for row in rows[1:]]


def stop_list(rows):
    return csv_file([HEADER, *rows], name="职工医保停保名单.csv")


def recorded():
    return sorted(
        EmployeeInsuredYear.objects.values_list("resident__id_number", "year", "source", "exit_date", "bulk_import_job")
    )


def test_r8_2_stop_list_records_each_year_of_the_span(clerk, people, django_capture_on_commit_callbacks):
    # given
    (first_id, first_name), (second_id, second_name), _ = people
    rows = [[first_id, first_name, "2024", "2026", "2026-10-01"], [second_id, second_name, "2025", "2025", "2026/1/5"]]
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=stop_list(rows), kind="employee_stop_list")
    # then
    assert (job.status, job.rows_total, job.rows_created, job.error_count) == (JobStatus.SUCCEEDED, 2, 2, 0)
    assert recorded() == sorted(
        [
            (first_id, 2024, "import", D(2026, 10, 1), job.pk),
            (first_id, 2025, "import", D(2026, 10, 1), job.pk),
            (first_id, 2026, "import", D(2026, 10, 1), job.pk),
            (second_id, 2025, "import", D(2026, 1, 5), job.pk),
        ]
    )
    history = EmployeeInsuredYear.history.filter(history_change_reason=f"批量导入 #{job.pk}")
    assert (history.count(), set(history.values_list("history_user_id", flat=True))) == (4, {clerk.pk})
    # when the same list comes again: nothing more is written
    again = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=stop_list(rows), kind="employee_stop_list"
    )
    assert (again.status, again.rows_created) == (JobStatus.SUCCEEDED, 0)
    assert EmployeeInsuredYear.objects.count() == 4


def test_r8_2_unknown_people_and_wrong_rows_are_refused_and_nothing_is_written(
    clerk, people, django_capture_on_commit_callbacks
):
    # given
    (first_id, first_name), (second_id, _), (third_id, third_name) = people
    stranger = id_number_compose(address_code="140621", birth_date=D(1970, 1, 1), sequence=901)
    rows = [
        [first_id, first_name, "2024", "2025", "2026-01-05"],
        [stranger, "路人甲", "2024", "2025", "2026-01-05"],
        [second_id, "别名", "2024", "2025", "2026-01-05"],
        [third_id, third_name, "2026", "2024", "2026-01-05"],
    ]
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=stop_list(rows), kind="employee_stop_list")
    # then: the file is refused as a whole, each problem named in Chinese
    assert (job.status, job.error_count) == (JobStatus.REFUSED, 3)
    problems = "\n".join(str(cell) for row in report_rows(job) for cell in row)
    assert UNKNOWN_PERSON in problems
    assert NAME_DIFFERS in problems
    assert "职工医保参保起始年度不能晚于终止年度。" in problems
    assert EmployeeInsuredYear.objects.count() == 0
