"""Every import against the bad-file corpus (tests/bad_files.py): wrong headers, GBK, formulas, ID numbers (and tax
voucher numbers) stored as numbers, merged cells, empty rows, and 100,000-row files with one bad row.

Each file is refused whole with a message, or reported row by row with the file's row numbers, as each import is
designed; a refused file writes nothing. The import's own record of the attempt (its preview batch or job row) is
written by design and is not counted; everything else is (`written`), a confirmed identity list batch included.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from bulk.models import BulkImportJob
from bulk.services import bulk_import_create
from conftest import make_user
from core.batches import BatchStatus
from core.excel import report_xlsx
from core.models import JobStatus
from core.tabular import FileUnreadable
from divisions.models import Division
from enrollment.models import ClaimSummary, Enrollment, ExportJob, ExportKind, Payment, Resident, ResidentStatus
from enrollment.rules import id_number_parse
from enrollment.services import resident_create, resident_roster_build
from newborns.models import BirthRecord, PreEnrollment
from newborns.resources import birth_row_errors_file_build
from newborns.services import birth_import_confirm, birth_import_preview
from subsidies.models import HardshipIdentity, IdentityListBatch
from subsidies.resources import row_errors_file_build
from subsidies.services import identity_list_confirm, identity_list_preview
from targets.models import PopulationBaseline, Target
from targets.services.baselines import baseline_errors_file, baseline_file_preview
from targets.services.split import target_split_file_preview, target_split_save
from tax_payments.exports import tax_payment_report
from tax_payments.loaders import ALREADY_IMPORTED
from tax_payments.models import TaxPaymentMatch, TaxPaymentRecord
from tax_payments.selectors import tax_payment_records
from uninsured.models import UninsuredList, UninsuredPerson
from uninsured.resources import uninsured_ledger_report
from uninsured.selectors import uninsured_ledger_counts, uninsured_ledger_rows
from uninsured.services.imports import (
    uninsured_ledger_import_check,
    uninsured_ledger_import_confirm,
    uninsured_ledger_import_stage,
)
from uninsured.services.lists import uninsured_push_check, uninsured_push_confirm, uninsured_push_stage

from . import bad_files
from .bad_files import LAYOUTS, PEOPLE, Layout

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 26)
DOMAIN_MODELS = (
    Resident,
    Enrollment,
    Payment,
    ClaimSummary,
    HardshipIdentity,
    BirthRecord,
    PreEnrollment,
    UninsuredList,
    UninsuredPerson,
    Target,
    PopulationBaseline,
    TaxPaymentRecord,
)


def written() -> dict[str, int]:
    """The rows of every table an import may write, history included. An identity list batch counts once confirmed:
    a previewed or refused one is the preview's record of the attempt; the bulk path records one only on loading."""
    counts = {model._meta.label: model.objects.count() for model in DOMAIN_MODELS}
    for model in DOMAIN_MODELS:
        history = getattr(model, "history", None)
        if history is not None:
            counts[f"{model._meta.label} history"] = history.model.objects.count()
    counts["confirmed identity list batches"] = IdentityListBatch.objects.filter(status=BatchStatus.CONFIRMED).count()
    return counts


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def province_staff(db):
    return make_user("shanxi", Role.PROVINCE_STAFF, "14")


@pytest.fixture
def registry(clerk):
    """The people of the corpus, registered in 山阴县."""
    for person in PEOPLE:
        resident_create(
            actor=clerk,
            id_number=person.id_number,
            name=person.name,
            household_division=Division.objects.get(code=person.village),
        )


@pytest.fixture
def ledger(province_staff, yujing_official):
    """The 2026 ledger of 玉井镇 with its people of the corpus, on a list the township has signed."""
    township = Division.objects.get(code=bad_files.YUJING_TOWN)
    uninsured_list = UninsuredList.objects.create(
        township=township,
        year=2026,
        title="2026年度未参保人员名单（玉井镇）",
        deadline=TODAY + datetime.timedelta(days=30),
        pushed_by=province_staff,
        signed_by=yujing_official,
        signed_at=timezone.now(),
    )
    for person in PEOPLE:
        if person.township == bad_files.YUJING_TOWN:
            UninsuredPerson.objects.create(
                uninsured_list=uninsured_list,
                township=township,
                village_id=person.village,
                year=2026,
                name=person.name,
                id_number=person.id_number,
            )
    return township


