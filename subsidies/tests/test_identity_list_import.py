"""R6.1: the departments' identity lists, previewed row by row, then confirmed; a refused list writes nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from conftest import SHANYIN, YUJING_TOWN, first_village
from core.batches import BatchStatus
from divisions.models import Division
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from subsidies.models import HardshipIdentity, IdentityListBatch
from subsidies.resources import list_template_build, row_errors_file_build
from subsidies.services import hardship_identity_create, identity_list_confirm, identity_list_preview
from tests.factories import xlsx_bytes

pytestmark = pytest.mark.django_db
D = datetime.date
STRANGER = id_number_compose(address_code=SHANYIN, birth_date=D(1970, 1, 1), sequence=31)


def preview(clerk, content, *, department="民政", list_date=None, file_name="名单.xlsx"):
    return identity_list_preview(
        actor=clerk,
        county=Division.objects.get(code=SHANYIN),
        department=department,
        list_date=list_date or D(2025, 10, 1),
        file_name=file_name,
        content=content,
    )


def identities():
    return sorted(
        HardshipIdentity.objects.values_list("resident__name", "category", "valid_from", "valid_to", "disability_grade")
    )


def test_r6_1_good_list_is_previewed_without_writing_then_confirmed(clerk, yujing_resident, beizhouzhuang_resident):
    # given a 民政 list: one 低保, one 孤儿 (特困), one person not in the registry
    content = xlsx_bytes(
        [
            ["序号", "姓名", "身份证号", "身份类别", "有效期起", "有效期止"],
            [1, "王玉井", yujing_resident.id_number, "低保", D(2025, 1, 1), None],
            [2, "李北周", beizhouzhuang_resident.id_number, "孤儿", "2025/3/1", "2026年12月31日"],
            [3, "赵外来", STRANGER, "低保", None, None],
        ]
    )
    # when
    batch = preview(clerk, content)
    # then nothing is written yet, the stranger is listed
    assert batch.status == BatchStatus.PREVIEWED
    assert (batch.rows_total, len(batch.checked_rows), batch.row_errors) == (3, 2, [])
    assert [(row["row"], row["name"], row["category"]) for row in batch.unmatched_rows] == [(4, "赵外来", "dibao")]
    assert HardshipIdentity.objects.count() == 0
    # when confirmed
    batch = identity_list_confirm(actor=clerk, batch=batch)
    # then
    assert (batch.status, batch.created_count, batch.updated_count, batch.ended_count) == ("confirmed", 2, 0, 0)
    assert identities() == [
        ("李北周", "tekun", D(2025, 3, 1), D(2026, 12, 31), None),
        ("王玉井", "dibao", D(2025, 1, 1), None, None),
    ]
    assert set(HardshipIdentity.objects.values_list("batch_id", flat=True)) == {batch.pk}


def test_r6_1_bad_rows_are_reported_and_nothing_of_the_refused_list_is_written(clerk, yujing_resident):
    # given
    bad_check = yujing_resident.id_number[:17] + ("0" if yujing_resident.id_number[17] != "0" else "1")
    content = xlsx_bytes(
        [
            ["姓名", "身份证号", "身份类别"],
            ["王玉井", yujing_resident.id_number, "低保"],
            ["坏号码", bad_check, "低保"],
            ["王玉井", yujing_resident.id_number, "低保户"],
            ["数字号", float(STRANGER[:17] + "0"), "低保"],
            ["钱某", STRANGER, "富裕户"],
            ["返贫", STRANGER, "返贫致贫"],
            ["", None, None],
        ]
    )
    # when
    batch = preview(clerk, content)
    # then every bad row is named with its line and reason
    assert batch.status == BatchStatus.REFUSED
    assert [(error["row"], error["errors"]) for error in batch.row_errors] == [
        (3, ["身份证号：身份证号校验位不正确，请核对后重新输入。"]),
        (4, ["与第2行重复（同一人同一类别）。"]),
        (
            5,
            [
                "身份证号：身份证号被Excel存成了数字（"
                + f"{float(STRANGER[:17] + '0'):.0f}"
                + "），超过15位的数字已被改写，请将该列设为文本后重新录入。"
            ],
        ),
        (
            6,
            [
                "身份类别：「富裕户」不是民政认定的类别，可填：tekun、特困人员、五保户、孤儿、事实无人抚养儿童、城市三无人员、dibao、低保对象、低保户、低保。"
            ],
        ),
        (
            7,
            [
                "身份类别：「返贫致贫」不是民政认定的类别，可填：tekun、特困人员、五保户、孤儿、事实无人抚养儿童、城市三无人员、dibao、低保对象、低保户、低保。"
            ],
        ),
    ]
    assert HardshipIdentity.objects.count() == 0
    with pytest.raises(ValidationError, match="该名单有错误，不能导入"):
        identity_list_confirm(actor=clerk, batch=batch)
    assert HardshipIdentity.objects.count() == 0
    # and the error file gives the rows back with the reason
    sheet = load_workbook(io.BytesIO(row_errors_file_build(row_errors=batch.row_errors))).active
    assert [cell.value for cell in sheet[1]] == ["行号", "身份证号", "姓名", "身份类别", "错误"]
    assert [cell.value for cell in sheet[3]] == [
        "4",
        yujing_resident.id_number,
        "王玉井",
        "低保户",
        "与第2行重复（同一人同一类别）。",
    ]


def test_r6_1_gbk_csv_from_wps_is_read(clerk, yujing_resident):
    # given
    text = f"姓名,身份证号,身份类别,有效期起\r\n王玉井,{yujing_resident.id_number},特困人员,2025-02-01\r\n"
    # when
    batch = preview(clerk, text.encode("gbk"), file_name="名单.csv")
    identity_list_confirm(actor=clerk, batch=batch)
    # then
    assert identities() == [("王玉井", "tekun", D(2025, 2, 1), None, None)]


def test_r6_1_gbk_csv_with_a_bad_row_is_refused(clerk, yujing_resident):
    text = f"姓名,身份证号,身份类别\r\n王玉井,{yujing_resident.id_number},特困人员\r\n李四,12345,低保\r\n"
    batch = preview(clerk, text.encode("gbk"), file_name="名单.csv")
    assert batch.status == BatchStatus.REFUSED
    assert [error["row"] for error in batch.row_errors] == [3]
    assert batch.row_errors[0]["errors"][0].startswith("身份证号：")
    assert HardshipIdentity.objects.count() == 0


def test_r6_1_name_that_differs_from_the_registry_is_an_error(clerk, yujing_resident):
    batch = preview(
        clerk, xlsx_bytes([["姓名", "身份证号", "身份类别"], ["王玉景", yujing_resident.id_number, "低保"]])
    )
    assert batch.row_errors == [
        {
            "row": 2,
            "values": {"身份证号": yujing_resident.id_number, "姓名": "王玉景"},
            "errors": ["姓名：与档案不符（档案为王玉井）。"],
        }
    ]


def test_r6_1_a_title_row_above_the_header_is_skipped(clerk, yujing_resident):
    content = xlsx_bytes(
        [["公民身份号码", "姓名", "困难类别"], [yujing_resident.id_number, "王玉井", "低保"]], title="山阴县低保名单"
    )
    batch = preview(clerk, content)
    assert (batch.status, batch.checked_rows[0]["row"]) == ("previewed", 3)


@pytest.mark.parametrize(
    ("content", "file_name", "message"),
    [
        (xlsx_bytes([["姓名", "身份证号"], ["王", "1"]]), "名单.xlsx", "缺少列：身份类别。请使用民政名单模板。"),
        (xlsx_bytes([["姓名", "身份证号", "身份类别"]]), "名单.xlsx", "名单中没有数据行。"),
        (xlsx_bytes([["姓名", "电话"], ["王", "1"]]), "名单.xlsx", "没有找到表头：前5行中应有「身份证号」一列。"),
        (b"not a workbook", "名单.xlsx", "文件无法读取，请确认是 xlsx 或 csv 格式且未加密。"),
        (b"x", "名单.doc", "只能导入 xlsx 或 csv 文件。"),
    ],
)
def test_r6_1_unreadable_files_are_refused_whole(clerk, content, file_name, message):
    batch = preview(clerk, content, file_name=file_name)
    assert (batch.status, batch.file_error) == ("refused", message)
    assert HardshipIdentity.objects.count() == 0


def test_r6_1_reimport_updates_the_listed_and_ends_the_unlisted_with_the_batch_as_reason(
    clerk, yujing_resident, beizhouzhuang_resident
):
    # given a confirmed October list with both people
    first = preview(
        clerk,
        xlsx_bytes(
            [
                ["姓名", "身份证号", "身份类别"],
                ["王玉井", yujing_resident.id_number, "低保"],
                ["李北周", beizhouzhuang_resident.id_number, "低保"],
            ]
        ),
    )
    identity_list_confirm(actor=clerk, batch=first)
    # when the December list names only 王玉井, with a closing date now
    second = preview(
        clerk,
        xlsx_bytes(
            [["姓名", "身份证号", "身份类别", "有效期止"], ["王玉井", yujing_resident.id_number, "低保", "2026-06-30"]]
        ),
        list_date=D(2025, 12, 1),
    )
    second = identity_list_confirm(actor=clerk, batch=second)
    # then
    assert (second.created_count, second.updated_count, second.ended_count) == (0, 1, 1)
    assert identities() == [
        ("李北周", "dibao", D(2025, 10, 1), D(2025, 11, 30), None),
        ("王玉井", "dibao", D(2025, 10, 1), D(2026, 6, 30), None),
    ]
    ended = HardshipIdentity.objects.get(resident=beizhouzhuang_resident)
    assert (ended.batch_id, ended.ended_by_batch_id) == (first.pk, second.pk)
    assert ended.history.count() == 2
    # and an older list can no longer be confirmed over the newer one
    older = preview(
        clerk, xlsx_bytes([["姓名", "身份证号", "身份类别"], ["李北周", beizhouzhuang_resident.id_number, "低保"]])
    )
    with pytest.raises(ValidationError, match="已导入2025年12月1日的民政名单，不能再导入较早的名单"):
        identity_list_confirm(actor=clerk, batch=older)
    assert identities()[0][3] == D(2025, 11, 30)


def test_r6_1_a_list_ends_identities_of_its_own_department_only(clerk, yujing_resident):
    # given a disability identity from 残联 and an empty-of-him 民政 list
    hardship_identity_create(
        actor=clerk,
        resident=yujing_resident,
        category="disability",
        department="残联",
        valid_from=D(2020, 1, 1),
        disability_grade=2,
    )
    other = resident_create(
        actor=clerk,
        id_number=STRANGER,
        name="赵外来",
        household_division=first_village(YUJING_TOWN),
    )
    batch = preview(clerk, xlsx_bytes([["姓名", "身份证号", "身份类别"], ["赵外来", other.id_number, "低保"]]))
    # when
    batch = identity_list_confirm(actor=clerk, batch=batch)
    # then
    assert (batch.created_count, batch.ended_count) == (1, 0)
    assert HardshipIdentity.objects.get(resident=yujing_resident).valid_to is None


def test_r6_2_disability_list_with_dibao_gives_the_free_tier(clerk, yujing_resident):
    # given 民政 certified dibao, and the 残联 list gives grade 三级
    hardship_identity_create(
        actor=clerk, resident=yujing_resident, category="dibao", department="民政", valid_from=D(2025, 1, 1)
    )
    batch = preview(
        clerk,
        xlsx_bytes(
            [["姓名", "身份证号", "残疾等级", "认定日期"], ["王玉井", yujing_resident.id_number, "三级", "2025-05-01"]]
        ),
        department="残联",
    )
    identity_list_confirm(actor=clerk, batch=batch)
    # when
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # then
    assert ("disability", 3) in HardshipIdentity.objects.values_list("category", "disability_grade")
    assert (enrollment.individual_due, enrollment.subsidy_category) == (0, "dibao_disability")


def test_r6_1_disability_list_without_grade_is_refused(clerk, yujing_resident):
    batch = preview(
        clerk,
        xlsx_bytes([["姓名", "身份证号", "残疾等级"], ["王玉井", yujing_resident.id_number, "五级"]]),
        department="残联",
    )
    assert batch.row_errors[0]["errors"] == ["残疾等级：残疾等级「五级」应为1至4级。"]


def test_r6_1_confirming_twice_is_refused(clerk, yujing_resident):
    batch = preview(
        clerk, xlsx_bytes([["姓名", "身份证号", "身份类别"], ["王玉井", yujing_resident.id_number, "低保"]])
    )
    identity_list_confirm(actor=clerk, batch=batch)
    with pytest.raises(ValidationError, match="该名单已导入，不能重复导入"):
        identity_list_confirm(actor=clerk, batch=batch)
    assert HardshipIdentity.objects.count() == 1
    assert IdentityListBatch.objects.get().created_count == 1


def test_templates_name_each_department_s_columns_and_categories():
    from enrollment.policy import policy_resolve

    tiers = policy_resolve(region_code=SHANYIN, insurance_year=2026).hardship_tiers
    workbook = load_workbook(io.BytesIO(list_template_build(department="农业农村", tiers=tiers)))
    sheet = workbook["农业农村名单"]
    assert [cell.value for cell in sheet[1]] == ["身份证号", "姓名", "身份类别", "有效期起", "有效期止"]
    assert sheet["A2"].number_format == "@"
    notes = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert "返贫致贫人口、返贫致贫" in notes
    assert "低保对象、低保户、低保" not in notes
    disability = load_workbook(io.BytesIO(list_template_build(department="残联", tiers=tiers)))["残联名单"]
    assert [cell.value for cell in disability[1]] == ["身份证号", "姓名", "残疾等级", "有效期起", "有效期止"]


@pytest.mark.parametrize(
    ("department", "column", "good", "bad", "expected"),
    [
        ("民政", "身份类别", "事实无人抚养儿童", "返贫致贫", ("tekun", None)),
        ("农业农村", "身份类别", "边缘易致贫户", "低保", ("edge_poverty", None)),
        ("卫健", "身份类别", "计生特殊困难家庭", "特困人员", ("family_planning_hardship", None)),
        ("残联", "残疾等级", "1", "0", ("disability", 1)),
    ],
)
def test_r6_1_each_department_s_list_good_rows_confirm_bad_rows_refuse(
    clerk, yujing_resident, beizhouzhuang_resident, department, column, good, bad, expected
):
    # given a list with one good and one bad row: refused whole
    header = ["姓名", "身份证号", column]
    refused = preview(
        clerk,
        xlsx_bytes(
            [header, ["王玉井", yujing_resident.id_number, good], ["李北周", beizhouzhuang_resident.id_number, bad]]
        ),
        department=department,
    )
    assert (refused.status, [error["row"] for error in refused.row_errors]) == ("refused", [3])
    assert HardshipIdentity.objects.count() == 0
    # when the bad row is taken out
    batch = preview(clerk, xlsx_bytes([header, ["王玉井", yujing_resident.id_number, good]]), department=department)
    identity_list_confirm(actor=clerk, batch=batch)
    # then
    assert list(HardshipIdentity.objects.values_list("category", "disability_grade", "department")) == [
        (*expected, department)
    ]
