"""The township's Excel ledger imported back (R13.5): checked row by row, written once confirmed."""

import datetime
from dataclasses import dataclass
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db.models import Subquery

from accounts.models import User
from core.batches import BatchStatus, CheckedRows, batch_confirm, batch_stage
from core.tabular import FileUnreadable
from divisions.models import Division
from enrollment.models import Enrollment, EnrollmentStatus

from ..models import UninsuredLedgerImportBatch, UninsuredPerson
from ..resources import UninsuredLedgerResource, ledger_file_read, row_error
from ..selectors import uninsured_ledger_import_batches
from .people import OUTCOME_FIELDS, save_checked, uninsured_outcome_errors, unsigned_list_message

# --- The township's Excel ledger, imported back -------------------------------------------------------------------

IMPORTED_FIELDS = ("phone", *OUTCOME_FIELDS)


@dataclass(frozen=True)
class LedgerImportRow:
    row: int
    person_id: int
    name: str
    id_number: str
    changes: dict[str, object]


@dataclass(frozen=True)
class LedgerImportPreview:
    rows_total: int
    rows: tuple[LedgerImportRow, ...]  # the people whose ledger entry the file changes
    unchanged: int
    columns: tuple[str, ...]  # the columns the file updates
    row_errors: tuple[dict[str, Any], ...]
    file_error: str = ""

    @property
    def can_confirm(self) -> bool:
        return not self.file_error and not self.row_errors and bool(self.rows)


