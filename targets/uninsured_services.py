"""Writes of the uninsured ledger (未参保台账, R13.5).

The province pushes a list of people found uninsured (one list per township of the file); the township's officials
sign for it (签领) and record, person by person or in bulk from their Excel ledger, the outcome of their visits; they
add the people they find themselves. The six steps of the method (部门联动 → … → 汇总反馈) are OutreachStep.

Both files (the pushed list, the township's ledger) are checked row by row without writing anything, shown, and
written only when the user confirms; a single bad row refuses the whole file.
"""

import datetime
import hashlib
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Role, User
from accounts.scope import user_can_see_division
from core.history import history_save
from core.list_files import ListFileUnreadable
from core.tabular import cell_text
from divisions.models import Division, DivisionLevel
from enrollment.models import Enrollment, EnrollmentStatus
from enrollment.rules import IdNumberError, id_number_parse

from .models import OutreachStep, UninsuredList, UninsuredPerson, UninsuredReason
from .uninsured_resources import (
    UninsuredLedgerResource,
    UninsuredPushResource,
    ledger_file_read,
    push_file_read,
)

OUTCOME_FIELDS = (
    "reason",
    "insured_elsewhere_place",
    "verification_status",
    "contact_result",
    "outreach_note",
    "enrollment_date",
    "step",
)
STEP_ORDER = tuple(OutreachStep.values)
NAME_MAX_LENGTH = UninsuredPerson._meta.get_field("name").max_length or 64


def _save(instance: UninsuredList | UninsuredPerson, *, actor: User) -> None:
    instance.full_clean()
    history_save(instance, actor=actor)


def _row_error(row: dict[str, object], columns: dict[str, tuple[str, ...]], messages: list[str]) -> dict:
    return {
        "row": row["行号"],
        "values": {column: cell_text(row[column]) for column in columns if column in row},
        "errors": messages,
    }


