"""Births registered in bulk from the health commission's lists (出生一件事 R7.1-R7.5): preview, then confirm.

The preview checks every row without registering anything; a file with any bad row is refused whole. Confirming
registers each checked row through `newborn_register` (channel 批量导入) in one transaction: a row refused at that
moment leaves nothing registered and its message on the batch.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_can_see_division
from core.batches import CheckedRows, batch_confirm, batch_stage
from core.tabular import FileUnreadable, cell_text
from divisions.codes import code_is_within
from divisions.models import Division
from enrollment.selectors import REGISTERED_ELSEWHERE, resident_find

from ..models import BirthImportBatch, BirthRecord, RegistrationChannel
from ..resources import KEY_COLUMN, BirthImportResource, birth_file_read
from ..selectors.births import birth_record_list
from ..selectors.imports import birth_import_batches
from .births import CERTIFICATE_REGISTERED_ELSEWHERE, birth_check, newborn_register

# The file's column for each field a registration refusal names.
FIELD_COLUMNS = {
    "birth_certificate_no": KEY_COLUMN,
    "name": "新生儿姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "mother_id_number": "母亲身份证号",
    "id_number": "身份证号",
    "division": "户籍地代码",
    "registration_date": "登记日期",
}
REQUIRED_TEXT = ("birth_certificate_no", "name")


def _refusal_text(error: ValidationError) -> str:
    """A registration refusal as the clerk reads it: each message after the column it concerns, unless it names
    the column itself."""
    if not hasattr(error, "error_dict"):
        return "".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        column = FIELD_COLUMNS.get(field)
        for message in messages:
            bare = field == NON_FIELD_ERRORS or column is None or message.startswith(column)
            parts.append(message if bare else f"{column}：{message}")
    return "".join(parts)


def _clean_row(row: dict[str, object]) -> tuple[dict[str, object], list[str]]:
    """The row's cells cleaned by the resource's widgets, and the messages of those that cannot be read."""
    line = {column: row.get(column) for column in BirthImportResource.HEADER_ALIASES}
    values: dict[str, object] = {}
    messages = []
    for field in BirthImportResource().get_import_fields():
        try:
            values[field.attribute] = field.clean(line)
        except ValueError as error:
            messages.append(f"{field.column_name}：{error}")
    for attribute in REQUIRED_TEXT:
        if values.get(attribute) == "":
            messages.append(f"{FIELD_COLUMNS[attribute]}：为空。")
    if "birth_date" in values and values["birth_date"] is None:
        messages.append("出生日期：为空。")
    return values, messages


def _date_messages(*, values: dict[str, object], registration_date: datetime.date, today: datetime.date) -> list[str]:
    """R7.1, R7.5 as the registration itself checks them (newborns.services): dates, and the ID against the
    certificate's birth date and sex."""
    birth_date = values.get("birth_date")
    if not isinstance(birth_date, datetime.date):
        return []
    messages = []
    try:
        birth_check(
            birth_date=birth_date,
            registration_date=registration_date,
            gender=str(values.get("gender", "")),
            id_number=str(values.get("id_number", "")) if "gender" in values else "",
            today=today,
        )
    except ValidationError as error:
        messages.append(_refusal_text(error))
    return messages


def _division_message(*, actor: User, county: Division, code: str, division: Division | None) -> str:
    if division is None:
        return f"户籍地代码：区划代码{code}不存在。"
    if not code_is_within(code, county.code):
        return f"户籍地代码：{code}（{division.name}）不属于{county.name}。"
    if not user_can_see_division(user=actor, division_code=code):
        return f"户籍地代码：{code}（{division.name}）不在您的辖区内。"
    return ""


def _certificates_registered_elsewhere(*, actor: User, certificates: set[str]) -> set[str]:
    """Certificates already registered in a county the user may not see: refused, as registering them would."""
    registered = BirthRecord.objects.filter(birth_certificate_no__in=certificates).values_list(
        "birth_certificate_no", flat=True
    )
    visible = birth_record_list(user=actor).filter(birth_certificate_no__in=certificates)
    return set(registered) - set(visible.values_list("birth_certificate_no", flat=True))


