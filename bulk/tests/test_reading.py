"""The file read and checked in a second process: the same blocks as in one process, the same refusals, and values
that need escaping in a COPY staged exactly."""

import io
import os

import pytest

from bulk.reading import ReaderFailed, blocks_from_second_process, staged_blocks
from bulk.registry import LOADERS
from bulk.rules import HeaderMissing
from bulk.services import _header
from bulk.staging import Stage
from core.models import JobStatus
from core.tabular import TableReader
from divisions.models import Division
from enrollment.models import Resident

from .helpers import SHANYIN, csv_file, report_rows, resident_rows, run_import

pytestmark = pytest.mark.django_db
LOADER = LOADERS["resident_registry"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def reading_arguments(stage: Stage, **changes: object) -> dict[str, object]:
    return {
        "stage": stage,
        "columns": LOADER.columns,
        "row_check": LOADER.row_check,
        "context": LOADER.row_context(Division.objects.get(code=SHANYIN)),
        "header_find": _header,
        **changes,
    }


def block_rows(encoded: bytes | list[tuple]) -> list[tuple]:
    """A block's rows as sent: the values on SQLite, the fields of each COPY line on PostgreSQL."""
    if isinstance(encoded, list):
        return encoded
    return [tuple(line.split("\t")) for line in encoded.decode().splitlines()]


def file_bytes(rows: list[list[str]]) -> bytes:
    return csv_file(rows).read()


def test_the_second_process_sends_the_blocks_one_process_makes_a_bad_row_included(monkeypatch):
    # given 25 rows in blocks of 10, row 13 (the 12th person) with a wrong check digit
    monkeypatch.setattr("bulk.reading.BLOCK_ROWS", 10)
    rows = resident_rows(25)
    good = rows[12][0]
    rows[12][0] = good[:17] + ("0" if good[17] != "0" else "1")
    content = file_bytes(rows)
    stage = Stage(job_id=1, columns=LOADER.stage_columns)
    # when
    here = list(staged_blocks(TableReader(io.BytesIO(content), file_name="a.csv"), **reading_arguments(stage)))
    there = list(blocks_from_second_process(io.BytesIO(content), file_name="a.csv", **reading_arguments(stage)))
    # then
    assert [count for _, count, _ in there] == [10, 10, 5]
    assert there == here
    refused = [(str(row[0]), row[2]) for row in block_rows(there[1][0]) if row[1] == "error"]
    assert refused == [("13", "身份证号校验位不正确，请核对后重新输入。")]


def test_a_block_is_sent_in_the_order_of_the_loaders_column_each_row_with_its_line(monkeypatch):
    # given 12 people in the reverse order of their ID numbers (lines 2 to 13), in blocks of 10; line 5 refused
    monkeypatch.setattr("bulk.reading.BLOCK_ROWS", 10)
    header, *people = resident_rows(12)
    rows = [header, *reversed(people)]
    good = rows[4][0]
    rows[4][0] = good[:17] + ("0" if good[17] != "0" else "1")
    stage = Stage(job_id=1, columns=LOADER.stage_columns)
    # when
    arguments = reading_arguments(stage, block_order=LOADER.block_order)
    blocks = list(blocks_from_second_process(io.BytesIO(file_bytes(rows)), file_name="a.csv", **arguments))
    # then the refused row comes first, then the people in the order of their ID numbers, each with its line
    id_number = stage.written_names.index("id_number")
    sent = [[(int(row[0]), row[id_number]) for row in block_rows(encoded)] for encoded, _, _ in blocks]
    no_value = None if isinstance(blocks[0][0], list) else "\\N"  # COPY's text for NULL
    assert sent == [
        [(5, no_value), *((line, rows[line - 1][0]) for line in (11, 10, 9, 8, 7, 6, 4, 3, 2))],
        [(13, rows[12][0]), (12, rows[11][0])],
    ]


def test_a_missing_header_in_the_second_process_is_raised_in_the_first_with_its_message():
    # given
    content = file_bytes([["姓名", "电话"], ["王五", "13900000000"]])
    stage = Stage(job_id=1, columns=LOADER.stage_columns)
    # when / then
    with pytest.raises(HeaderMissing) as raised:
        list(blocks_from_second_process(io.BytesIO(content), file_name="a.csv", **reading_arguments(stage)))
    assert str(raised.value) == "没有找到表头：前5行中应有一行包含以下各列：身份证号、姓名、户籍地代码。"


def test_a_second_process_that_dies_is_an_error_not_a_short_file():
    # given a row check that ends its process on the 3rd person
    rows = resident_rows(5)

    def dying_check(cells, **context):
        if cells[0] == rows[3][0]:
            os._exit(3)
        return LOADER.row_check(cells, **context)

    content = file_bytes(rows)
    stage = Stage(job_id=1, columns=LOADER.stage_columns)
    # when / then
    with pytest.raises(ReaderFailed):
        list(
            blocks_from_second_process(
                io.BytesIO(content), file_name="a.csv", **reading_arguments(stage, row_check=dying_check)
            )
        )


def test_a_file_with_one_bad_row_is_refused_by_the_second_process_and_nothing_is_written(
    clerk, django_capture_on_commit_callbacks
):
    # given
    rows = resident_rows(30)
    rows[10][2] = "140621999999"
    history_before = Resident.history.count()
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert (job.rows_total, job.rows_valid, job.error_count) == (30, 29, 1)
    assert report_rows(job)[1] == [
        11,
        *rows[10][:4],
        None,
        "错误",
        "户籍地代码 140621999999 不是本县（区）的乡镇（街道）或村（社区）代码。",
    ]
    assert Resident.objects.count() == 0
    assert Resident.history.count() == history_before


def test_names_with_a_backslash_or_a_tab_are_staged_and_registered_exactly(clerk, django_capture_on_commit_callbacks):
    # given names holding what the COPY text format escapes
    rows = resident_rows(4)
    rows[1][1] = "王\\五"
    rows[2][1] = "李\t四"
    rows[3][1] = "张\\N"
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert dict(Resident.objects.values_list("id_number", "name")) == {row[0]: row[1] for row in rows[1:]}
