"""R7.1-R7.5 in bulk: the health commission's birth lists, previewed row by row, then registered all or none."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from conftest import BEIZHOUZHUANG_TOWN, SHANYIN, YUJING_TOWN, first_village, make_user
from divisions.models import Division
from enrollment.models import Enrollment, Resident
from enrollment.rules import id_number_compose
from newborns.models import BirthImportBatch, BirthRecord
from newborns.services import newborn_register
from newborns.services.imports import birth_import_confirm, birth_import_preview
from tests.factories import xlsx_bytes

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = ["出生医学证明编号", "新生儿姓名", "性别", "出生日期", "母亲身份证号", "身份证号", "户籍地代码", "登记日期"]
MOTHER_A = id_number_compose(address_code=SHANYIN, birth_date=D(1994, 2, 3), sequence=22)
MOTHER_B = id_number_compose(address_code=SHANYIN, birth_date=D(1996, 5, 6), sequence=44)
MOTHER_C = id_number_compose(address_code=SHANYIN, birth_date=D(1998, 8, 9), sequence=66)
GIRL_ID = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 11, 21), sequence=12)  # even: a girl
YUJING_VILLAGE = "140621100200"  # 玉井村委会


def preview(user, content, *, file_name="出生信息.xlsx", county=SHANYIN):
    return birth_import_preview(
        actor=user, county=Division.objects.get(code=county), file_name=file_name, content=content
    )


def written():
    """Everything an import may write: births, residents, enrollments."""
    return (BirthRecord.objects.count(), Resident.objects.count(), Enrollment.objects.count())


GOOD_ROWS = [
    HEADER,
    ["P140000001", "张一", "男", D(2026, 11, 20), MOTHER_A, None, YUJING_VILLAGE, D(2026, 11, 25)],
    ["P140000002", "张二", "女", "2026/11/21", MOTHER_B, GIRL_ID, BEIZHOUZHUANG_TOWN, None],
    ["P140000003", "张三", "M", "2026-10-02", MOTHER_C, "", YUJING_TOWN, "2026年10月10日"],
]


def test_r7_1_a_good_file_is_previewed_without_writing_then_registers_three_free_birth_years(clerk):
    # given
    today = timezone.localdate()
    # when
    batch = preview(clerk, xlsx_bytes(GOOD_ROWS))
    # then nothing is registered yet, and the rows are as they will be registered
    assert (batch.status, batch.rows_total, batch.row_errors, batch.file_error) == ("previewed", 3, [], "")
    fields = ["row", "birth_certificate_no", "gender", "birth_date", "id_number", "division_code", "division_name"]
    assert [
        tuple(row[field] for field in [*fields, "registration_date", "registered"]) for row in batch.checked_rows
    ] == [
        (2, "P140000001", "M", "2026-11-20", "", YUJING_VILLAGE, "玉井村委会", "2026-11-25", False),
        (3, "P140000002", "F", "2026-11-21", GIRL_ID, BEIZHOUZHUANG_TOWN, "北周庄镇", today.isoformat(), False),
        (4, "P140000003", "M", "2026-10-02", "", YUJING_TOWN, "玉井镇", "2026-10-10", False),
    ]
    assert written() == (0, 0, 0)
    # when confirmed
    batch = birth_import_confirm(actor=clerk, batch=batch)
    # then three births, three residents (two placeholders until the ID arrives), three free birth years
    assert (batch.status, batch.created_count, batch.existing_count, batch.confirmed_by) == ("confirmed", 3, 0, clerk)
    assert list(
        BirthRecord.objects.order_by("birth_certificate_no").values_list(
            "birth_certificate_no", "name", "gender", "division_id", "registration_date", "channel", "registered_by"
        )
    ) == [
        ("P140000001", "张一", "M", YUJING_VILLAGE, D(2026, 11, 25), "import", clerk.pk),
        ("P140000002", "张二", "F", BEIZHOUZHUANG_TOWN, today, "import", clerk.pk),
        ("P140000003", "张三", "M", YUJING_TOWN, D(2026, 10, 10), "import", clerk.pk),
    ]
    assert sorted(Resident.objects.values_list("id_number", "id_number_is_placeholder", "name")) == sorted(
        [(f"{MOTHER_A}B", True, "张一"), (GIRL_ID, False, "张二"), (f"{MOTHER_C}B", True, "张三")]
    )
    enrollments = Enrollment.objects.order_by("resident__name")
    assert [
        (e.resident.name, e.insurance_year, e.individual_due, e.subsidy_amount, e.subsidy_category, e.benefit_start)
        for e in enrollments
    ] == [
        ("张一", 2026, Decimal("0.00"), Decimal("400.00"), "newborn_programme", D(2026, 11, 20)),
        ("张三", 2026, Decimal("0.00"), Decimal("400.00"), "newborn_programme", D(2026, 10, 2)),
        ("张二", 2026, Decimal("0.00"), Decimal("400.00"), "newborn_programme", D(2026, 11, 21)),
    ]
    assert set(BirthRecord.objects.values_list("enrollment__channel", flat=True)) == {"online"}


def bad_file():
    future = timezone.localdate() + datetime.timedelta(days=1)
    bad_check = MOTHER_B[:17] + ("0" if MOTHER_B[17] != "0" else "1")
    as_number = float(MOTHER_C[:15] + "000")  # Excel keeps 15 significant digits of a number
    return xlsx_bytes(
        [
            HEADER,
            ["P140000001", "张一", "男", D(2026, 11, 20), MOTHER_A, None, YUJING_VILLAGE, None],
            ["P140000002", "张二", "女", D(2026, 11, 21), bad_check, None, YUJING_VILLAGE, None],
            ["P140000003", "张三", "男", D(2026, 11, 1), as_number, None, YUJING_VILLAGE, None],
            ["P140000001", "张一", "男", D(2026, 11, 20), MOTHER_A, None, YUJING_VILLAGE, None],
            ["P140000004", "张四", "男", future, MOTHER_A, None, YUJING_VILLAGE, None],
            ["P140000005", "张五", "女", D(2026, 11, 3), MOTHER_B, None, "140621199", None],
            ["P140000006", "张六", "女", D(2026, 11, 4), MOTHER_C, None, "140622100", None],
            ["P140000007", "张七", "男", D(2026, 11, 21), MOTHER_A, GIRL_ID, YUJING_TOWN, None],
            ["P140000008", "张八", "不详", D(2026, 11, 5), MOTHER_B, None, "1406211", D(2026, 11, 1)],
            ["", "", "", "", "", "", "", ""],
        ]
    )


def test_r7_1_a_file_with_bad_rows_is_refused_whole_with_each_row_and_reason(clerk):
    # given
    future = timezone.localdate() + datetime.timedelta(days=1)
    as_number = MOTHER_C[:15] + "000"
    # when
    batch = preview(clerk, bad_file())
    # then
    assert (batch.status, batch.rows_total, len(batch.checked_rows)) == ("refused", 9, 1)
    assert [(error["row"], error["errors"]) for error in batch.row_errors] == [
        (3, ["母亲身份证号：身份证号校验位不正确，请核对后重新输入。"]),
        (
            4,
            [
                f"母亲身份证号：身份证号被Excel存成了数字（{as_number}），超过15位的数字已被改写，"
                "请将该列设为文本后重新录入。"
            ],
        ),
        (5, ["出生医学证明编号：与第2行重复。"]),
        (6, ["出生日期不能晚于今天。"]),
        (7, ["户籍地代码：区划代码140621199不存在。"]),
        (8, ["户籍地代码：140622100（金城镇）不属于山阴县。"]),
        (9, ["身份证号中的出生日期或性别与出生医学证明不符。"]),
        (
            10,
            [
                "性别：「不详」应为男或女（M或F）。",
                "户籍地代码：「1406211」应为9位（乡镇、街道）或12位（村、社区）区划代码。",
                "登记日期：参保登记日期不能早于出生日期。",
            ],
        ),
    ]
    assert batch.row_errors[3]["values"]["出生日期"] == future.isoformat()
    assert written() == (0, 0, 0)
    # and a refused file cannot be confirmed: still nothing written
    with pytest.raises(ValidationError, match="该文件有错误，不能导入。请按错误行修改后重新上传。"):
        birth_import_confirm(actor=clerk, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, written()) == ("refused", 0, (0, 0, 0))


def test_r7_1_a_gbk_csv_from_wps_is_read_and_registered(clerk):
    # given
    text = (
        "出生证号,姓名,性别,出生日期,母亲身份证号码,户籍地区划代码,参保登记日期\r\n"
        f"Q140000009,王小满,女,2026-11-02,{MOTHER_B},{YUJING_VILLAGE},2026-11-05\r\n"
    )
    # when
    batch = preview(clerk, text.encode("gbk"), file_name="出生信息.csv")
    batch = birth_import_confirm(actor=clerk, batch=batch)
    # then
    assert (batch.status, batch.created_count) == ("confirmed", 1)
    record = BirthRecord.objects.get()
    assert (record.birth_certificate_no, record.name, record.gender, record.registration_date) == (
        "Q140000009",
        "王小满",
        "F",
        D(2026, 11, 5),
    )
    assert record.resident.id_number == f"{MOTHER_B}B"


def test_r7_1_a_certificate_already_registered_is_skipped_not_duplicated(clerk):
    # given P140000002 registered at the window last week
    earlier, _ = newborn_register(
        actor=clerk,
        birth_certificate_no="P140000002",
        name="张二妞",
        gender="F",
        birth_date=D(2026, 11, 21),
        mother_id_number=MOTHER_B,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 11, 22),
    )
    before = written()
    # when
    batch = preview(clerk, xlsx_bytes(GOOD_ROWS))
    # then it is listed as to be skipped, not as an error
    assert (batch.status, batch.row_errors) == ("previewed", [])
    assert [row["registered"] for row in batch.checked_rows] == [False, True, False]
    assert written() == before
    # when
    batch = birth_import_confirm(actor=clerk, batch=batch)
    # then
    assert (batch.created_count, batch.existing_count) == (2, 1)
    assert written() == (before[0] + 2, before[1] + 2, before[2] + 2)
    kept = BirthRecord.objects.get(birth_certificate_no="P140000002")
    assert (kept.pk, kept.name, kept.channel, kept.division_id) == (earlier.pk, "张二妞", "window", YUJING_VILLAGE)


def test_r7_1_confirming_twice_is_refused_and_registers_nothing_more(clerk):
    # given
    batch = birth_import_confirm(actor=clerk, batch=preview(clerk, xlsx_bytes(GOOD_ROWS)))
    before = written()
    # when / then
    with pytest.raises(ValidationError, match="该批次已导入，不能重复导入。"):
        birth_import_confirm(actor=clerk, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.existing_count, written()) == ("confirmed", 3, 0, before)


def test_r7_1_a_row_refused_at_confirmation_rolls_back_the_whole_file_and_is_shown(clerk):
    # given a county file with births in 玉井 (rows 2, 4) and 北周庄 (row 3), confirmed by a clerk of 玉井 only
    batch = preview(clerk, xlsx_bytes(GOOD_ROWS))
    yujing_clerk = make_user("yujing_clerk", Role.WINDOW_CLERK, YUJING_TOWN)
    message = (
        "第3行（P140000002）户籍地代码：只能登记本辖区内的居民。本批次未登记任何新生儿，请处理后重新确认或重新上传。"
    )
    # when
    with pytest.raises(ValidationError) as refusal:
        birth_import_confirm(actor=yujing_clerk, batch=batch)
    # then row 2, registered before row 3 was refused, is rolled back too
    assert refusal.value.messages == [message]
    assert written() == (0, 0, 0)
    batch.refresh_from_db()
    assert (batch.status, batch.confirm_error, batch.created_count, batch.confirmed_at) == (
        "previewed",
        message,
        0,
        None,
    )
    # and the county's clerk can still confirm it
    batch = birth_import_confirm(actor=clerk, batch=batch)
    assert (batch.status, batch.confirm_error, batch.created_count, written()) == ("confirmed", "", 3, (3, 3, 3))


@pytest.mark.parametrize(
    ("content", "file_name", "message"),
    [
        (
            xlsx_bytes([HEADER[:4], ["P1", "张", "男", "2026-11-01"]]),
            "出生.xlsx",
            "缺少列：母亲身份证号、户籍地代码。请使用出生登记导入模板。",
        ),
        (xlsx_bytes([HEADER]), "出生.xlsx", "文件中没有数据行。"),
        (
            xlsx_bytes([["姓名", "性别"], ["张", "男"]]),
            "出生.xlsx",
            "没有找到表头：前5行中应有「出生医学证明编号」一列。",
        ),
        (b"x", "出生.doc", "只能导入 xlsx 或 csv 文件。"),
    ],
)
def test_r7_1_unreadable_files_are_refused_whole(clerk, content, file_name, message):
    batch = preview(clerk, content, file_name=file_name)
    assert (batch.status, batch.file_error, written()) == ("refused", message, (0, 0, 0))


def test_r7_1_a_title_row_above_the_header_is_skipped(clerk):
    batch = preview(clerk, xlsx_bytes(GOOD_ROWS[:2], title="山阴县2026年11月出生信息"))
    assert (batch.status, [row["row"] for row in batch.checked_rows]) == ("previewed", [3])


# --- Pages ---------------------------------------------------------------------------------------------------


def test_pages_upload_preview_confirm(client, clerk):
    # given
    client.force_login(clerk)
    upload = io.BytesIO(xlsx_bytes(GOOD_ROWS))
    upload.name = "出生信息.xlsx"
    # when
    response = client.post(reverse("birth_import_index"), {"county": SHANYIN, "file": upload})
    # then
    batch = BirthImportBatch.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/newborns/imports/{batch.pk}/")
    page = client.get(f"/newborns/imports/{batch.pk}/").content.decode()
    assert "将新登记" in page and "确认导入" in page and "玉井村委会（140621100200）" in page
    assert written() == (0, 0, 0)
    # when
    response = client.post(f"/newborns/imports/{batch.pk}/confirm/", follow=True)
    # then
    assert "已导入：新登记3人，已登记跳过0人。" in response.content.decode()
    assert written() == (3, 3, 3)
    assert "出生登记批量导入" in client.get("/newborns/imports/").content.decode()


def test_pages_show_certificates_already_registered_as_skipped(client, clerk):
    newborn_register(
        actor=clerk,
        birth_certificate_no="P140000003",
        name="张三",
        gender="M",
        birth_date=D(2026, 10, 2),
        mother_id_number=MOTHER_C,
        division=first_village(YUJING_TOWN),
        registration_date=D(2026, 10, 10),
    )
    batch = preview(clerk, xlsx_bytes(GOOD_ROWS))
    client.force_login(clerk)
    page = client.get(f"/newborns/imports/{batch.pk}/").content.decode()
    assert page.count("已登记，将跳过") == 2  # the count and the row


def test_pages_error_rows_as_excel(client, clerk):
    # given
    batch = preview(clerk, bad_file())
    client.force_login(clerk)
    # when
    response = client.get(f"/newborns/imports/{batch.pk}/errors.xlsx")
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == ["行号", *HEADER, "错误"]
    assert [cell.value for cell in sheet[4]] == [
        "5",
        "P140000001",
        "张一",
        "男",
        "2026-11-20",
        MOTHER_A,
        None,
        YUJING_VILLAGE,
        None,
        "出生医学证明编号：与第2行重复。",
    ]
    assert sheet.max_row == 9


def test_pages_template_has_the_columns_as_text(client, clerk):
    client.force_login(clerk)
    workbook = load_workbook(io.BytesIO(client.get("/newborns/imports/template.xlsx").content))
    sheet = workbook["出生登记导入"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert [sheet.cell(row=2, column=column).number_format for column in range(1, 9)] == [
        "@",
        "General",
        "General",
        "General",
        "@",
        "@",
        "@",
        "General",
    ]


def test_pages_another_county_s_clerk_gets_404_and_nothing_changes(client, clerk):
    # given
    batch = preview(clerk, xlsx_bytes(GOOD_ROWS))
    client.force_login(make_user("yingxian", Role.WINDOW_CLERK, "140622"))
    # when / then
    assert client.get(f"/newborns/imports/{batch.pk}/").status_code == 404
    assert client.post(f"/newborns/imports/{batch.pk}/confirm/").status_code == 404
    assert client.get(f"/newborns/imports/{batch.pk}/errors.xlsx").status_code == 404
    assert "尚未上传文件" in client.get("/newborns/imports/").content.decode()
    batch.refresh_from_db()
    assert (batch.status, written()) == ("previewed", (0, 0, 0))


def test_pages_upload_for_another_county_is_refused(client):
    # given a clerk of 应县 posting a file for 山阴县
    client.force_login(make_user("yingxian", Role.WINDOW_CLERK, "140622"))
    upload = io.BytesIO(xlsx_bytes(GOOD_ROWS))
    upload.name = "出生信息.xlsx"
    # when
    response = client.post("/newborns/imports/", {"county": SHANYIN, "file": upload})
    # then
    assert response.status_code == 400
    assert BirthImportBatch.objects.count() == 0


def test_pages_need_the_permission_to_register_births(client, city_staff, yujing_official):
    for user in (city_staff, yujing_official):
        client.force_login(user)
        assert client.get("/newborns/imports/").status_code == 403


def test_pages_a_refused_file_shows_its_error_rows_and_no_confirm_button(client, clerk):
    # given
    batch = preview(clerk, bad_file())
    client.force_login(clerk)
    # when
    page = client.get(f"/newborns/imports/{batch.pk}/").content.decode()
    # then
    assert "有错误，未导入" in page
    assert "户籍地代码：140622100（金城镇）不属于山阴县。" in page
    assert f"/newborns/imports/{batch.pk}/errors.xlsx" in page
    assert "确认导入</button>" not in page