# --- One outcome for every import ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What an import's check says of a file: refused whole (file_error), the bad rows (row number, reasons), and
    the row numbers of the good rows."""

    file_error: str = ""
    row_errors: list[tuple[int, str]] = field(default_factory=list)
    good_rows: list[int] = field(default_factory=list)
    values: list[tuple] = field(default_factory=list)  # the good rows as the import read them
    record: Any = None  # the batch, preview or job, for what the test needs next


def check_identity_list(users, file_name: str, content: bytes) -> Outcome:
    batch = identity_list_preview(
        actor=users["clerk"],
        county=Division.objects.get(code=bad_files.SHANYIN),
        department="民政",
        list_date=D(2025, 10, 1),
        file_name=file_name,
        content=content,
    )
    return Outcome(
        file_error=batch.file_error,
        row_errors=[(error["row"], "".join(error["errors"])) for error in batch.row_errors],
        good_rows=sorted(row["row"] for row in [*batch.checked_rows, *batch.unmatched_rows]),
        values=[(row["name"], row["id_number"], row["category"]) for row in batch.checked_rows],
        record=batch,
    )


def check_birth(users, file_name: str, content: bytes) -> Outcome:
    batch = birth_import_preview(
        actor=users["clerk"], county=Division.objects.get(code=bad_files.SHANYIN), file_name=file_name, content=content
    )
    return Outcome(
        file_error=batch.file_error,
        row_errors=[(error["row"], "".join(error["errors"])) for error in batch.row_errors],
        good_rows=[row["row"] for row in batch.checked_rows],
        values=[
            (row["name"], row["gender"], row["mother_id_number"], row["division_name"]) for row in batch.checked_rows
        ],
        record=batch,
    )


def check_uninsured_push(users, file_name: str, content: bytes) -> Outcome:
    preview = uninsured_push_check(actor=users["province_staff"], year=2027, file_name=file_name, content=content)
    return Outcome(
        file_error=preview.file_error,
        row_errors=[(error["row"], "".join(error["errors"])) for error in preview.row_errors],
        good_rows=[row.row for row in preview.rows],
        values=[(row.name, row.id_number, row.township_code, row.village_code) for row in preview.rows],
        record=preview,
    )


def check_uninsured_ledger(users, file_name: str, content: bytes) -> Outcome:
    preview = uninsured_ledger_import_check(
        township=Division.objects.get(code=bad_files.YUJING_TOWN),
        year=2026,
        file_name=file_name,
        content=content,
        today=TODAY,
    )
    return Outcome(
        file_error=preview.file_error,
        row_errors=[(error["row"], "".join(error["errors"])) for error in preview.row_errors],
        good_rows=[row.row for row in preview.rows],
        values=[(row.name, sorted(row.changes.items())) for row in preview.rows],
        record=preview,
    )


def check_target_split(users, file_name: str, content: bytes) -> Outcome:
    try:
        preview = target_split_file_preview(
            city=Division.objects.get(code="1406"), year=2026, file_name=file_name, content=content
        )
    except FileUnreadable as error:
        return Outcome(file_error=str(error))
    return Outcome(
        file_error="".join(preview.problems),
        row_errors=[(row.row, "".join(row.errors)) for row in preview.rows if row.errors],
        good_rows=[row.row for row in preview.rows if not row.errors],
        values=[(row.code, row.name, row.value) for row in preview.rows if not row.errors],
        record=preview,
    )


def check_baseline(users, file_name: str, content: bytes) -> Outcome:
    try:
        preview = baseline_file_preview(user=users["province_staff"], file_name=file_name, content=content)
    except FileUnreadable as error:
        return Outcome(file_error=str(error))
    return Outcome(
        row_errors=[(row.row, "".join(row.errors)) for row in preview.bad_rows],
        good_rows=[row.row for row in preview.good_rows],
        values=[(row.division_name, *row.fields().values()) for row in preview.good_rows],
        record=preview,
    )


LIST_DATE = D(2025, 10, 1)  # the date of the identity lists, as the clerk gives it with the file


def _bulk(kind: str, **job_fields: Any) -> Callable[..., Outcome]:
    def check(users, file_name: str, content: bytes) -> Outcome:
        with users["on_commit"](execute=True):
            job = bulk_import_create(
                actor=users["clerk"],
                kind=kind,
                county=Division.objects.get(code=bad_files.SHANYIN),
                uploaded_file=SimpleUploadedFile(file_name, content),
                confirm=True,
                **job_fields,
            )
        job.refresh_from_db()
        return bulk_outcome(job)

    return check


def bulk_report(job: BulkImportJob) -> list[list[Any]]:
    if not job.error_file:
        return []
    with job.error_file.open("rb") as stored:
        sheet = load_workbook(io.BytesIO(stored.read())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def bulk_outcome(job: BulkImportJob) -> Outcome:
    report = bulk_report(job)
    errors = [(row[0], row[-1]) for row in report[1:] if row[-2] == "错误"]
    loaded = job.status == JobStatus.SUCCEEDED
    values = {
        "resident_registry": lambda: Resident.objects.values_list(
            "id_number", "name", "household_division_id", "phone"
        ),
        "enrollment_history": lambda: Enrollment.objects.values_list(
            "resident__id_number", "insurance_year", "subsidy_category", "status"
        ),
        "tax_payments": lambda: TaxPaymentRecord.objects.values_list(
            "voucher_number", "id_number", "name", "insurance_year", "amount", "paid_on", "deposited_on", "match_status"
        ),
        "identity_list": lambda: HardshipIdentity.objects.values_list(
            "resident__id_number", "category", "department", "valid_from", "valid_to", "batch__list_date"
        ),
    }[job.kind]()
    return Outcome(
        file_error=job.error_message,
        row_errors=errors,
        good_rows=[job.rows_valid] if loaded else [],  # the bulk path reports bad rows only: good ones are counted
        values=sorted(values) if loaded else [],
        record=job,
    )


CHECKS: dict[str, Callable[..., Outcome]] = {
    "identity_list": check_identity_list,
    "birth": check_birth,
    "uninsured_push": check_uninsured_push,
    "uninsured_ledger": check_uninsured_ledger,
    "target_split": check_target_split,
    "baseline": check_baseline,
    "registry": _bulk("resident_registry"),
    "enrollment_history": _bulk("enrollment_history"),
    "tax_payments": _bulk("tax_payments"),
    "bulk_identity_list": _bulk("identity_list", department="民政", list_date=LIST_DATE),
}
BULK = ("registry", "enrollment_history", "tax_payments", "bulk_identity_list")  # the layouts of the bulk path


# What each import needs in the database for the corpus's good rows to be good. The tax payments need nobody: the
# people the registry does not know are recorded with their match status.
NEEDS = {
    "identity_list": ("registry",),
    "enrollment_history": ("registry",),
    "uninsured_ledger": ("ledger",),
    "bulk_identity_list": ("registry",),
}


@pytest.fixture
def users(request, clerk, province_staff, django_capture_on_commit_callbacks):
    return {
        "request": request,
        "clerk": clerk,
        "province_staff": province_staff,
        "on_commit": django_capture_on_commit_callbacks,
    }


def prepare(users, layout: Layout) -> None:
    for fixture in NEEDS.get(layout.name, ()):
        users["request"].getfixturevalue(fixture)


def run(users, layout: Layout, content: bytes, extension: str = "xlsx") -> Outcome:
    return CHECKS[layout.name](users, f"{layout.file_stem}.{extension}", content)


def layouts(*names: str) -> list:
    return [pytest.param(LAYOUTS[name], id=name) for name in (names or LAYOUTS)]


def push_confirm(users, *, file_name: str, content: bytes) -> None:
    """The province's list previewed, then confirmed, as the pages do."""
    batch = uninsured_push_stage(
        actor=users["province_staff"],
        year=2027,
        deadline=TODAY + datetime.timedelta(days=30),
        file_name=file_name,
        content=content,
    )
    uninsured_push_confirm(actor=users["province_staff"], batch=batch, today=TODAY)