def uninsured_ledger_import_check(
    *, township: Division, year: int, file_name: str, content: bytes, today: datetime.date
) -> LedgerImportPreview:
    """Check the township's ledger file without writing anything: whose outcome changes, or what is wrong.

    People are matched by ID number on the township's ledger of the year; the name must match. Of the outcome
    columns, those the file has are updated; a column it lacks is left as it is. A 参保日期 that merely repeats the
    registry's payment date (the export writes it when the official has not) is not copied onto the ledger.
    """
    try:
        rows, columns = ledger_file_read(file_name=file_name, content=content)
        if not rows:
            raise FileUnreadable("文件中没有人员。")
        missing = [column for column in UninsuredLedgerResource.REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise FileUnreadable(f"缺少列：{'、'.join(missing)}。请使用导出的台账填写。")
        resource = UninsuredLedgerResource()
        imported = [
            field
            for field in resource.get_import_fields()
            if field.attribute in IMPORTED_FIELDS and field.column_name in columns
        ]
        if not imported:
            raise FileUnreadable("文件中没有可导入的列（未参保原因、核实状态、联系结果、动员情况、参保日期等）。")
    except FileUnreadable as error:
        return LedgerImportPreview(rows_total=0, rows=(), unchanged=0, columns=(), row_errors=(), file_error=str(error))
    id_field = resource.fields["id_number"]
    name_field = resource.fields["name"]
    ledger_people = UninsuredPerson.objects.filter(township=township, year=year)
    ledger = {person.id_number: person for person in ledger_people.select_related("uninsured_list")}
    registry_dates = dict(
        Enrollment.objects.filter(
            resident__id_number__in=Subquery(ledger_people.values("id_number")),
            insurance_year=year,
            status=EnrollmentStatus.ACTIVE,
        ).values_list("resident__id_number", "payment_date")
    )
    labels = {field.attribute: field.column_name for field in resource.get_import_fields()}
    checked: list[LedgerImportRow] = []
    errors: list[dict[str, Any]] = []
    unchanged = 0
    first_seen: dict[str, int] = {}
    for row in rows:
        line = {column: row.get(column) for column in UninsuredLedgerResource.HEADER_ALIASES}
        messages = []
        values: dict[str, object] = {}
        for field in imported:
            try:
                values[field.attribute] = field.clean(line)
            except ValueError as error:
                messages.append(f"{field.column_name}：{error}")
                continue
            if field.column_name in UninsuredLedgerResource.FILLED_COLUMNS and values[field.attribute] == "":
                messages.append(f"{field.column_name}：不能为空。")
        person = None
        try:
            id_number = id_field.clean(line)
        except ValueError as error:
            messages.append(f"公民身份号码：{error}")
        else:
            if id_number in first_seen:
                messages.append(f"公民身份号码：与第{first_seen[id_number]}行重复（同一人）。")
            first_seen.setdefault(id_number, int(row["行号"]))  # type: ignore[call-overload]
            person = ledger.get(id_number)
            if person is None:
                messages.append(f"公民身份号码：{township.name}{year}年度台账中没有该人员，请先在台账中新增。")
        name = name_field.clean(line)
        if person is not None and name != person.name:
            messages.append(f"姓名：「{name}」与台账不符（台账为{person.name}）。")
        if person is None or messages:
            errors.append(row_error(row, UninsuredLedgerResource.HEADER_ALIASES, messages))
            continue
        listed_date = values.get("enrollment_date")
        if listed_date is not None and person.enrollment_date is None and listed_date == registry_dates.get(id_number):
            values["enrollment_date"] = None
        outcome = {field: values.get(field, getattr(person, field)) for field in OUTCOME_FIELDS}
        changes = {field: value for field, value in values.items() if getattr(person, field) != value}
        if not changes:
            unchanged += 1
            continue
        rule_errors = uninsured_outcome_errors(
            reason=str(outcome["reason"]),
            insured_elsewhere_place=str(outcome["insured_elsewhere_place"]),
            enrollment_date=outcome["enrollment_date"],  # type: ignore[arg-type]
            step=str(outcome["step"]),
            today=today,
        )
        messages = [f"{labels[field]}：{message}" for field, message in rule_errors.items()]
        unsigned = unsigned_list_message(person)
        if unsigned:
            messages.append(unsigned)
        if messages:
            errors.append(row_error(row, UninsuredLedgerResource.HEADER_ALIASES, messages))
            continue
        checked.append(
            LedgerImportRow(
                row=int(row["行号"]),  # type: ignore[call-overload]
                person_id=person.pk,
                name=person.name,
                id_number=person.id_number,
                changes=changes,
            )
        )
    return LedgerImportPreview(
        rows_total=len(rows),
        rows=tuple(checked),
        unchanged=unchanged,
        columns=tuple(field.column_name for field in imported),
        row_errors=tuple(errors),
    )


def _stored(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _restored(field: str, value: object) -> object:
    if field == "enrollment_date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def uninsured_ledger_import_stage(
    *, actor: User, township: Division, year: int, file_name: str, content: bytes, today: datetime.date
) -> UninsuredLedgerImportBatch:
    """Check the township's ledger file (`uninsured_ledger_import_check`) and keep what the check found as a batch
    to confirm: whose outcome changes and how, or the file's or the rows' errors. Nothing else is written."""

    def check(batch: UninsuredLedgerImportBatch) -> CheckedRows:
        preview = uninsured_ledger_import_check(
            township=township, year=year, file_name=file_name, content=content, today=today
        )
        if preview.file_error:
            raise FileUnreadable(preview.file_error)
        batch.columns = list(preview.columns)
        batch.unchanged_count = preview.unchanged
        rows = [
            {
                "row": row.row,
                "person_id": row.person_id,
                "name": row.name,
                "id_number": row.id_number,
                # pairs, not an object: PostgreSQL's jsonb does not keep the order of an object's keys, and the
                # preview lists the changes in the ledger's column order
                "changes": [[field, _stored(value)] for field, value in row.changes.items()],
            }
            for row in preview.rows
        ]
        return CheckedRows(rows_total=preview.rows_total, checked_rows=rows, row_errors=list(preview.row_errors))

    batch = UninsuredLedgerImportBatch(township=township, year=year, file_name=file_name[:255], uploaded_by=actor)
    return batch_stage(batch=batch, check=check)


def uninsured_ledger_import_confirm(
    *, actor: User, batch: UninsuredLedgerImportBatch, today: datetime.date
) -> UninsuredLedgerImportBatch:
    """Write the outcomes a previewed ledger file changes, exactly as the preview showed them, all or none, once.

    Each person is checked again as they stand now: one no longer on the ledger, on a list not signed, or whose
    outcome would contradict itself refuses the whole file, and nothing is written.
    """
    if batch.status == BatchStatus.REFUSED:
        raise ValidationError(
            batch.file_error or f"文件中有{len(batch.row_errors)}行错误，台账未作任何修改。请按错误行修改后重新上传。"
        )
    return batch_confirm(
        batches=uninsured_ledger_import_batches(user=actor),
        pk=batch.pk,
        actor=actor,
        write=lambda batch: _ledger_import_write(actor=actor, batch=batch, today=today),
    )


def _ledger_import_write(*, actor: User, batch: UninsuredLedgerImportBatch, today: datetime.date) -> None:
    people = UninsuredPerson.objects.select_for_update(of=("self",)).filter(township=batch.township, year=batch.year)
    locked = people.select_related("uninsured_list").in_bulk([row["person_id"] for row in batch.checked_rows])
    labels = {field.attribute: field.column_name for field in UninsuredLedgerResource().get_import_fields()}
    for row in batch.checked_rows:
        person = locked.get(row["person_id"])
        if person is None:
            _refuse(row, f"{batch.township.name}{batch.year}年度台账中已没有该人员。")
        for field, value in row["changes"]:
            setattr(person, field, _restored(field, value))
        rule_errors = uninsured_outcome_errors(
            reason=person.reason,
            insured_elsewhere_place=person.insured_elsewhere_place,
            enrollment_date=person.enrollment_date,
            step=person.step,
            today=today,
        )
        messages = [f"{labels[field]}：{message}" for field, message in rule_errors.items()]
        unsigned = unsigned_list_message(person)
        if unsigned:
            messages.append(unsigned)
        if messages:
            _refuse(row, "".join(messages))
        person.updated_by = actor
        save_checked(person, actor=actor)


def _refuse(row: dict[str, Any], message: str) -> NoReturn:
    raise ValidationError(f"第{row['row']}行（{row['name']}）{message}台账未作任何修改，请重新上传并预览。")
