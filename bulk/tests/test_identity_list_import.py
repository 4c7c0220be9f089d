"""R6.1: department identity lists through the bulk path, with the business of the preview-and-confirm path."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook

from bulk.models import BulkImportJob
from bulk.services import bulk_import_create, bulk_import_run
from conftest import BEIZHOUZHUANG_TOWN, SHANYIN, YUJING_TOWN, first_village, make_user
from core.models import JobStatus
from divisions.models import Division
from enrollment.rules import id_number_compose
from enrollment.services import resident_create
from subsidies.loaders import NOT_REGISTERED
from subsidies.models import HardshipIdentity, IdentityListBatch
from subsidies.services import hardship_identity_create, identity_list_confirm, identity_list_preview

from .helpers import report_rows

pytestmark = pytest.mark.django_db
D = datetime.date
OCTOBER, DECEMBER = D(2025, 10, 1), D(2025, 12, 1)
HEADER = ["姓名", "身份证号", "身份类别", "有效期起", "有效期止"]
STRANGER = id_number_compose(address_code=SHANYIN, birth_date=D(1970, 1, 1), sequence=31)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def zhang(clerk):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1962, 5, 9), sequence=44),
        name="张三",
        household_division=first_village(YUJING_TOWN),
    )


@pytest.fixture
def people(yujing_resident, beizhouzhuang_resident, zhang):
    return {person.name: person.id_number for person in (yujing_resident, beizhouzhuang_resident, zhang)}


def list_file(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def bulk_list(capture, actor, content: bytes, *, department="民政", list_date=OCTOBER, run=True) -> BulkImportJob:
    """Upload through the service; the queued task runs eagerly, as the worker would once the row is committed."""
    with capture(execute=run):
        job = bulk_import_create(
            actor=actor,
            kind="identity_list",
            county=Division.objects.get(code=SHANYIN),
            uploaded_file=SimpleUploadedFile("名单.csv", content),
            department=department,
            list_date=list_date,
            confirm=True,
        )
    job.refresh_from_db()
    return job


def confirmed_list(actor, content: bytes, *, department="民政", list_date=OCTOBER) -> IdentityListBatch:
    batch = identity_list_preview(
        actor=actor,
        county=Division.objects.get(code=SHANYIN),
        department=department,
        list_date=list_date,
        file_name="名单.csv",
        content=content,
    )
    return identity_list_confirm(actor=actor, batch=batch)


def in_order(rows) -> list[tuple]:
    """Rows sorted in Python (the databases collate Chinese differently), an empty value before any other."""
    return sorted(rows, key=lambda row: tuple((value is not None, value) for value in row))


def identities() -> list[tuple]:
    return in_order(
        HardshipIdentity.objects.values_list(
            "resident__name",
            "category",
            "disability_grade",
            "valid_from",
            "valid_to",
            "batch__list_date",
            "ended_by_batch__list_date",
        )
    )


def batches() -> list[tuple]:
    return in_order(
        IdentityListBatch.objects.values_list(
            "list_date", "department", "status", "file_name", "rows_total", "created_count", "updated_count",
            "ended_count", "checked_rows",
        )
    )  # fmt: skip


def history_rows() -> list[tuple]:
    return in_order(
        HardshipIdentity.history.values_list(
            "resident__name", "category", "valid_from", "valid_to", "history_type", "history_user_id",
            "history_change_reason",
        )
    )  # fmt: skip


def october_and_december_lists(people: dict[str, str]) -> tuple[bytes, bytes]:
    october = list_file(
        [
            ["王玉井", people["王玉井"], "低保", "2025-01-01", ""],
            ["李北周", people["李北周"], "孤儿", "", ""],
            ["张三", people["张三"], "低保户", "", ""],
        ]
    )
    december = list_file(
        [
            ["王玉井", people["王玉井"], "低保对象", "", "2026-06-30"],
            ["张三", people["张三"], "特困人员", "", ""],
            ["赵外来", STRANGER, "低保", "", ""],
        ]
    )
    return october, december


EXPECTED_IDENTITIES = [
    ("张三", "dibao", None, D(2025, 10, 1), D(2025, 11, 30), OCTOBER, DECEMBER),
    ("张三", "tekun", None, D(2025, 12, 1), None, DECEMBER, None),
    ("李北周", "tekun", None, D(2025, 10, 1), D(2025, 11, 30), OCTOBER, DECEMBER),
    ("王玉井", "dibao", None, D(2025, 1, 1), D(2026, 6, 30), DECEMBER, None),
]
EXPECTED_BATCHES = [
    (OCTOBER, "民政", "confirmed", "名单.csv", 3, 3, 0, 0),
    (DECEMBER, "民政", "confirmed", "名单.csv", 3, 1, 1, 2),
]


def test_r6_1_the_bulk_path_writes_the_identities_that_confirming_the_same_lists_writes(
    clerk, people, django_capture_on_commit_callbacks
):
    # given an October list, then a December list that updates 王玉井, no longer names 李北周, moves 张三 from 低保 to
    # 特困 and names a person not in the registry
    october, december = october_and_december_lists(people)
    with transaction.atomic():
        confirmed_list(clerk, october)
        unmatched = confirmed_list(clerk, december, list_date=DECEMBER).unmatched_rows
        by_confirm, confirm_batches = identities(), [batch[:8] for batch in batches()]
        transaction.set_rollback(True)
    assert HardshipIdentity.objects.count() == 0
    # when the same files go through the bulk path
    first = bulk_list(django_capture_on_commit_callbacks, clerk, october)
    second = bulk_list(django_capture_on_commit_callbacks, clerk, december, list_date=DECEMBER)
    # then
    assert identities() == by_confirm == EXPECTED_IDENTITIES
    assert [batch[:8] for batch in batches()] == confirm_batches == EXPECTED_BATCHES
    assert [batch[8] for batch in batches()] == [[], []]  # the rows are in the job's file, not in the batch
    assert set(IdentityListBatch.objects.values_list("uploaded_by", "confirmed_by")) == {(clerk.pk, clerk.pk)}
    assert (first.status, first.rows_created, first.rows_updated, first.rows_skipped) == ("succeeded", 3, 0, 0)
    assert (second.status, second.rows_total, second.rows_valid, second.error_count) == ("succeeded", 3, 2, 0)
    assert (second.rows_created, second.rows_updated, second.rows_skipped) == (1, 1, 1)
    # and the person not in the registry is reported, as the preview lists them
    assert [(row["row"], row["id_number"]) for row in unmatched] == [(4, STRANGER)]
    assert report_rows(second)[1:] == [[4, STRANGER, "赵外来", "低保", None, None, None, "已跳过", NOT_REGISTERED]]


def test_r6_1_history_rows_name_the_job_and_the_user(clerk, people, django_capture_on_commit_callbacks):
    # given
    october, december = october_and_december_lists(people)
    history_before = HardshipIdentity.history.count()
    # when
    first = bulk_list(django_capture_on_commit_callbacks, clerk, october)
    second = bulk_list(django_capture_on_commit_callbacks, clerk, december, list_date=DECEMBER)
    # then one row per identity written: '+' created, '~' updated or ended
    assert history_before == 0
    first_reason, second_reason = f"批量导入 #{first.pk}", f"批量导入 #{second.pk}"
    assert history_rows() == in_order(
        [
            ("王玉井", "dibao", D(2025, 1, 1), None, "+", clerk.pk, first_reason),
            ("李北周", "tekun", D(2025, 10, 1), None, "+", clerk.pk, first_reason),
            ("张三", "dibao", D(2025, 10, 1), None, "+", clerk.pk, first_reason),
            ("王玉井", "dibao", D(2025, 1, 1), D(2026, 6, 30), "~", clerk.pk, second_reason),
            ("李北周", "tekun", D(2025, 10, 1), D(2025, 11, 30), "~", clerk.pk, second_reason),
            ("张三", "dibao", D(2025, 10, 1), D(2025, 11, 30), "~", clerk.pk, second_reason),
            ("张三", "tekun", D(2025, 12, 1), None, "+", clerk.pk, second_reason),
        ]
    )
    assert set(HardshipIdentity.objects.values_list("recorded_by", "department")) == {(clerk.pk, "民政")}


def test_r6_1_importing_the_same_list_again_writes_nothing(
    clerk, people, beizhouzhuang_resident, django_capture_on_commit_callbacks
):
    # given a list with an identity that ended before the list's date, and an identity entered at the window that
    # starts after the list's date and that the list does not name (ended on its first day)
    hardship_identity_create(
        actor=clerk,
        resident=beizhouzhuang_resident,
        category="dibao",
        department="民政",
        valid_from=D(2025, 11, 1),
    )
    content = list_file(
        [
            ["王玉井", people["王玉井"], "低保", "2025-01-01", ""],
            ["王玉井", people["王玉井"], "特困人员", "2024-01-01", "2024-12-31"],
            ["张三", people["张三"], "低保", "", ""],
            ["赵外来", STRANGER, "低保", "", ""],
        ]
    )
    first = bulk_list(django_capture_on_commit_callbacks, clerk, content)
    before, history_before = identities(), history_rows()
    assert before == [
        ("张三", "dibao", None, D(2025, 10, 1), None, OCTOBER, None),
        ("李北周", "dibao", None, D(2025, 11, 1), D(2025, 11, 1), None, OCTOBER),
        ("王玉井", "dibao", None, D(2025, 1, 1), None, OCTOBER, None),
        ("王玉井", "tekun", None, D(2024, 1, 1), D(2024, 12, 31), OCTOBER, None),
    ]
    assert (first.rows_created, first.rows_updated, first.rows_skipped) == (3, 0, 1)
    # when
    again = bulk_list(django_capture_on_commit_callbacks, clerk, content)
    # then
    assert (again.status, again.rows_valid, again.rows_created, again.rows_updated) == ("succeeded", 3, 0, 0)
    assert (again.rows_unchanged, again.rows_skipped) == (3, 1)
    assert identities() == before
    assert history_rows() == history_before
    assert list(
        IdentityListBatch.objects.order_by("pk").values_list("created_count", "updated_count", "ended_count")
    ) == [(3, 0, 1), (0, 0, 0)]


def test_r6_1_a_file_with_a_bad_row_is_refused_whole_and_nothing_is_written(
    clerk, people, django_capture_on_commit_callbacks
):
    # given 张三's 低保 from an earlier list, and a list with one good row and bad ones
    earlier = bulk_list(
        django_capture_on_commit_callbacks, clerk, list_file([["张三", people["张三"], "低保", "", ""]]),
        list_date=D(2025, 9, 1),
    )  # fmt: skip
    before, history_before, batches_before = identities(), history_rows(), batches()
    bad_check = people["王玉井"][:17] + ("0" if people["王玉井"][17] != "0" else "1")
    header = ["姓名", "身份证号", "身份类别", "残疾等级", "有效期起", "有效期止"]
    rows = [
        ["王玉井", people["王玉井"], "低保", "", "", ""],
        ["坏号码", bad_check, "低保", "", "", ""],
        ["钱某", STRANGER, "富裕户", "", "", ""],
        ["李北周", people["李北周"], "低保", "五级", "", ""],
        ["", people["张三"], "特困人员", "", "", ""],
        ["张三", people["张三"], "低保", "", "2025-03-01", "2025-02-01"],
        ["李北舟", people["李北周"], "特困人员", "", "", ""],
        ["王玉井", people["王玉井"], "特困人员", "", "2025-13-01", ""],
    ]
    # when
    job = bulk_list(django_capture_on_commit_callbacks, clerk, list_file(rows, header=header))
    # then
    assert (earlier.status, job.status, job.error_count, job.rows_valid) == ("succeeded", "refused", 7, 1)
    assert [(row[0], row[-2], row[-1]) for row in report_rows(job)[1:]] == [
        (3, "错误", "身份证号：身份证号校验位不正确，请核对后重新输入。"),
        (
            4,
            "错误",
            "身份类别：「富裕户」不是民政认定的类别，可填：tekun、特困人员、五保户、孤儿、事实无人抚养儿童、城市三无人员、"
            "dibao、低保对象、低保户、低保。",
        ),
        (5, "错误", "残疾等级：残疾等级「五级」应为1至4级。"),
        (6, "错误", "姓名：姓名为空。"),
        (7, "错误", "有效期止：不能早于有效期起。"),
        (8, "错误", "姓名：与档案不符（档案为李北周）。"),
        (9, "错误", "有效期起：日期「2025-13-01」无法识别，请写成2026-01-01。"),
    ]
    assert report_rows(job)[6][:7] == [8, people["李北周"], "李北舟", "特困人员", None, None, None]
    assert identities() == before
    assert history_rows() == history_before
    assert batches() == batches_before


def test_r6_1_a_person_and_category_twice_in_the_file_refuses_it(clerk, people, django_capture_on_commit_callbacks):
    # given 低保 and 低保对象 are the same category
    rows = [
        ["王玉井", people["王玉井"], "低保", "", ""],
        ["王玉井", people["王玉井"], "低保对象", "2025-01-01", ""],
        ["王玉井", people["王玉井"], "特困人员", "", ""],
        ["赵外来", STRANGER, "低保", "", ""],
        ["赵外来", STRANGER, "dibao", "", ""],
    ]
    # when
    job = bulk_list(django_capture_on_commit_callbacks, clerk, list_file(rows))
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [
        (2, "同一人同一类别在文件中重复出现（另见第3行）。"),
        (3, "同一人同一类别与第2行重复。"),
        (5, "同一人同一类别在文件中重复出现（另见第6行）。"),
        (6, "同一人同一类别与第5行重复。"),
    ]
    assert HardshipIdentity.objects.count() == 0
    assert IdentityListBatch.objects.count() == 0
    assert HardshipIdentity.history.count() == 0


def test_r6_1_a_closing_date_before_the_recorded_start_refuses_the_file(
    clerk, people, django_capture_on_commit_callbacks
):
    # given 王玉井's 低保 starts in March 2026 by the October list
    bulk_list(
        django_capture_on_commit_callbacks, clerk, list_file([["王玉井", people["王玉井"], "低保", "2026-03-01", ""]])
    )
    before, history_before = identities(), history_rows()
    # when the December list closes it in January without a start of its own
    job = bulk_list(
        django_capture_on_commit_callbacks, clerk, list_file([["王玉井", people["王玉井"], "低保", "", "2026-01-31"]]),
        list_date=DECEMBER,
    )  # fmt: skip
    # then
    assert job.status == JobStatus.REFUSED
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [
        (2, "有效期止：不能早于该身份已登记的有效期起（2026-03-01）。")
    ]
    assert identities() == before
    assert history_rows() == history_before


def test_r6_1_a_disability_list_gives_grades_and_ends_only_its_department_s_identities(
    clerk, people, django_capture_on_commit_callbacks
):
    # given 民政 certified 王玉井's 低保, and 残联 李北周's grade 2
    bulk_list(django_capture_on_commit_callbacks, clerk, list_file([["王玉井", people["王玉井"], "低保", "", ""]]))
    grades = list_file([["李北周", people["李北周"], "二级"]], header=["姓名", "身份证号", "残疾等级"])
    bulk_list(django_capture_on_commit_callbacks, clerk, grades, department="残联")
    # when the 残联 December list names 王玉井 with grade 三级 and no longer 李北周
    grades = list_file(
        [["王玉井", people["王玉井"], "三级", "2025-05-01"]], header=["姓名", "身份证号", "等级", "认定日期"]
    )
    job = bulk_list(django_capture_on_commit_callbacks, clerk, grades, department="残联", list_date=DECEMBER)
    # then
    assert (job.status, job.rows_created) == ("succeeded", 1)
    assert identities() == [
        ("李北周", "disability", 2, D(2025, 10, 1), D(2025, 11, 30), OCTOBER, DECEMBER),
        ("王玉井", "dibao", None, D(2025, 10, 1), None, OCTOBER, None),
        ("王玉井", "disability", 3, D(2025, 5, 1), None, DECEMBER, None),
    ]


def test_r6_1_a_disability_list_without_the_grade_column_is_refused(clerk, people, django_capture_on_commit_callbacks):
    job = bulk_list(
        django_capture_on_commit_callbacks, clerk, list_file([["王玉井", people["王玉井"], "低保", "", ""]]),
        department="残联",
    )  # fmt: skip
    assert (job.status, job.error_message) == (
        "refused",
        "没有找到表头：前5行中应有一行包含以下各列：身份证号、姓名、残疾等级。",
    )
    assert HardshipIdentity.objects.count() == 0
    assert IdentityListBatch.objects.count() == 0


def test_r6_1_a_list_older_than_one_imported_is_refused(clerk, people, django_capture_on_commit_callbacks):
    # given a job for October queued, and a December list confirmed before the worker runs it
    content = list_file([["王玉井", people["王玉井"], "低保", "", ""]])
    queued = bulk_list(django_capture_on_commit_callbacks, clerk, content, run=False)
    confirmed_list(clerk, list_file([["李北周", people["李北周"], "低保", "", ""]]), list_date=DECEMBER)
    before, history_before = identities(), history_rows()
    # when
    job = bulk_import_run(job_id=queued.pk)
    # then
    message = "已导入2025年12月1日的民政名单，不能再导入较早的名单。"
    assert (job.status, job.error_message) == ("refused", message)
    assert identities() == before
    assert history_rows() == history_before
    assert IdentityListBatch.objects.count() == 1
    # and a new upload of it is refused at once
    with pytest.raises(ValidationError) as refusal:
        bulk_list(django_capture_on_commit_callbacks, clerk, content)
    assert refusal.value.message_dict == {"list_date": [message]}
    assert BulkImportJob.objects.count() == 1


def test_r6_1_a_list_dated_where_there_is_no_subsidy_table_is_refused(
    clerk, people, django_capture_on_commit_callbacks
):
    job = bulk_list(
        django_capture_on_commit_callbacks, clerk, list_file([["王玉井", people["王玉井"], "低保", "", ""]]),
        list_date=D(2024, 6, 1),
    )  # fmt: skip
    assert (job.status, job.error_message) == ("refused", "山阴县2024年度没有困难群众资助档次，无法认定身份。")
    assert HardshipIdentity.objects.count() == 0
    assert IdentityListBatch.objects.count() == 0


def test_scope_other_counties_people_and_users_without_the_right_are_refused(
    clerk, people, django_capture_on_commit_callbacks
):
    # given a person registered in 朔城区
    shuocheng_clerk = make_user("shuocheng", "window_clerk", "140602")
    outsider = resident_create(
        actor=shuocheng_clerk,
        id_number=id_number_compose(address_code="140602", birth_date=D(1980, 2, 2), sequence=55),
        name="外县人",
        household_division=first_village("140602001"),
    )
    content = list_file([["外县人", outsider.id_number, "低保", "", ""], ["李北周", people["李北周"], "低保", "", ""]])
    # when 山阴's clerk sends a list for 朔城区
    with pytest.raises(ValidationError) as refusal:
        bulk_import_create(
            actor=clerk,
            kind="identity_list",
            county=Division.objects.get(code="140602"),
            uploaded_file=SimpleUploadedFile("名单.csv", content),
            department="民政",
            list_date=OCTOBER,
        )
    # then
    assert refusal.value.message_dict == {"county": ["只能导入本辖区区县的数据。"]}
    assert BulkImportJob.objects.count() == 0
    # when a city official given the bulk import right only sends one for 山阴
    city = make_user("city", "city_staff", "1406")
    city.user_permissions.add(Permission.objects.get(codename="add_bulkimportjob"))
    with pytest.raises(ValidationError) as refusal:
        bulk_list(django_capture_on_commit_callbacks, type(city).objects.get(pk=city.pk), content)
    # then
    assert refusal.value.message_dict == {"kind": ["没有导入困难身份名单的权限。"]}
    assert BulkImportJob.objects.count() == 0
    # when 山阴's list names the person of 朔城区: skipped as not found in the county's registry
    job = bulk_list(django_capture_on_commit_callbacks, clerk, content)
    assert (job.status, job.rows_created, job.rows_skipped) == ("succeeded", 1, 1)
    assert [(row[0], row[-1]) for row in report_rows(job)[1:]] == [(2, NOT_REGISTERED)]
    assert identities() == [("李北周", "dibao", None, D(2025, 10, 1), None, OCTOBER, None)]


def test_the_form_asks_for_the_department_and_the_list_date(client, clerk):
    # given
    client.force_login(clerk)
    page = client.get("/bulk/").content.decode()
    assert 'data-kind-only="identity_list"' in page
    assert "data-kind-select" in page
    upload = SimpleUploadedFile("名单.csv", list_file([["王玉井", STRANGER, "低保", "", ""]]))
    # when
    response = client.post("/bulk/", {"kind": "identity_list", "county": SHANYIN, "file": upload})
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入困难身份名单须选择认定部门。" in page
    assert "导入困难身份名单须填写名单日期。" in page
    assert BulkImportJob.objects.count() == 0
    # when the date is in the future
    upload.seek(0)
    response = client.post(
        "/bulk/",
        {"kind": "identity_list", "county": SHANYIN, "department": "民政", "list_date": "2999-01-01", "file": upload},
    )
    # then
    assert "名单日期不能晚于今天。" in response.content.decode()
    assert BulkImportJob.objects.count() == 0


def test_the_form_ignores_the_department_and_date_for_other_kinds(client, clerk, django_capture_on_commit_callbacks):
    # given
    client.force_login(clerk)
    registry = "身份证号,姓名,户籍地代码\r\n" + f"{STRANGER},赵外来,{first_village(BEIZHOUZHUANG_TOWN).code}\r\n"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bulk/",
            {
                "kind": "resident_registry",
                "county": SHANYIN,
                "department": "不是部门",
                "list_date": "不是日期",
                "file": SimpleUploadedFile("户籍.csv", registry.encode()),
            },
        )
    job = BulkImportJob.objects.get()
    assert response["Location"] == f"/bulk/{job.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/bulk/{job.pk}/confirm/")
    # then
    job.refresh_from_db()
    assert (job.kind, job.parameters, job.status) == ("resident_registry", {}, "succeeded")


def test_the_job_page_shows_the_list_and_what_it_did(client, clerk, people, django_capture_on_commit_callbacks):
    # given
    october, december = october_and_december_lists(people)
    bulk_list(django_capture_on_commit_callbacks, clerk, october)
    job = bulk_list(django_capture_on_commit_callbacks, clerk, december, list_date=DECEMBER)
    client.force_login(clerk)
    # when
    detail = client.get(f"/bulk/{job.pk}/").content.decode()
    index = client.get("/bulk/").content.decode()
    # then
    assert "民政名单 · 名单日期 2025-12-01" in detail
    assert "导入完成：共 3 行，新增 1，更新 1，未变化 0，终止（名单中已无）2，跳过（档案中未找到该居民）1。" in detail
    assert "困难身份名单（认定部门）（民政 2025-12-01）" in index


def test_the_identity_list_template_has_the_columns_and_notes(client, clerk):
    # given
    client.force_login(clerk)
    # when
    workbook = load_workbook(io.BytesIO(client.get("/bulk/templates/identity_list.xlsx").content))
    # then
    assert [cell.value for cell in workbook.worksheets[0][1]] == [
        "身份证号", "姓名", "身份类别", "残疾等级", "有效期起", "有效期止",
    ]  # fmt: skip
    assert workbook.worksheets[0]["A2"].number_format == "@"
    notes = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert "该部门在本县（区）已认定、但新名单中没有的人员，身份于名单日期前一日终止。" in notes