def ledger_import_confirm(users, *, file_name: str, content: bytes) -> None:
    """玉井镇's ledger previewed, then confirmed, as the pages do."""
    batch = uninsured_ledger_import_stage(
        actor=users["province_staff"],
        township=Division.objects.get(code=bad_files.YUJING_TOWN),
        year=2026,
        file_name=file_name,
        content=content,
        today=TODAY,
    )
    uninsured_ledger_import_confirm(actor=users["province_staff"], batch=batch, today=TODAY)


def confirm_refused(users, layout: Layout, outcome: Outcome, content: bytes, extension: str = "xlsx") -> list[str]:
    """Try to confirm a file its check refused, as the pages would if asked: the import's refusal messages."""
    file_name = f"{layout.file_stem}.{extension}"
    attempts = {
        "identity_list": lambda: identity_list_confirm(actor=users["clerk"], batch=outcome.record),
        "birth": lambda: birth_import_confirm(actor=users["clerk"], batch=outcome.record),
        "uninsured_push": lambda: push_confirm(users, file_name=file_name, content=content),
        "uninsured_ledger": lambda: ledger_import_confirm(users, file_name=file_name, content=content),
        "target_split": lambda: target_split_save(
            actor=users["clerk"],
            city=Division.objects.get(code="1406"),
            year=2026,
            values=getattr(outcome.record, "values", {}),
        ),
    }
    if layout.name in BULK:
        # The worker loads nothing of a refused file: the job counts each reported bad row, and records no identity
        # list batch.
        job = outcome.record
        assert (
            job.status,
            job.error_count,
            job.rows_created,
            job.rows_updated,
            IdentityListBatch.objects.filter(bulk_import_job=job).first(),
        ) == (JobStatus.REFUSED, len(outcome.row_errors), 0, 0, None)
        return []
    if layout.name == "baseline":
        # Baselines are designed to import the good rows of a file and list the bad ones (targets/tests/
        # test_baselines.py): a confirmation takes only the good rows, never a bad one.
        assert not {row for row, _ in outcome.row_errors} & set(outcome.good_rows)
        return []
    with pytest.raises(ValidationError) as refusal:
        attempts[layout.name]()
    return refusal.value.messages


# --- Wrong headers: refused whole ---------------------------------------------------------------------------------

WRONG_HEADER_MESSAGES = {
    "identity_list": "没有找到表头：前5行中应有「身份证号」一列。",
    "birth": "没有找到表头：前5行中应有「出生医学证明编号」一列。",
    "uninsured_push": "没有找到表头：前5行中应有「身份证号」一列。",
    "uninsured_ledger": "没有找到表头：前1000行中应有一行包含以下各列：公民身份号码、姓名。",
    "target_split": "没有找到表头：前5行中应有「区县代码」一列。",
    "baseline": "没有找到表头：前5行中应有「区划代码」一列。",
    "registry": "没有找到表头：前5行中应有一行包含以下各列：身份证号、姓名、户籍地代码。",
    "enrollment_history": "没有找到表头：前5行中应有一行包含以下各列：身份证号、保险年度、缴费日期、个人缴费。",
    "tax_payments": "没有找到表头：前5行中应有一行包含以下各列："
    "电子税票号码、身份证号、姓名、费款所属年度、实缴金额、缴费日期、入库日期。",
    "bulk_identity_list": "没有找到表头：前5行中应有一行包含以下各列：身份证号、姓名、身份类别。",
}


@pytest.mark.parametrize("layout", layouts())
def test_a_file_with_wrong_headers_is_refused_whole_and_writes_nothing(users, layout):
    # given
    prepare(users, layout)
    content = bad_files.wrong_header(layout)
    before = written()
    # when
    outcome = run(users, layout, content)
    # then
    assert (outcome.file_error, outcome.row_errors, outcome.good_rows) == (WRONG_HEADER_MESSAGES[layout.name], [], [])
    confirm_refused(users, layout, outcome, content)
    assert written() == before


# --- GBK: read, not refused for its encoding ----------------------------------------------------------------------


@pytest.mark.parametrize("layout", layouts())
def test_a_gbk_csv_is_read_like_the_same_rows_in_xlsx(users, layout):
    # given
    prepare(users, layout)
    # when
    from_csv = run(users, layout, bad_files.gbk_csv(layout), "csv")
    # then
    assert (from_csv.file_error, from_csv.row_errors) == ("", [])
    if layout.name in BULK:
        assert from_csv.values == BULK_LOADED[layout.name]()
    else:
        from_xlsx = run(users, layout, bad_files.good(layout))
        assert (
            from_csv.good_rows
            == from_xlsx.good_rows
            == list(range(layout.first_data_line, layout.first_data_line + len(layout.rows)))
        )
        assert from_csv.values == from_xlsx.values


