"""R13.0 on every path that records a date or an ID number: a payment, registration, transfer or list dated after
today, or an ID number whose birth date is after today, is refused in the one check's words on its field (a bulk or
list row: refused with that reason), and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import SHANYIN, YUJING_TOWN, make_user
from core.batches import BatchStatus
from divisions.models import Division
from enrollment.loaders.enrollment_history import enrollment_row_check
from enrollment.models import Enrollment, Resident
from enrollment.rules import id_number_compose
from newborns.models import BirthImportBatch, BirthRecord
from newborns.services import newborn_register
from newborns.services.imports import birth_import_preview
from reports.models import FiscalTransfer
from reports.services import fiscal_transfer_record
from subsidies.models import HardshipIdentity, IdentityListBatch
from subsidies.services import identity_list_preview
from tax_payments.loaders import TAX_PAYMENT_COLUMNS, tax_payment_row_check
from tests.factories import xlsx_bytes
from uninsured.models import UninsuredPerson
from uninsured.services.lists import uninsured_push_check
from uninsured.services.people import uninsured_person_create

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
TODAY = D(2026, 12, 3)
BORN_TOMORROW = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 12, 4), sequence=31)
BORN_TOMORROW_REFUSED = "身份证号中的出生日期（2026年12月4日）不能晚于今天（2026年12月3日）。"
YUJING_VILLAGE = "140621100200"  # 玉井村委会


def born_tomorrow() -> str:
    """An ID number whose birth date is the day after the real today, for the paths that read the clock."""
    return id_number_compose(address_code=SHANYIN, birth_date=timezone.localdate() + ONE_DAY, sequence=32)


def born_tomorrow_refused() -> str:
    tomorrow, today = timezone.localdate() + ONE_DAY, timezone.localdate()
    return f"身份证号中的出生日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"


# --- bulk rows, without the database ---------------------------------------------------------------------------------


def test_r13_0_enrollment_history_row_born_after_today_refused():
    # when
    values, problem = enrollment_row_check(
        [BORN_TOMORROW, "2026", "2025-11-20", "400", "有效"],
        positions={"身份证号": 0, "保险年度": 1, "缴费日期": 2, "个人缴费": 3, "状态": 4},
        subsidy_categories={},
        today=TODAY,
    )
    # then
    assert (values, problem) == (None, BORN_TOMORROW_REFUSED)


def tax_row(id_number: str, paid_on: str, deposited_on: str) -> tuple[tuple | None, str]:
    positions = {name: index for index, name in enumerate(column.name for column in TAX_PAYMENT_COLUMNS)}
    cells = ["3140262511000001", id_number, "王玉井", "2027", "400", paid_on, deposited_on]
    return tax_payment_row_check(cells, positions=positions, today=TODAY)


def test_r13_0_tax_payment_row_paid_after_today_refused():
    # given a valid ID number
    id_number = id_number_compose(address_code=SHANYIN, birth_date=D(1985, 3, 12), sequence=17)
    # when / then
    assert tax_row(id_number, "2026-12-04", "2026-12-04") == (
        None,
        "缴费日期（2026年12月4日）不能晚于今天（2026年12月3日）。入库日期（2026年12月4日）不能晚于今天（2026年12月3日）。",
    )
    assert tax_row(id_number, "2026-12-03", "2026-12-03")[1] == ""


def test_r13_0_tax_payment_row_id_number_born_after_today_refused():
    # when / then
    assert tax_row(BORN_TOMORROW, "2026-11-20", "2026-11-21") == (None, BORN_TOMORROW_REFUSED)


# --- uploaded lists ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r13_0_identity_list_dated_after_today_refused(clerk, yujing_resident):
    # given a 民政 list dated tomorrow
    today = timezone.localdate()
    tomorrow = today + ONE_DAY
    text = f"姓名,身份证号,身份类别\r\n王玉井,{yujing_resident.id_number},低保\r\n"
    # when
    with pytest.raises(ValidationError) as refusal:
        identity_list_preview(
            actor=clerk,
            county=Division.objects.get(code=SHANYIN),
            department="民政",
            list_date=tomorrow,
            file_name="名单.csv",
            content=text.encode("utf-8"),
        )
    # then
    assert refusal.value.message_dict == {
        "list_date": [f"名单日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert (IdentityListBatch.objects.count(), HardshipIdentity.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_r13_0_identity_list_row_born_after_today_refused(clerk):
    # given a 民政 list of today naming someone born tomorrow
    text = f"姓名,身份证号,身份类别\r\n未出生,{born_tomorrow()},低保\r\n"
    # when
    batch = identity_list_preview(
        actor=clerk,
        county=Division.objects.get(code=SHANYIN),
        department="民政",
        list_date=timezone.localdate(),
        file_name="名单.csv",
        content=text.encode("utf-8"),
    )
    # then
    assert batch.status == BatchStatus.REFUSED
    assert [(error["row"], error["errors"]) for error in batch.row_errors] == [
        (2, [f"身份证号：{born_tomorrow_refused()}"])
    ]
    assert HardshipIdentity.objects.count() == 0


@pytest.mark.django_db
def test_r13_0_birth_import_row_mother_born_after_today_refused(clerk):
    # given a birth list whose mother's ID number says she is born tomorrow
    header = ["出生医学证明编号", "新生儿姓名", "性别", "出生日期", "母亲身份证号", "身份证号", "户籍地代码"]
    yesterday = timezone.localdate() - ONE_DAY
    rows = [header, ["P140000001", "张一", "男", yesterday, born_tomorrow(), None, YUJING_VILLAGE]]
    # when
    batch = birth_import_preview(
        actor=clerk, county=Division.objects.get(code=SHANYIN), file_name="出生信息.xlsx", content=xlsx_bytes(rows)
    )
    # then
    assert batch.status == BatchStatus.REFUSED
    assert [(error["row"], error["errors"]) for error in batch.row_errors] == [
        (2, [f"母亲身份证号：{born_tomorrow_refused()}"])
    ]
    assert BirthImportBatch.objects.get().checked_rows == []
    assert (BirthRecord.objects.count(), Resident.objects.count(), Enrollment.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_r13_0_uninsured_push_row_born_after_today_refused():
    # given a province list naming someone born tomorrow
    province_staff = make_user("shanxi", "province_staff", "14")
    rows = [["乡镇代码", "姓名", "身份证号"], [YUJING_TOWN, "未出生", born_tomorrow()]]
    # when
    preview = uninsured_push_check(
        actor=province_staff, year=2027, file_name="未参保名单.xlsx", content=xlsx_bytes(rows)
    )
    # then
    assert preview.can_confirm is False
    assert [(error["row"], error["errors"]) for error in preview.row_errors] == [
        (2, [f"身份证号：{born_tomorrow_refused()}"])
    ]
    assert UninsuredPerson.objects.count() == 0


# --- services ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r13_0_birth_registration_mother_born_after_today_refused(clerk, yujing_resident):
    # given
    yesterday = timezone.localdate() - ONE_DAY
    # when
    with pytest.raises(ValidationError) as refusal:
        newborn_register(
            actor=clerk,
            birth_certificate_no="P140012345",
            name="刘小满",
            gender="F",
            birth_date=yesterday,
            mother_id_number=born_tomorrow(),
            division=yujing_resident.household_division,
            registration_date=yesterday,
        )
    # then
    assert refusal.value.message_dict == {"mother_id_number": [born_tomorrow_refused()]}
    assert (BirthRecord.objects.count(), Resident.objects.count(), Enrollment.objects.count()) == (0, 1, 0)


@pytest.mark.django_db
def test_r13_0_uninsured_person_born_after_today_refused(yujing_official):
    # when
    with pytest.raises(ValidationError) as refusal:
        uninsured_person_create(
            actor=yujing_official,
            township=Division.objects.get(code=YUJING_TOWN),
            year=2027,
            name="未出生",
            id_number=born_tomorrow(),
        )
    # then
    assert refusal.value.message_dict == {"id_number": [born_tomorrow_refused()]}
    assert UninsuredPerson.objects.count() == 0


@pytest.mark.django_db
def test_r13_0_fiscal_transfer_dated_after_today_refused():
    # given
    finance = make_user("shanyin_finance", "finance", SHANYIN)
    today = timezone.localdate()
    tomorrow = today + ONE_DAY
    # when
    with pytest.raises(ValidationError) as refusal:
        fiscal_transfer_record(
            actor=finance,
            county=Division.objects.get(code=SHANYIN),
            year=tomorrow.year,
            level="province",
            date=tomorrow,
            amount=Decimal("50000.00"),
            voucher_no="SX-2026-001",
        )
    # then
    assert refusal.value.message_dict == {
        "date": [f"拨付日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert FiscalTransfer.objects.count() == 0