# --- The uploaded file between preview and confirm ----------------------------------------------------------------


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded file kept on the server between its preview and its confirmation.

    Why a file and not the checked rows: a province list may hold tens of thousands of people, too many for the
    session or the cache. The upload is written under MEDIA_ROOT/uninsured_uploads/ with a random token for a
    name; the session keeps only this small record (token, stored name, SHA-256). Confirming reads the file
    again, refuses it when it has vanished or changed (its SHA-256 no longer matches), checks every row again and
    writes exactly the rows the preview showed: the same bytes and the same checks give the same rows, and a row
    that has become wrong in the meantime (someone added the person) is refused rather than written. The file is
    deleted once confirmed; files left behind by abandoned previews are removed, once a day old, the next time a
    file is staged.
    """

    token: str
    file_name: str
    stored_name: str
    sha256: str

    def as_session(self) -> dict[str, str]:
        return {
            "token": self.token,
            "file_name": self.file_name,
            "stored_name": self.stored_name,
            "sha256": self.sha256,
        }

    @classmethod
    def from_session(cls, data: dict[str, str]) -> "StagedUpload":
        return cls(
            token=data["token"], file_name=data["file_name"], stored_name=data["stored_name"], sha256=data["sha256"]
        )


UPLOAD_DIRECTORY = "uninsured_uploads"
UPLOAD_KEPT_FOR = datetime.timedelta(days=1)
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(xlsx|csv|bin)$")


def _upload_storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / UPLOAD_DIRECTORY)


def uninsured_upload_stage(*, file_name: str, content: bytes) -> StagedUpload:
    """Keep an upload until it is confirmed (see StagedUpload); forget those abandoned more than a day ago."""
    storage = _upload_storage()
    _uploads_expire(storage=storage, before=timezone.now() - UPLOAD_KEPT_FOR)
    token = secrets.token_hex(16)
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    stored_name = storage.save(f"{token}.{extension if extension in ('xlsx', 'csv') else 'bin'}", ContentFile(content))
    return StagedUpload(
        token=token, file_name=file_name[:255], stored_name=stored_name, sha256=hashlib.sha256(content).hexdigest()
    )


def uninsured_upload_content(*, staged: StagedUpload) -> bytes:
    """The bytes of a staged upload, as previewed; refused when the file has vanished or changed."""
    storage = _upload_storage()
    if not STORED_NAME.match(staged.stored_name) or not storage.exists(staged.stored_name):
        raise ValidationError("上传的文件已失效（超过一天或已导入），请重新上传。")
    with storage.open(staged.stored_name, "rb") as stored:
        content = stored.read()
    if hashlib.sha256(content).hexdigest() != staged.sha256:
        raise ValidationError("上传的文件在预览后被改动，请重新上传并预览。")
    return content


def uninsured_upload_discard(*, staged: StagedUpload) -> None:
    storage = _upload_storage()
    if STORED_NAME.match(staged.stored_name):
        storage.delete(staged.stored_name)


def _uploads_expire(*, storage: FileSystemStorage, before: datetime.datetime) -> None:
    if not Path(storage.location).is_dir():
        return
    for name in storage.listdir("")[1]:
        if STORED_NAME.match(name) and storage.get_modified_time(name) < before:
            storage.delete(name)


# --- R13.5: what an outcome may say -------------------------------------------------------------------------------


def uninsured_outcome_errors(
    *,
    reason: str,
    insured_elsewhere_place: str,
    enrollment_date: datetime.date | None,
    step: str,
    today: datetime.date,
) -> dict[str, str]:
    """The contradictions in an outcome, by field (empty: none). Plain values in: no database, no clock."""
    errors: dict[str, str] = {}
    if reason == UninsuredReason.INSURED_ELSEWHERE and not insured_elsewhere_place.strip():
        errors["insured_elsewhere_place"] = "未参保原因为「已在外地参保」时，须填写异地参保地。"
    elif reason != UninsuredReason.INSURED_ELSEWHERE and insured_elsewhere_place.strip():
        errors["insured_elsewhere_place"] = "只有未参保原因为「已在外地参保」时才填写异地参保地。"
    if step not in STEP_ORDER:
        errors["step"] = "请选择工作步骤。"
    if enrollment_date is not None:
        if enrollment_date > today:
            errors["enrollment_date"] = "参保日期不能晚于今天。"
        if step in STEP_ORDER and STEP_ORDER.index(step) < STEP_ORDER.index(OutreachStep.MOBILISATION):
            errors["step"] = "已填写参保日期，工作步骤须为「动员参保」或「汇总反馈」。"
    return errors


def _unsigned_list_message(person: UninsuredPerson) -> str:
    if person.uninsured_list is not None and person.uninsured_list.signed_at is None:
        return f"该人员所在的名单「{person.uninsured_list.title}」尚未签领，请先签领名单。"
    return ""


# --- The province pushes a list down ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushRow:
    row: int
    township_code: str
    village_code: str
    name: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class PushTownship:
    code: str
    name: str
    county_name: str
    people: int
    on_ledger: int  # already on the township's ledger for the year: they stay as they are


@dataclass(frozen=True)
class PushPreview:
    year: int
    rows_total: int
    rows: tuple[PushRow, ...]
    townships: tuple[PushTownship, ...]
    row_errors: tuple[dict, ...]
    file_error: str = ""

    @property
    def can_confirm(self) -> bool:
        return not self.file_error and not self.row_errors and bool(self.rows)


@dataclass(frozen=True)
class PushResult:
    lists: tuple[UninsuredList, ...]
    created: int  # people added to the ledgers
    linked: int  # already on a ledger, found by the township itself: now linked to the list
    kept: int  # already on a ledger from an earlier list: they stay there


class _TownshipFinder:
    """The townships a pushed list names, by code or by name, loaded in a few queries for the whole file."""

    def __init__(self, *, user: User, rows: list[dict[str, object]]) -> None:
        self.user = user
        codes = {cell_text(row.get("乡镇代码")) for row in rows} - {""}
        names = {cell_text(row.get("乡镇")) for row in rows} - {""}
        townships = Division.objects.filter(level=DivisionLevel.TOWNSHIP).select_related("parent")
        self.by_code = {township.code: township for township in townships.filter(code__in=codes)}
        self.by_name: dict[str, list[Division]] = {}
        for township in townships.filter(name__in=names):
            self.by_name.setdefault(township.name, []).append(township)

    def find(self, *, code: str, name: str) -> tuple[Division | None, str]:
        """The township of a row, or the reason there is none."""
        if code:
            township = self.by_code.get(code)
            if township is None:
                return None, f"乡镇代码：{code}不是已知的乡镇（街道）。"
            if name and name != township.name:
                return None, f"乡镇：「{name}」与乡镇代码{code}（{township.name}）不符。"
        elif name:
            found = self.by_name.get(name, [])
            within = [item for item in found if user_can_see_division(user=self.user, division_code=item.code)]
            if not found:
                return None, f"乡镇：「{name}」不是已知的乡镇（街道）。"
            if len(within) > 1:
                return None, f"乡镇：「{name}」有重名（{'、'.join(item.code for item in within)}），请填写乡镇代码。"
            township = within[0] if within else found[0]
        else:
            return None, "乡镇：须填写乡镇代码或乡镇名称。"
        if not user_can_see_division(user=self.user, division_code=township.code):
            return None, f"乡镇：{township.name}（{township.code}）不在您的管辖范围内。"
        return township, ""


def uninsured_push_check(*, actor: User, year: int, file_name: str, content: bytes) -> PushPreview:
    """Check a list to push down without writing anything: the people per township, or what is wrong, row by row.

    A row is wrong when its ID number is not valid, its name is empty, its township is unknown, ambiguous or outside
    the user's scope, its village does not belong to its township, or its person is already on an earlier row.
    """
    try:
        rows, columns = push_file_read(file_name=file_name, content=content)
        if not rows:
            raise ListFileUnreadable("名单中没有数据行。")
        missing = [column for column in UninsuredPushResource.REQUIRED_COLUMNS if column not in columns]
        if "乡镇代码" not in columns and "乡镇" not in columns:
            missing.append("乡镇代码（或乡镇）")
        if missing:
            raise ListFileUnreadable(f"缺少列：{'、'.join(missing)}。请使用未参保人员名单模板。")
    except ListFileUnreadable as error:
        return PushPreview(year=year, rows_total=0, rows=(), townships=(), row_errors=(), file_error=str(error))
    resource = UninsuredPushResource()
    finder = _TownshipFinder(user=actor, rows=rows)
    village_codes = {cell_text(row.get("村（社区）代码")) for row in rows} - {""}
    villages = dict(
        Division.objects.filter(level=DivisionLevel.VILLAGE, code__in=village_codes).values_list("code", "parent_id")
    )
    checked: list[PushRow] = []
    errors: list[dict] = []
    first_seen: dict[str, int] = {}
    townships: dict[str, Division] = {}
    for row in rows:
        line = {column: row.get(column) for column in UninsuredPushResource.HEADER_ALIASES}
        values: dict[str, str] = {}
        messages = []
        for field in resource.get_import_fields():
            try:
                values[field.attribute] = field.clean(line)
            except ValueError as error:
                messages.append(f"{field.column_name}：{error}")
        if "name" in values and not values["name"]:
            messages.append("姓名：姓名为空。")
        elif len(values.get("name", "")) > NAME_MAX_LENGTH:
            messages.append(f"姓名：超过{NAME_MAX_LENGTH}个字。")
        township = None
        if "township_code" in values:
            township, message = finder.find(code=values["township_code"], name=values.get("township_name", ""))
            if message:
                messages.append(message)
        village_code = values.get("village_code", "")
        if township is not None and village_code and villages.get(village_code) != township.code:
            messages.append(f"村（社区）代码：{village_code}不是{township.name}的村（社区）。")
        id_number = values.get("id_number", "")
        if id_number in first_seen:
            messages.append(f"身份证号：与第{first_seen[id_number]}行重复（同一人）。")
        elif id_number:
            first_seen[id_number] = int(row["行号"])  # type: ignore[call-overload]
        if messages or township is None:
            errors.append(_row_error(row, UninsuredPushResource.HEADER_ALIASES, messages))
            continue
        townships[township.code] = township
        checked.append(
            PushRow(
                row=int(row["行号"]),  # type: ignore[call-overload]
                township_code=township.code,
                village_code=village_code,
                name=values["name"],
                id_number=id_number,
                phone=values.get("phone", ""),
            )
        )
    on_ledger = set(
        UninsuredPerson.objects.filter(year=year, township_id__in=townships).values_list("township_id", "id_number")
    )
    people = Counter(row.township_code for row in checked)
    already = Counter(row.township_code for row in checked if (row.township_code, row.id_number) in on_ledger)
    summary = [
        PushTownship(
            code=code,
            name=townships[code].name,
            county_name=townships[code].parent.name if townships[code].parent else "",
            people=people[code],
            on_ledger=already[code],
        )
        for code in sorted(townships)
    ]
    return PushPreview(
        year=year,
        rows_total=len(rows),
        rows=tuple(checked),
        townships=tuple(summary),
        row_errors=tuple(errors),
    )


@transaction.atomic
def uninsured_push_confirm(
    *,
    actor: User,
    year: int,
    deadline: datetime.date,
    file_name: str,
    content: bytes,
    today: datetime.date,
) -> PushResult:
    """Push a checked list down: one list per township of the file, its people added to the township's ledger.

    A person already on the township's ledger for the year stays as they are; if the township found them itself,
    the list is linked to them. Any bad row refuses the whole file, and nothing is written.
    """
    if deadline < today:
        raise ValidationError({"deadline": "反馈截止日期不能早于今天。"})
    preview = uninsured_push_check(actor=actor, year=year, file_name=file_name, content=content)
    if preview.file_error:
        raise ValidationError(preview.file_error)
    if preview.row_errors:
        raise ValidationError(f"名单中有{len(preview.row_errors)}行错误，未下发任何人员。请按错误行修改后重新上传。")
    townships = Division.objects.in_bulk([township.code for township in preview.townships])
    lists: dict[str, UninsuredList] = {}
    for code, township in sorted(townships.items()):
        lists[code] = UninsuredList(
            township=township,
            year=year,
            title=f"{year}年度未参保人员名单（{township.name}）",
            deadline=deadline,
            pushed_by=actor,
        )
        _save(lists[code], actor=actor)
    existing = {
        (person.township_id, person.id_number): person
        for person in UninsuredPerson.objects.select_for_update().filter(year=year, township_id__in=townships)
    }
    created, linked, kept = [], 0, 0
    for row in preview.rows:
        person = existing.get((row.township_code, row.id_number))
        if person is None:
            person = UninsuredPerson(
                uninsured_list=lists[row.township_code],
                township_id=row.township_code,
                village_id=row.village_code or None,
                year=year,
                name=row.name,
                id_number=row.id_number,
                phone=row.phone,
                updated_by=actor,
            )
            # The natural key was checked above for the whole file; the unique constraint guards the rest.
            person.full_clean(validate_unique=False, validate_constraints=False)
            created.append(person)
        elif person.uninsured_list_id is None:
            person.uninsured_list = lists[row.township_code]
            person.updated_by = actor
            _save(person, actor=actor)
            linked += 1
        else:
            kept += 1
    try:
        bulk_create_with_history(created, UninsuredPerson, batch_size=500, default_user=actor)
    except IntegrityError:
        raise ValidationError("名单中的人员刚被他人加入台账，请重新上传并预览。") from None
    return PushResult(lists=tuple(lists.values()), created=len(created), linked=linked, kept=kept)


# --- The township signs for its list ------------------------------------------------------------------------------


def uninsured_list_signer(*, actor: User, uninsured_list: UninsuredList) -> bool:
    """Whether the user is one of the township's own officials, who alone may sign for its list."""
    return actor.role == Role.TOWNSHIP_OFFICIAL and actor.division_id == uninsured_list.township_id