CATEGORY_CODES = {None: "", "低保对象": "dibao"}
STATUS_CODES = {None: "active", "有效": "active", "已退费": "refunded"}
HARDSHIP_CODES = {"低保": "dibao", "特困人员": "tekun"}


def day(text: str | None) -> datetime.date | None:
    return D.fromisoformat(text) if text else None


BULK_LOADED = {
    "registry": lambda: sorted((person.id_number, person.name, person.village, person.phone) for person in PEOPLE),
    "enrollment_history": lambda: sorted(
        (row[0], int(row[1]), CATEGORY_CODES[row[5]], STATUS_CODES[row[8]])
        for row in LAYOUTS["enrollment_history"].rows
    ),
    # Nobody of the file is in the registry: every payment is recorded, none matched.
    "tax_payments": lambda: sorted(
        (
            voucher,
            id_number,
            name,
            int(year),
            Decimal(amount),
            day(paid),
            day(deposited),
            TaxPaymentMatch.NOT_REGISTERED,
        )
        for voucher, id_number, name, year, amount, paid, deposited in LAYOUTS["tax_payments"].rows
    ),
    # A row without a start is valid from the list's date.
    "bulk_identity_list": lambda: sorted(
        (id_number, HARDSHIP_CODES[category], "民政", day(valid_from) or LIST_DATE, day(valid_to), LIST_DATE)
        for id_number, _, category, _, valid_from, valid_to in LAYOUTS["bulk_identity_list"].rows
    ),
}


# --- Formulas: text stays text, a formula is read as the value Excel shows, never run on export -----------------

FORMULA_AS_TEXT = {
    "identity_list": [(2, "姓名：与档案不符（档案为王秀英）。")],
    "birth": [],
    "uninsured_push": [],
    "uninsured_ledger": [],
    "target_split": [(3, "目标人数「=SUM(C3:C4)」不是数字。")],
    "baseline": [],
    "registry": [],
    "enrollment_history": [(3, f"资助类别「{bad_files.HYPERLINK}」不是已知的资助类别。")],
    "tax_payments": [],  # the payer's name is the tax bureau's, not compared with the registry's
    "bulk_identity_list": [(2, "姓名：与档案不符（档案为王秀英）。")],
}


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
@pytest.mark.parametrize("layout", layouts())
def test_a_formula_typed_as_text_is_read_as_that_text(users, layout, extension):
    # given
    prepare(users, layout)
    content = bad_files.formula_as_text(layout) if extension == "xlsx" else bad_files.formula_in_csv(layout)
    before = written()
    # when
    outcome = run(users, layout, content, extension)
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", FORMULA_AS_TEXT[layout.name])
    if outcome.row_errors:
        confirm_refused(users, layout, outcome, content, extension)
        assert written() == before
    elif layout.name not in BULK:
        assert any(layout.formula_text in str(value) for value in outcome.values), outcome.values
        assert written() == before  # a preview writes nothing
    else:
        assert any(layout.formula_text in value for value in outcome.values), outcome.values


FORMULA_WITHOUT_VALUE = {
    "identity_list": [(2, "姓名：姓名为空。")],
    "birth": [(2, "新生儿姓名：为空。")],
    "uninsured_push": [(2, "姓名：姓名为空。")],
    "uninsured_ledger": [],  # 动员情况 may be empty
    "target_split": [(3, "目标人数为空。")],
    "baseline": [(2, "数据来源为空。")],
    "registry": [(2, "姓名为空。")],
    "enrollment_history": [],  # 资助类别 may be empty
    "tax_payments": [(2, "姓名为空。")],
    "bulk_identity_list": [(2, "姓名：姓名为空。")],
}


@pytest.mark.parametrize("layout", layouts())
def test_a_formula_saved_without_its_value_reads_as_an_empty_cell(users, layout):
    # given a formula as openpyxl (or a script) saves it: no value cached next to it
    prepare(users, layout)
    content = bad_files.formula_cell(layout, cached=False)
    before = written()
    # when
    outcome = run(users, layout, content)
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", FORMULA_WITHOUT_VALUE[layout.name])
    if outcome.row_errors:
        confirm_refused(users, layout, outcome, content)
        assert written() == before


@pytest.mark.parametrize("layout", layouts())
def test_a_formula_saved_with_its_value_reads_as_that_value(users, layout):
    # given a formula as Excel saves it, its value cached next to it
    prepare(users, layout)
    # when
    outcome = run(users, layout, bad_files.formula_cell(layout, cached=True))
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", [])
    if layout.name in BULK:
        assert outcome.values == BULK_LOADED[layout.name]()
    else:
        assert outcome.values == run(users, layout, bad_files.good(layout)).values


def roster_cells(clerk) -> list:
    """The cells of the resident roster (reports.services.resident_roster_build) as the clerk exports it."""
    job = ExportJob.objects.create(kind=ExportKind.RESIDENT_ROSTER, requested_by=clerk)
    sheet = load_workbook(io.BytesIO(resident_roster_build(job))).active
    return [cell for row in sheet.iter_rows() for cell in row]


