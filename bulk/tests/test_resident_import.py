"""Importing a county's resident registry: clean files in every format, refused files, re-imports."""

import datetime

import pytest
from django.db import connection

from conftest import make_user
from core.models import JobStatus
from enrollment.loaders.residents import REGISTERED_ELSEWHERE
from enrollment.models import Resident
from enrollment.rules import id_number_compose, id_number_parse

from .helpers import RESIDENT_HEADER, csv_file, report_rows, resident_rows, run_import, xlsx_file

pytestmark = pytest.mark.django_db
REGISTRY_FIELDS = (
    "id_number",
    "name",
    "gender",
    "birth_date",
    "phone",
    "household_division_id",
    "residence_division_id",
    "status",
    "id_number_is_placeholder",
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def expected_registry(rows: list[list[str]]) -> list[tuple]:
    expected = []
    for id_number, name, village, phone, residence in rows[1:]:
        facts = id_number_parse(id_number)
        expected.append(
            (id_number, name, facts.gender, facts.birth_date, phone, village, residence or None, "normal", False)
        )
    return sorted(expected)


def registry() -> list[tuple]:
    return sorted(Resident.objects.values_list(*REGISTRY_FIELDS))


def test_a_clean_utf8_csv_of_50_rows_registers_every_person_with_a_history_row(
    clerk, django_capture_on_commit_callbacks
):
    # given
    rows = resident_rows(50)
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_total, job.rows_valid, job.rows_created, job.rows_updated, job.error_count) == (50, 50, 50, 0, 0)
    assert not job.error_file
    assert registry() == expected_registry(rows)
    history = Resident.history.filter(history_change_reason=f"批量导入 #{job.pk}")
    assert history.count() == 50
    assert set(history.values_list("history_type", "history_user_id")) == {("+", clerk.pk)}
    assert job.file.name.startswith("bulk/")


def test_a_gbk_csv_is_read_as_gbk(clerk, django_capture_on_commit_callbacks):
    # given Excel on Chinese Windows saves CSV as GBK
    rows = resident_rows(20)
    rows[5][1] = "欧阳淼"
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows, encoding="gbk"))
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert registry() == expected_registry(rows)
    assert Resident.objects.get(id_number=rows[5][0]).name == "欧阳淼"


def test_an_xlsx_file_is_imported(clerk, django_capture_on_commit_callbacks):
    # given a sheet with a title row above the header, a blank row, and a village code typed as a number
    rows = resident_rows(30)
    sheet = [["山阴县户籍人口名册"], *rows[:11], [None, None, None], *rows[11:]]
    sheet[5] = [sheet[5][0], sheet[5][1], int(sheet[5][2]), *sheet[5][3:]]
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=xlsx_file(sheet))
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_total, job.rows_created) == (30, 30)
    assert registry() == expected_registry(rows)


def test_one_bad_row_among_many_refuses_the_file_with_its_report_and_writes_nothing(
    clerk, yujing_resident, django_capture_on_commit_callbacks
):
    # given row 18 of the file (17th person) has a wrong check digit
    rows = resident_rows(40)
    good = rows[17][0]
    rows[17][0] = good[:17] + ("0" if good[17] != "0" else "1")
    before = registry()
    history_before = Resident.history.count()
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert (job.rows_total, job.rows_valid, job.error_count, job.rows_created) == (40, 39, 1, 0)
    assert report_rows(job) == [
        ["行号", *RESIDENT_HEADER, "类型", "原因"],
        [
            18,
            rows[17][0],
            rows[17][1],
            rows[17][2],
            rows[17][3],
            None,
            "错误",
            "身份证号校验位不正确，请核对后重新输入。",
        ],
    ]
    assert registry() == before
    assert Resident.history.count() == history_before


def test_every_kind_of_bad_row_is_reported_in_file_order(clerk, django_capture_on_commit_callbacks):
    # given
    rows = resident_rows(12)
    rows[2][1] = ""  # no name
    rows[4][0] = rows[3][0]  # the same person twice
    rows[6][2] = "140602001001"  # a village of another county
    rows[8][4] = "999999999"  # no such residence
    rows[9][3] = "电话13900000000"
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [
        (3, "姓名为空。"),
        (4, "身份证号在文件中重复出现（另见第5行）。"),
        (5, "身份证号与第4行重复。"),
        (7, "户籍地代码 140602001001 不是本县（区）的乡镇（街道）或村（社区）代码。"),
        (9, "居住地代码 999999999 不是本县（区）的乡镇（街道）或村（社区）代码。"),
        (10, "联系电话只能包含数字，且不超过20位。"),
    ]
    assert Resident.objects.count() == 0


def test_a_person_registered_in_another_county_is_refused(clerk, django_capture_on_commit_callbacks):
    # given a person of 朔城区 in the registry
    shuocheng_clerk = make_user("shuocheng", "window_clerk", "140602")
    rows = resident_rows(5)
    other = [RESIDENT_HEADER, [rows[2][0], rows[2][1], "140602001001", "", ""]]
    assert run_import(
        django_capture_on_commit_callbacks, actor=shuocheng_clerk, upload=csv_file(other), county="140602"
    ).status == (JobStatus.SUCCEEDED)
    # when 山阴县 imports the same number
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [(3, REGISTERED_ELSEWHERE)]
    assert Resident.objects.get(id_number=rows[2][0]).household_division_id == "140602001001"
    assert Resident.objects.count() == 1