@transaction.atomic
def uninsured_list_sign(*, actor: User, uninsured_list: UninsuredList) -> UninsuredList:
    """签领: one of the township's own officials acknowledges the list, once."""
    uninsured_list = UninsuredList.objects.select_for_update().select_related("township").get(pk=uninsured_list.pk)
    if not uninsured_list_signer(actor=actor, uninsured_list=uninsured_list):
        raise ValidationError(f"只有{uninsured_list.township.name}的乡镇专干可以签领该名单。")
    if uninsured_list.signed_at is not None:
        signer = uninsured_list.signed_by
        name = (signer.first_name or signer.username) if signer else ""
        raise ValidationError(
            f"该名单已于{timezone.localtime(uninsured_list.signed_at):%Y年%m月%d日 %H:%M}由{name}签领，不能重复签领。"
        )
    uninsured_list.signed_by = actor
    uninsured_list.signed_at = timezone.now()
    _save(uninsured_list, actor=actor)
    return uninsured_list


# --- One person: found by the township, or the outcome of the visits ----------------------------------------------


@transaction.atomic
def uninsured_person_create(
    *,
    actor: User,
    township: Division,
    year: int,
    name: str,
    id_number: str,
    phone: str = "",
    village: Division | None = None,
    step: str = OutreachStep.DOOR_TO_DOOR,
) -> UninsuredPerson:
    """A person the township found itself (精准摸排): on its ledger without a pushed list."""
    errors: dict[str, str] = {}
    try:
        id_number = id_number_parse(id_number).id_number
    except IdNumberError as error:
        errors["id_number"] = str(error)
    if not name.strip():
        errors["name"] = "请填写姓名。"
    if village is not None and village.parent_id != township.code:
        errors["village"] = f"{village.name}不是{township.name}的村（社区）。"
    if errors:
        raise ValidationError(errors)
    existing = UninsuredPerson.objects.filter(township=township, year=year, id_number=id_number).first()
    if existing is not None:
        raise ValidationError(
            {"id_number": f"{existing.name}（{id_number}）已在{township.name}{year}年度未参保台账中，不能重复添加。"}
        )
    person = UninsuredPerson(
        uninsured_list=None,
        township=township,
        village=village,
        year=year,
        name=name.strip(),
        id_number=id_number,
        phone=phone.strip(),
        step=step,
        updated_by=actor,
    )
    person.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            history_save(person, actor=actor)
    except IntegrityError:
        raise ValidationError({"id_number": "该人员刚被他人加入台账，不能重复添加。"}) from None
    return person