def the_cell(cells: list, value: str):
    found = [cell for cell in cells if cell.value == value or (isinstance(cell.value, str) and value in cell.value)]
    assert found, f"{value!r} not in the file"
    return found[0]


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_a_registry_name_typed_as_a_formula_is_stored_as_text_and_exported_as_text(users, extension):
    # given
    layout = LAYOUTS["registry"]
    content = bad_files.formula_as_text(layout) if extension == "xlsx" else bad_files.formula_in_csv(layout)
    # when
    run(users, layout, content, extension)
    cell = the_cell(roster_cells(users["clerk"]), bad_files.HYPERLINK)
    # then
    assert Resident.objects.get(id_number=PEOPLE[0].id_number).name == bad_files.HYPERLINK
    assert (cell.value, cell.data_type, cell.number_format) == (bad_files.HYPERLINK, "s", "@")


def test_a_newborn_name_typed_as_a_formula_is_registered_as_text_and_exported_as_text(users):
    # given
    layout = LAYOUTS["birth"]
    outcome = run(users, layout, bad_files.formula_as_text(layout))
    # when
    birth_import_confirm(actor=users["clerk"], batch=outcome.record)
    cell = the_cell(roster_cells(users["clerk"]), bad_files.HYPERLINK)
    # then
    assert BirthRecord.objects.get(birth_certificate_no="P140000001").name == bad_files.HYPERLINK
    assert (cell.value, cell.data_type) == (bad_files.HYPERLINK, "s")


def ledger_cells(user, year: int) -> list:
    """The cells of 玉井镇's ledger as exported (uninsured.resources.uninsured_ledger_report)."""
    township = Division.objects.get(code=bad_files.YUJING_TOWN)
    rows = uninsured_ledger_rows(user=user, township=township, year=year)
    counts = uninsured_ledger_counts(township=township, year=year)
    report = uninsured_ledger_report(title="台账", unit="玉井镇", as_of=TODAY, year=year, counts=counts, rows=rows)
    content = report_xlsx(report)
    return [cell for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]


def test_a_pushed_name_typed_as_a_formula_is_on_the_ledger_as_text_and_exported_as_text(users):
    # given
    layout = LAYOUTS["uninsured_push"]
    content = bad_files.formula_as_text(layout)
    # when
    push_confirm(users, file_name="名单.xlsx", content=content)
    cell = the_cell(ledger_cells(users["province_staff"], 2027), bad_files.HYPERLINK)
    # then
    assert UninsuredPerson.objects.get(id_number=PEOPLE[0].id_number).name == bad_files.HYPERLINK
    assert (cell.value, cell.data_type) == (bad_files.HYPERLINK, "s")


def test_an_outreach_note_typed_as_a_formula_is_stored_as_text_and_exported_as_text(users):
    # given
    users["request"].getfixturevalue("ledger")
    content = bad_files.formula_as_text(LAYOUTS["uninsured_ledger"])
    # when
    ledger_import_confirm(users, file_name="台账.xlsx", content=content)
    cell = the_cell(ledger_cells(users["province_staff"], 2026), bad_files.HYPERLINK)
    # then
    assert UninsuredPerson.objects.get(id_number=PEOPLE[0].id_number).outreach_note == bad_files.HYPERLINK
    assert (cell.value, cell.data_type) == (bad_files.HYPERLINK, "s")


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_a_payer_name_typed_as_a_formula_is_recorded_as_text_and_exported_as_text(users, extension):
    # given
    layout = LAYOUTS["tax_payments"]
    content = bad_files.formula_as_text(layout) if extension == "xlsx" else bad_files.formula_in_csv(layout)
    # when
    run(users, layout, content, extension)
    records = tax_payment_records(county=Division.objects.get(code=bad_files.SHANYIN), year=2026)
    exported = report_xlsx(
        tax_payment_report(user=users["clerk"], records=records, title="对账明细", unit="山阴县", today=TODAY)
    )
    cell = the_cell(
        [cell for row in load_workbook(io.BytesIO(exported)).active.iter_rows() for cell in row], "HYPERLINK("
    )
    # then
    assert TaxPaymentRecord.objects.get(voucher_number=bad_files.voucher_number(1)).name == bad_files.HYPERLINK
    assert (cell.value, cell.data_type, cell.number_format) == (bad_files.HYPERLINK, "s", "@")


def error_file_cells(layout: Layout, outcome: Outcome) -> list:
    """The error file of a refused file, as the clerk downloads it to fix the rows."""
    builders = {
        "identity_list": lambda: row_errors_file_build(row_errors=outcome.record.row_errors),
        "birth": lambda: birth_row_errors_file_build(row_errors=outcome.record.row_errors),
        "baseline": lambda: baseline_errors_file(
            preview_rows=[
                {"row": row.row, "values": row.values, "errors": row.errors} for row in outcome.record.bad_rows
            ]
        ),
    }
    if layout.name in builders:
        content = builders[layout.name]()
    else:
        with outcome.record.error_file.open("rb") as stored:
            content = stored.read()
    return [cell for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]


# A row refused for another reason whose formula column holds a formula typed as text: the error file gives the row
# back, and must not turn the text into a formula.
SPOILED = {
    "identity_list": ("身份证号", bad_files.wrong_check_digit(PEOPLE[0].id_number)),
    "birth": ("母亲身份证号", "12345"),
    "baseline": ("户籍人口", -5),
    "registry": ("身份证号", bad_files.wrong_check_digit(PEOPLE[0].id_number)),
    "enrollment_history": ("身份证号", bad_files.wrong_check_digit(PEOPLE[0].id_number)),
    "tax_payments": ("身份证号", bad_files.wrong_check_digit(PEOPLE[0].id_number)),
    "bulk_identity_list": ("身份证号", bad_files.wrong_check_digit(PEOPLE[0].id_number)),
}