def test_reimporting_the_same_file_changes_nothing(clerk, django_capture_on_commit_callbacks):
    # given
    rows = resident_rows(25)
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    before = sorted(Resident.objects.values_list(*REGISTRY_FIELDS, "created_at", "updated_at"))
    history_before = Resident.history.count()
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_valid, job.rows_created, job.rows_updated, job.rows_unchanged) == (25, 0, 0, 25)
    assert sorted(Resident.objects.values_list(*REGISTRY_FIELDS, "created_at", "updated_at")) == before
    assert Resident.history.count() == history_before


@pytest.mark.postgresql
def test_reimporting_on_postgresql_leaves_updated_at_of_unchanged_rows(clerk, django_capture_on_commit_callbacks):
    # given
    rows = resident_rows(10)
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    stamps = dict(Resident.objects.values_list("id_number", "updated_at"))
    rows[4][1] = "改名"
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then only the changed person was written
    assert (job.rows_created, job.rows_updated) == (0, 1)
    after = dict(Resident.objects.values_list("id_number", "updated_at"))
    assert {number for number in after if after[number] != stamps[number]} == {rows[4][0]}


def test_changed_people_are_updated_with_a_history_row_and_keep_what_the_file_leaves_blank(
    clerk, django_capture_on_commit_callbacks
):
    # given
    rows = resident_rows(6)
    run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    Resident.objects.filter(id_number=rows[3][0]).update(status="deceased")
    changed = [row[:] for row in rows]
    changed[1][1] = "王秀兰"  # renamed
    changed[2][3] = ""  # phone left blank: kept
    changed[3][2] = changed[4][2]  # moved to another village; deceased stays deceased
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(changed))
    # then
    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (0, 2, 4)
    assert Resident.objects.get(id_number=rows[1][0]).name == "王秀兰"
    assert Resident.objects.get(id_number=rows[2][0]).phone == rows[2][3]
    moved = Resident.objects.get(id_number=rows[3][0])
    assert (moved.household_division_id, moved.status) == (changed[4][2], "deceased")
    history = Resident.history.filter(history_change_reason=f"批量导入 #{job.pk}")
    assert sorted(history.values_list("id_number", "history_type")) == sorted([(rows[1][0], "~"), (rows[3][0], "~")])


def test_a_file_without_the_header_is_refused(clerk, django_capture_on_commit_callbacks):
    # given
    rows = [
        ["证件号码", "名字"],
        [id_number_compose(address_code="140621", birth_date=datetime.date(1990, 1, 1), sequence=1), "张三"],
    ]
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert job.error_message == "没有找到表头：前5行中应有一行包含以下各列：身份证号、姓名、户籍地代码。"
    assert Resident.objects.count() == 0


def test_an_excel_number_for_an_id_is_explained(clerk, django_capture_on_commit_callbacks):
    # given
    rows = resident_rows(3)
    rows[1][0] = float(rows[1][0][:15])
    # when
    job = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=xlsx_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert report_rows(job)[1][-1] == "身份证号被Excel存成了数字，超过15位的数字已被改写，请将该列设为文本后重新录入。"


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("confirm", "copied_into"),
    [(False, "stage"), (True, "block")],  # checked only: staged; confirmed: each block copied, then loaded
)
def test_on_postgresql_rows_are_written_by_copy_and_the_temporary_tables_are_dropped(
    clerk, django_capture_on_commit_callbacks, monkeypatch, confirm, copied_into
):
    # given a spy on psycopg's COPY
    import psycopg

    statements = []
    original = psycopg.Cursor.copy

    def spy(self, statement, *args, **kwargs):
        statements.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "copy", spy)
    # when
    job = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(resident_rows(15)), confirm=confirm
    )
    # then
    assert job.status == (JobStatus.SUCCEEDED if confirm else JobStatus.CHECKED)
    assert statements == [
        f"COPY bulk_{copied_into}_{job.pk} (line, outcome, problem, raw, id_number, name, household_division_id, "
        "phone, residence_division_id, gender, birth_date) FROM STDIN"
    ]
    with connection.cursor() as cursor:
        for table in (f"bulk_stage_{job.pk}", f"bulk_block_{job.pk}"):
            cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{table}"])
            assert cursor.fetchone() == (None,)
    assert Resident.objects.count() == (15 if confirm else 0)


def test_a_persons_history_says_who_changed_them_when_and_from_what_after_an_import_and_a_changing_reimport(
    clerk, django_capture_on_commit_callbacks
):
    # given a first import, then the same file with one person renamed and moved, imported by another clerk
    rows = resident_rows(5)
    first = run_import(django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows))
    other_clerk = make_user("clerk2", "window_clerk", "140621")
    changed = [row[:] for row in rows]
    changed[2][1] = "王秀兰"
    changed[2][2] = changed[4][2]
    # when
    second = run_import(django_capture_on_commit_callbacks, actor=other_clerk, upload=csv_file(changed))
    # then the person's own history holds one row per import, oldest first, with who, when and why
    person = Resident.objects.get(id_number=rows[2][0])
    created, updated = person.history.order_by("history_date", "history_id")
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        clerk,
        f"批量导入 #{first.pk}",
    )
    assert (updated.history_type, updated.history_user, updated.history_change_reason) == (
        "~",
        other_clerk,
        f"批量导入 #{second.pk}",
    )
    assert created.history_date <= updated.history_date == person.updated_at
    # and what it was changed from
    delta = updated.diff_against(created)
    assert sorted((change.field, change.old, change.new) for change in delta.changes) == [
        ("household_division", rows[2][2], changed[4][2]),
        ("name", rows[2][1], "王秀兰"),
    ]
    # and no other person got a history row from the second import
    assert Resident.history.filter(history_change_reason=f"批量导入 #{second.pk}").count() == 1
