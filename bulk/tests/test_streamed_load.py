"""A confirmed registry file on PostgreSQL is loaded while it is read, block by block in one transaction. It writes
what the full check and load write; a file that does not load as it is (a bad row, a person twice, a person of
another county), even in its last block, writes nothing and is refused with the same report."""

import pytest
from django.db import connection

from conftest import make_user
from core.models import JobStatus
from enrollment.loaders.residents import REGISTERED_ELSEWHERE
from enrollment.models import Resident

from .helpers import RESIDENT_HEADER, csv_file, report_rows, resident_rows, run_import

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch, settings, tmp_path):
    """Blocks of 10 rows, so that a file of 40 is four blocks."""
    monkeypatch.setattr("bulk.reading.BLOCK_ROWS", 10)
    settings.MEDIA_ROOT = tmp_path


def registry() -> list[tuple]:
    return list(
        Resident.objects.order_by("id_number").values_list(
            "id_number", "name", "phone", "household_division_id", "residence_division_id", "updated_at"
        )
    )


def history() -> list[tuple]:
    return list(Resident.history.order_by("history_id").values_list("id_number", "name", "history_type"))


def copy_statements(monkeypatch) -> list[str]:
    import psycopg

    statements: list[str] = []
    original = psycopg.Cursor.copy

    def spy(self, statement, *args, **kwargs):
        statements.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "copy", spy)
    return statements


def test_a_file_of_four_blocks_creates_and_updates_every_person_with_their_history(
    clerk, django_capture_on_commit_callbacks, monkeypatch
):
    # given 5 people of the file already registered, 2 of them under another name
    rows = resident_rows(35)
    assert run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows[:6])).rows_created == 5
    rows[2][1], rows[4][1] = "改名甲", "改名乙"
    statements = copy_statements(monkeypatch)
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_total, job.rows_done, job.rows_valid, job.rows_created, job.rows_updated) == (35, 35, 35, 30, 2)
    assert len(statements) == 4 and all(f"COPY bulk_block_{job.pk} " in statement for statement in statements)
    assert [row[:2] for row in registry()] == sorted((row[0], row[1]) for row in rows[1:])
    created_later = sorted((row[0], row[1], "+") for row in rows[6:])
    assert sorted(history()[5:]) == sorted([(rows[2][0], "改名甲", "~"), (rows[4][0], "改名乙", "~"), *created_later])
    assert Resident.history.filter(history_change_reason=f"批量导入 #{job.pk}").count() == 32


def test_a_bad_row_in_the_last_block_writes_nothing_of_the_blocks_before(clerk, django_capture_on_commit_callbacks):
    # given row 36 of the file (the 35th person, in the fourth block) with a wrong check digit
    rows = resident_rows(40)
    good = rows[35][0]
    rows[35][0] = good[:17] + ("0" if good[17] != "0" else "1")
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert (job.rows_total, job.rows_valid, job.error_count, job.rows_created) == (40, 39, 1, 0)
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [(36, "身份证号校验位不正确，请核对后重新输入。")]
    assert registry() == []
    assert history() == []


def test_a_new_person_twice_in_two_blocks_is_refused_and_nothing_is_written(clerk, django_capture_on_commit_callbacks):
    # given the 4th person again in row 27, in the third block
    rows = resident_rows(30)
    rows[26][0] = rows[3][0]
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [
        (4, "身份证号在文件中重复出现（另见第27行）。"),
        (27, "身份证号与第4行重复。"),
    ]
    assert registry() == []
    assert history() == []


def test_a_new_person_twice_in_one_block_is_refused_and_nothing_is_written(clerk, django_capture_on_commit_callbacks):
    # given the 2nd person again in row 8, in the same first block
    rows = resident_rows(25)
    rows[7][0] = rows[1][0]
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [
        (2, "身份证号在文件中重复出现（另见第8行）。"),
        (8, "身份证号与第2行重复。"),
    ]
    assert registry() == []
    assert history() == []


def test_a_registered_person_twice_in_two_blocks_is_refused_and_keeps_their_data(
    clerk, django_capture_on_commit_callbacks
):
    # given a registered person, named in rows 3 and 25 of a file of 30 under two new names
    rows = resident_rows(30)
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows[:3]))
    before, history_before = registry(), history()
    rows[24][0] = rows[2][0]
    rows[2][1], rows[24][1] = "新名甲", "新名乙"
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert [row[0] for row in report_rows(job)[1:]] == [3, 25]
    assert registry() == before
    assert history() == history_before


def test_a_person_of_another_county_in_a_later_block_is_refused_and_nothing_is_written(
    clerk, django_capture_on_commit_callbacks
):
    # given a person of 朔城区, named in row 33 of 山阴县's file
    rows = resident_rows(40)
    shuocheng_clerk = make_user("shuocheng", "window_clerk", "140602")
    other = [RESIDENT_HEADER, [rows[32][0], rows[32][1], "140602001001", "", ""]]
    run_import(django_capture_on_commit_callbacks, actor=shuocheng_clerk, upload=csv_file(other), county="140602")
    before, history_before = registry(), history()
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [(33, REGISTERED_ELSEWHERE)]
    assert registry() == before
    assert history() == history_before


def test_a_file_checked_then_confirmed_is_loaded_block_by_block(clerk, django_capture_on_commit_callbacks):
    # given a file of 25 checked, then confirmed by the clerk
    from bulk.services import bulk_import_confirm

    checked = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(resident_rows(25)), confirm=False
    )
    assert (checked.status, checked.rows_valid, registry()) == (JobStatus.CHECKED, 25, [])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        bulk_import_confirm(actor=clerk, job_id=checked.pk)
    # then
    checked.refresh_from_db()
    assert (checked.status, checked.rows_created, checked.rows_updated) == (JobStatus.SUCCEEDED, 25, 0)
    assert len(registry()) == 25


def planner_rows(model) -> float:
    """The table's row count in PostgreSQL's statistics, which ANALYZE sets."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return cursor.fetchone()[0]


def test_a_load_of_many_rows_refreshes_the_registrys_statistics_and_a_small_one_does_not(
    clerk, django_capture_on_commit_callbacks, settings
):
    # given loads of 20 rows or more refresh the statistics
    settings.BULK_ANALYZE_AFTER_ROWS = 20
    rows = resident_rows(39)
    before = planner_rows(Resident)
    # when 19 people are loaded, the statistics are left to autovacuum
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows[:20]))
    assert planner_rows(Resident) == before
    # when 20 more are loaded, the registry counts 39 at once
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file([rows[0], *rows[20:]]))
    assert planner_rows(Resident) == 39