@pytest.mark.parametrize("layout", layouts(*SPOILED))
def test_the_error_file_of_a_refused_row_does_not_turn_a_formula_typed_as_text_into_a_formula(users, layout):
    # given
    prepare(users, layout)
    rows = layout.with_cell(0, layout.formula_column, bad_files.HYPERLINK)
    rows[0][layout.column(SPOILED[layout.name][0])] = SPOILED[layout.name][1]
    outcome = run(users, layout, bad_files.csv_bytes(layout.lines(rows)), "csv")
    assert [row for row, _ in outcome.row_errors] == [layout.first_data_line]
    # when
    cell = the_cell(error_file_cells(layout, outcome), "HYPERLINK(")
    # then
    assert cell.data_type != "f", f"{layout.name}: {cell.coordinate} is the formula {cell.value!r}"


# --- An 18-digit ID number that Excel stored as a number ----------------------------------------------------------


def excel_number_text(layout: Layout, row: int = 1) -> str:
    id_column = cast(str, layout.id_column)  # asked only of layouts with an ID number column
    return f"{bad_files.excel_number(str(layout.rows[row][layout.column(id_column)])):.0f}"


def id_as_number_errors(layout: Layout) -> list[tuple[int, str]]:
    line = layout.first_data_line + 1
    rewritten = "超过15位的数字已被改写，请将该列设为文本后重新录入。"
    explained = f"身份证号被Excel存成了数字（{excel_number_text(layout)}），{rewritten}"
    return {
        "identity_list": [(line, f"身份证号：{explained}")],
        "birth": [(line, f"母亲身份证号：{explained}")],
        "uninsured_push": [(line, f"身份证号：{explained}")],
        "uninsured_ledger": [(line, f"公民身份号码：{explained}")],
        "registry": [(line, f"身份证号被Excel存成了数字，{rewritten}")],
        "enrollment_history": [(line, f"身份证号被Excel存成了数字，{rewritten}")],
        "tax_payments": [(line, f"身份证号被Excel存成了数字，{rewritten}")],
        "bulk_identity_list": [(line, f"身份证号：{explained}")],
    }[layout.name]


@pytest.mark.parametrize("layout", layouts(*(name for name, layout in LAYOUTS.items() if layout.id_column)))
def test_an_id_number_excel_stored_as_a_number_is_reported_on_its_row_and_the_file_writes_nothing(users, layout):
    # given
    prepare(users, layout)
    content = bad_files.id_as_number(layout)
    before = written()
    # when
    outcome = run(users, layout, content)
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", id_as_number_errors(layout))
    assert confirm_refused(users, layout, outcome, content) == CONFIRM_REFUSALS[layout.name]
    assert written() == before


CONFIRM_REFUSALS = {
    "identity_list": ["该名单有错误，不能导入。请按错误行修改后重新上传。"],
    "birth": ["该文件有错误，不能导入。请按错误行修改后重新上传。"],
    "uninsured_push": ["名单中有1行错误，未下发任何人员。请按错误行修改后重新上传。"],
    "uninsured_ledger": ["文件中有1行错误，台账未作任何修改。请按错误行修改后重新上传。"],
    "registry": [],
    "enrollment_history": [],
    "tax_payments": [],
    "bulk_identity_list": [],
}


def test_a_tax_voucher_number_excel_stored_as_a_number_is_reported_on_its_row_and_the_file_writes_nothing(users):
    # given the second payment's 18-digit voucher number typed into a number cell
    layout = LAYOUTS["tax_payments"]
    content = bad_files.id_as_number(layout, column=layout.voucher_column)
    before = written()
    # when
    outcome = run(users, layout, content)
    # then
    message = "电子税票号码被Excel存成了数字，超过15位的数字已被改写，请将该列设为文本后重新录入。"
    assert (outcome.file_error, outcome.row_errors) == ("", [(3, message)])
    assert bulk_report(outcome.record)[1:] == [
        [3, f"{bad_files.excel_number(bad_files.voucher_number(2)):.0f}", *layout.rows[1][1:], "错误", message]
    ]
    assert confirm_refused(users, layout, outcome, content) == []
    assert written() == before


@pytest.mark.parametrize("layout", layouts("target_split", "baseline"))
def test_a_division_code_excel_stored_as_a_number_is_read_as_the_code(users, layout):
    # given the code column typed as numbers (a 4- or 6-digit code loses nothing)
    rows = [[float(row[0]), *row[1:]] for row in layout.rows]
    # when
    outcome = run(users, layout, bad_files.xlsx(layout.lines(rows)))
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", [])
    assert outcome.values == run(users, layout, bad_files.good(layout)).values


# --- Merged cells: only the first cell of a merge keeps its value --------------------------------------------------

MERGED_CATEGORY = [
    (
        3,
        "身份类别：「」不是民政认定的类别，可填：tekun、特困人员、五保户、孤儿、事实无人抚养儿童、城市三无人员、"
        "dibao、低保对象、低保户、低保。",
    )
]
MERGED = {
    "identity_list": MERGED_CATEGORY,
    "birth": [(3, "户籍地代码：为空。")],
    "uninsured_push": [(3, "乡镇：须填写乡镇代码或乡镇名称。")],
    "uninsured_ledger": [(4, "核实状态：不能为空。")],
    "target_split": [(4, "目标人数为空。")],
    "baseline": [(3, "年度为空。")],
    "registry": [(3, "户籍地代码为空。")],
    "enrollment_history": [(3, "保险年度「」应为2000至2100之间的年份。")],
    "tax_payments": [(3, "费款所属年度「」应为2000至2100之间的年份。")],
    "bulk_identity_list": MERGED_CATEGORY,
}