def _check_rows(
    *, actor: User, county: Division, rows: list[dict[str, object]], today: datetime.date
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Every row checked as `newborn_register` would check it, plus the county and duplicates within the file:
    (checked rows, row errors)."""
    codes = {cell_text(row.get("户籍地代码")) for row in rows}
    divisions = Division.objects.in_bulk([code for code in codes if code])
    registered_elsewhere = _certificates_registered_elsewhere(
        actor=actor, certificates={cell_text(row.get(KEY_COLUMN)) for row in rows}
    )
    checked, errors = [], []
    first_seen: dict[str, int] = {}
    for row in rows:
        values, messages = _clean_row(row)
        registration_date = values.get("registration_date") or today
        assert isinstance(registration_date, datetime.date)
        messages += _date_messages(values=values, registration_date=registration_date, today=today)
        code = str(values.get("division_code", ""))
        if code:
            message = _division_message(actor=actor, county=county, code=code, division=divisions.get(code))
            if message:
                messages.append(message)
        id_number = str(values.get("id_number", ""))
        if id_number and resident_find(user=actor, id_number=id_number).elsewhere:
            messages.append(f"身份证号：{REGISTERED_ELSEWHERE}")
        certificate = str(values.get("birth_certificate_no", ""))
        if certificate in registered_elsewhere:
            messages.append(f"{KEY_COLUMN}：{CERTIFICATE_REGISTERED_ELSEWHERE}")
        if certificate in first_seen:
            messages.append(f"{KEY_COLUMN}：与第{first_seen[certificate]}行重复。")
        elif certificate:
            first_seen[certificate] = int(row["行号"])  # type: ignore[call-overload]
        if messages:
            shown = {column: cell_text(row[column]) for column in BirthImportResource.HEADER_ALIASES if column in row}
            errors.append({"row": row["行号"], "values": shown, "errors": messages})
            continue
        checked.append(
            {
                "row": row["行号"],
                "birth_certificate_no": certificate,
                "name": values["name"],
                "gender": values["gender"],
                "birth_date": values["birth_date"].isoformat(),  # type: ignore[attr-defined]
                "mother_id_number": values["mother_id_number"],
                "id_number": values["id_number"],
                "division_code": code,
                "division_name": divisions[code].name,
                "registration_date": registration_date.isoformat(),
                "registered": False,
            }
        )
    return checked, errors


def birth_import_preview(*, actor: User, county: Division, file_name: str, content: bytes) -> BirthImportBatch:
    """Check a birth list of the county without registering anything: what confirming it would register, row by row.

    Any row that cannot be registered (certificate missing or repeated in the file, sex, dates, ID numbers, a
    division unknown, of another county or outside the uploader's scope) refuses the whole file. Certificates
    already registered are marked, to be skipped on confirmation: they are not errors. A row without 登记日期 is
    registered on the day of the upload.
    """

    def check(batch: BirthImportBatch) -> CheckedRows:
        rows, columns = birth_file_read(file_name=file_name, content=content)
        if not rows:
            raise FileUnreadable("文件中没有数据行。")
        missing = [column for column in BirthImportResource.REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise FileUnreadable(f"缺少列：{'、'.join(missing)}。请使用出生登记导入模板。")
        checked, errors = _check_rows(actor=actor, county=county, rows=rows, today=timezone.localdate())
        registered = set(
            BirthRecord.objects.filter(
                birth_certificate_no__in=[row["birth_certificate_no"] for row in checked]
            ).values_list("birth_certificate_no", flat=True)
        )
        for row in checked:
            row["registered"] = row["birth_certificate_no"] in registered
        return CheckedRows(rows_total=len(rows), checked_rows=checked, row_errors=errors)

    batch = BirthImportBatch(county=county, file_name=file_name[:255], uploaded_by=actor)
    return batch_stage(batch=batch, check=check)


class _RowRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def birth_import_confirm(*, actor: User, batch: BirthImportBatch) -> BirthImportBatch:
    """Register every checked row of a previewed list (R7.1-R7.5, channel 批量导入), all or none.

    A certificate registered meanwhile is skipped like those the preview marked. If the registration refuses a
    row, nothing of the list is registered, the batch keeps that row's message and stays to be confirmed again.
    """
    try:
        return batch_confirm(
            batches=birth_import_batches(user=actor),
            pk=batch.pk,
            actor=actor,
            write=lambda batch: _birth_import_write(actor=actor, batch=batch),
        )
    except _RowRefused as refusal:
        BirthImportBatch.objects.filter(pk=batch.pk).update(confirm_error=refusal.message[:500])
        raise ValidationError(refusal.message) from None


def _birth_import_write(*, actor: User, batch: BirthImportBatch) -> None:
    divisions = Division.objects.in_bulk({row["division_code"] for row in batch.checked_rows})
    created_count = existing_count = 0
    for row in batch.checked_rows:
        try:
            _, created = newborn_register(
                actor=actor,
                birth_certificate_no=row["birth_certificate_no"],
                name=row["name"],
                gender=row["gender"],
                birth_date=datetime.date.fromisoformat(row["birth_date"]),
                mother_id_number=row["mother_id_number"],
                division=divisions[row["division_code"]],
                registration_date=datetime.date.fromisoformat(row["registration_date"]),
                id_number=row["id_number"],
                channel=RegistrationChannel.IMPORT,
            )
        except ValidationError as error:
            raise _RowRefused(
                f"第{row['row']}行（{row['birth_certificate_no']}）{_refusal_text(error)}本批次未登记任何新生儿，"
                "请处理后重新确认或重新上传。"
            ) from None
        if created:
            created_count += 1
        else:
            existing_count += 1
    batch.created_count = created_count
    batch.existing_count = existing_count
    batch.confirm_error = ""