@transaction.atomic
def uninsured_person_update(
    *,
    actor: User,
    person: UninsuredPerson,
    today: datetime.date,
    reason: str,
    insured_elsewhere_place: str,
    verification_status: str,
    contact_result: str,
    outreach_note: str,
    enrollment_date: datetime.date | None,
    step: str,
) -> UninsuredPerson:
    """Record the outcome of the visits to one person (R13.5)."""
    person = UninsuredPerson.objects.select_for_update(of=("self",)).select_related("uninsured_list").get(pk=person.pk)
    message = _unsigned_list_message(person)
    if message:
        raise ValidationError(message)
    errors = uninsured_outcome_errors(
        reason=reason,
        insured_elsewhere_place=insured_elsewhere_place,
        enrollment_date=enrollment_date,
        step=step,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    person.reason = reason
    person.insured_elsewhere_place = insured_elsewhere_place.strip()
    person.verification_status = verification_status
    person.contact_result = contact_result
    person.outreach_note = outreach_note.strip()
    person.enrollment_date = enrollment_date
    person.step = step
    person.updated_by = actor
    _save(person, actor=actor)
    return person


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
    row_errors: tuple[dict, ...]
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
            raise ListFileUnreadable("文件中没有人员。")
        missing = [column for column in UninsuredLedgerResource.REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise ListFileUnreadable(f"缺少列：{'、'.join(missing)}。请使用导出的台账填写。")
        resource = UninsuredLedgerResource()
        imported = [
            field
            for field in resource.get_import_fields()
            if field.attribute in IMPORTED_FIELDS and field.column_name in columns
        ]
        if not imported:
            raise ListFileUnreadable("文件中没有可导入的列（未参保原因、核实状态、联系结果、动员情况、参保日期等）。")
    except ListFileUnreadable as error:
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
    errors: list[dict] = []
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
            errors.append(_row_error(row, UninsuredLedgerResource.HEADER_ALIASES, messages))
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
        unsigned = _unsigned_list_message(person)
        if unsigned:
            messages.append(unsigned)
        if messages:
            errors.append(_row_error(row, UninsuredLedgerResource.HEADER_ALIASES, messages))
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


@transaction.atomic
def uninsured_ledger_import_confirm(
    *, actor: User, township: Division, year: int, file_name: str, content: bytes, today: datetime.date
) -> LedgerImportPreview:
    """Write the outcomes of a checked ledger file; any bad row refuses the whole file, and nothing is written."""
    people = UninsuredPerson.objects.select_for_update().filter(township=township, year=year)
    list(people.values_list("pk", flat=True))  # lock the ledger while it is checked and written
    preview = uninsured_ledger_import_check(
        township=township, year=year, file_name=file_name, content=content, today=today
    )
    if preview.file_error:
        raise ValidationError(preview.file_error)
    if preview.row_errors:
        raise ValidationError(f"文件中有{len(preview.row_errors)}行错误，台账未作任何修改。请按错误行修改后重新上传。")
    if not preview.rows:
        raise ValidationError("文件与台账一致，没有需要更新的人员。")
    locked = people.in_bulk([row.person_id for row in preview.rows])
    for row in preview.rows:
        person = locked[row.person_id]
        for field, value in row.changes.items():
            setattr(person, field, value)
        person.updated_by = actor
        _save(person, actor=actor)
    return preview