@pytest.mark.parametrize("layout", layouts())
def test_a_column_merged_over_two_rows_reports_the_second_row_and_the_file_writes_nothing(users, layout):
    # given
    prepare(users, layout)
    content = bad_files.merged(layout)
    before = written()
    # when
    outcome = run(users, layout, content)
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", MERGED[layout.name])
    confirm_refused(users, layout, outcome, content)
    assert written() == before


# --- Empty rows in the middle: skipped, the other rows keep the file's row numbers ------------------------------

WRONG_CHECK = "身份证号校验位不正确，请核对后重新输入。"
SPOILED_AFTER_BLANKS = {
    "identity_list": ("身份证号", bad_files.wrong_check_digit(PEOPLE[2].id_number), f"身份证号：{WRONG_CHECK}"),
    "birth": (
        "母亲身份证号",
        bad_files.wrong_check_digit(bad_files.MOTHERS[2].id_number),
        f"母亲身份证号：{WRONG_CHECK}",
    ),
    "uninsured_push": ("身份证号", bad_files.wrong_check_digit(PEOPLE[2].id_number), f"身份证号：{WRONG_CHECK}"),
    "uninsured_ledger": (
        "公民身份号码",
        bad_files.wrong_check_digit(PEOPLE[2].id_number),
        f"公民身份号码：{WRONG_CHECK}",
    ),
    "target_split": ("目标人数", -1, "目标人数「-1」不能为负数。"),
    "baseline": ("户籍人口", -5, "户籍人口「-5」不能为负数。"),
    "registry": ("身份证号", bad_files.wrong_check_digit(PEOPLE[2].id_number), WRONG_CHECK),
    "enrollment_history": ("身份证号", bad_files.wrong_check_digit(PEOPLE[2].id_number), WRONG_CHECK),
    "tax_payments": ("身份证号", bad_files.wrong_check_digit(PEOPLE[2].id_number), WRONG_CHECK),
    "bulk_identity_list": ("身份证号", bad_files.wrong_check_digit(PEOPLE[2].id_number), f"身份证号：{WRONG_CHECK}"),
}


@pytest.mark.parametrize("layout", layouts())
def test_empty_rows_in_the_middle_are_skipped_and_rows_keep_the_file_s_numbers(users, layout):
    # given blank rows after the first and the second data rows
    prepare(users, layout)
    first = layout.first_data_line
    lines = [first, first + 2, *range(first + 5, first + 5 + len(layout.rows) - 2)]
    # when
    outcome = run(users, layout, bad_files.empty_rows(layout))
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", [])
    if layout.name in BULK:
        assert (outcome.good_rows, outcome.record.rows_total) == ([len(layout.rows)], len(layout.rows))
    else:
        assert outcome.good_rows == lines


@pytest.mark.parametrize("layout", layouts())
def test_a_bad_row_after_empty_rows_is_reported_with_its_row_number_in_the_file(users, layout):
    # given the third data row, on line first + 5 of the file, spoiled
    prepare(users, layout)
    column, value, message = SPOILED_AFTER_BLANKS[layout.name]
    content = bad_files.empty_rows(layout, bad=(2, column, value))
    before = written()
    # when
    outcome = run(users, layout, content)
    # then
    assert (outcome.file_error, outcome.row_errors) == ("", [(layout.first_data_line + 5, message)])
    confirm_refused(users, layout, outcome, content)
    assert written() == before


# --- A tax file that repeats a voucher, or that was imported before ------------------------------------------------


def test_a_tax_file_repeating_a_voucher_is_refused_with_both_rows_and_writes_nothing(users):
    # given the file with its first payment pasted again at the end, as when two exports are put together
    layout = LAYOUTS["tax_payments"]
    content = bad_files.xlsx(layout.lines([*layout.rows, layout.rows[0]]))
    before = written()
    # when
    outcome = run(users, layout, content)
    # then
    assert (outcome.file_error, outcome.row_errors) == (
        "",
        [(2, "电子税票号码在文件中重复出现（另见第6行）。"), (6, "电子税票号码与第2行重复。")],
    )
    assert confirm_refused(users, layout, outcome, content) == []
    assert written() == before


@pytest.mark.parametrize("layout", layouts("tax_payments", "bulk_identity_list"))
def test_a_file_imported_again_writes_nothing_more(users, layout):
    # given the file imported once
    prepare(users, layout)
    first = run(users, layout, bad_files.good(layout))
    before = written()
    # when the same file is uploaded again
    again = run(users, layout, bad_files.good(layout))
    # then the tax payments are skipped as already recorded, and the identities the list repeats are unchanged
    job = again.record
    assert (first.record.status, first.record.rows_created, first.values) == (
        JobStatus.SUCCEEDED,
        len(layout.rows),
        BULK_LOADED[layout.name](),
    )
    assert (job.status, job.rows_valid, job.error_count, job.rows_created, job.rows_updated) == (
        JobStatus.SUCCEEDED,
        0 if layout.name == "tax_payments" else len(layout.rows),
        0,
        0,
        0,
    )
    assert again.values == first.values
    if layout.name == "tax_payments":
        assert (job.rows_skipped, IdentityListBatch.objects.filter(bulk_import_job=job).first()) == (
            len(layout.rows),
            None,
        )
        assert bulk_report(job)[1:] == [
            [line, *row[:4], f"{Decimal(row[4]):.2f}", *row[5:], "已跳过", ALREADY_IMPORTED]
            for line, row in enumerate(layout.rows, start=2)
        ]
        assert written() == before
    else:
        # the list is recorded again as the department's list of its date, having created, updated and ended nothing
        batch = job.identity_list_batch
        assert (job.rows_skipped, job.rows_unchanged, job.error_file.name) == (0, len(layout.rows), "")
        assert (batch.created_count, batch.updated_count, batch.ended_count) == (0, 0, 0)
        assert written() == {**before, "confirmed identity list batches": before["confirmed identity list batches"] + 1}


# --- 100,000-row files with one bad row near the end ---------------------------------------------------------------


def test_a_100000_row_registry_with_one_bad_row_near_the_end_is_refused_with_that_row_and_writes_nothing(
    users, tmp_path
):
    # given the registry of 100,000 people of 山阴县 whose line 99,991 has a wrong check digit
    villages = sorted(
        Division.objects.filter(code__startswith="140621", level="village").values_list("code", flat=True)
    )
    path = bad_files.registry_csv_write(tmp_path / "户籍人口.csv", count=100_000, villages=villages, bad_line=99_991)
    rows = bad_files.registry_csv_rows(count=100_000, villages=villages, bad_line=99_991)
    bad = next(row for line, row in enumerate(rows, start=1) if line == 99_991)
    before = written()
    # when
    outcome = run(users, LAYOUTS["registry"], path.read_bytes(), "csv")
    # then
    job = outcome.record
    assert (job.status, job.rows_total, job.rows_valid, job.error_count, job.rows_created) == (
        JobStatus.REFUSED,
        100_000,
        99_999,
        1,
        0,
    )
    assert bulk_report(job) == [
        ["行号", "身份证号", "姓名", "户籍地代码", "联系电话", "居住地代码", "类型", "原因"],
        [99_991, bad[0], bad[1], bad[2], None, None, "错误", "身份证号校验位不正确，请核对后重新输入。"],
    ]
    assert written() == before


BIG, BAD_LINE = 100_000, 99_991
BAD_PERSON = BAD_LINE - 1  # the number of the person on the bad line, under the header line


def test_a_100000_row_tax_payment_file_with_one_bad_row_near_the_end_is_refused_with_that_row_and_writes_nothing(
    users, tmp_path
):
    # given the 2026 contributions of 100,000 people of 山阴县, one voucher each, whose line 99,991 has an ID number
    # with a wrong check digit
    rows = bad_files.tax_payment_csv_rows(count=BIG, bad_line=BAD_LINE)
    path = bad_files.big_csv_write(tmp_path / "征缴入库明细.csv", rows)
    id_number, name = bad_files.synthetic_person(BAD_PERSON, bad=True)
    before = written()
    # when
    outcome = run(users, LAYOUTS["tax_payments"], path.read_bytes(), "csv")
    # then
    job = outcome.record
    assert (job.status, job.rows_total, job.rows_valid, job.error_count, job.rows_skipped, job.rows_created) == (
        JobStatus.REFUSED,
        BIG,
        BIG - 1,
        1,
        0,
        0,
    )
    assert bulk_report(job) == [
        ["行号", *LAYOUTS["tax_payments"].header, "类型", "原因"],
        [
            BAD_LINE,
            bad_files.voucher_number(BAD_PERSON),
            id_number,
            name,
            "2026",
            "400",
            "2025-11-20",
            "2025-11-21",
            "错误",
            WRONG_CHECK,
        ],
    ]
    assert written() == before


@pytest.fixture
def big_registry(db):
    """The 100,000 people of the big files registered in 山阴县, inserted in one statement: the registry import of
    them is tested on its own, and would take most of the test's time."""
    villages = sorted(
        Division.objects.filter(code__startswith="140621", level="village").values_list("code", flat=True)
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for number, id_number, name in bad_files.synthetic_people(count=BIG, bad_line=0):
        facts = id_number_parse(id_number)
        birth_date = connection.ops.adapt_datefield_value(facts.birth_date)
        village = villages[number % len(villages)]
        rows.append((id_number, False, name, facts.gender, birth_date, "", village, ResidentStatus.NORMAL, now, now))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {Resident._meta.db_table} (
                id_number, id_number_is_placeholder, name, gender, birth_date, phone, household_division_id, status,
                created_at, updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            """,
            rows,
        )
    assert Resident.objects.filter(household_division__code__startswith=bad_files.SHANYIN).count() == BIG


def test_a_100000_row_identity_list_with_one_bad_row_near_the_end_is_refused_with_that_row_and_writes_nothing(
    users, tmp_path, big_registry
):
    # given the 100,000 registered people on a 民政 list of 低保 whose line 99,991 has a wrong check digit
    rows = bad_files.identity_list_csv_rows(count=BIG, bad_line=BAD_LINE)
    path = bad_files.big_csv_write(tmp_path / "民政名单.csv", rows)
    id_number, name = bad_files.synthetic_person(BAD_PERSON, bad=True)
    before = written()
    # when
    outcome = run(users, LAYOUTS["bulk_identity_list"], path.read_bytes(), "csv")
    # then every other person was found in the registry (none skipped), and the list refused whole
    job = outcome.record
    assert (job.status, job.rows_total, job.rows_valid, job.error_count, job.rows_skipped, job.rows_created) == (
        JobStatus.REFUSED,
        BIG,
        BIG - 1,
        1,
        0,
        0,
    )
    assert (IdentityListBatch.objects.filter(bulk_import_job=job).first(), IdentityListBatch.objects.count()) == (
        None,
        0,
    )
    assert bulk_report(job) == [
        ["行号", *LAYOUTS["bulk_identity_list"].header, "类型", "原因"],
        [BAD_LINE, id_number, name, "低保", None, None, None, "错误", f"身份证号：{WRONG_CHECK}"],
    ]
    assert written() == before
