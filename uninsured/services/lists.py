"""The lists the province pushes down to the townships (R13.5), and the townships signing for them."""

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Role, User
from accounts.scope import user_can_see_division
from core.batches import BatchStatus, CheckedRows, batch_confirm, batch_stage
from core.tabular import FileUnreadable, cell_text
from divisions.models import Division, DivisionLevel

from ..models import UninsuredList, UninsuredPerson, UninsuredPushBatch
from ..resources import UninsuredPushResource, push_file_read, row_error
from ..selectors import uninsured_push_batches
from .people import NAME_MAX_LENGTH, save_checked

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
    row_errors: tuple[dict[str, Any], ...]
    file_error: str = ""

    @property
    def can_confirm(self) -> bool:
        return not self.file_error and not self.row_errors and bool(self.rows)


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
            raise FileUnreadable("名单中没有数据行。")
        missing = [column for column in UninsuredPushResource.REQUIRED_COLUMNS if column not in columns]
        if "乡镇代码" not in columns and "乡镇" not in columns:
            missing.append("乡镇代码（或乡镇）")
        if missing:
            raise FileUnreadable(f"缺少列：{'、'.join(missing)}。请使用未参保人员名单模板。")
    except FileUnreadable as error:
        return PushPreview(year=year, rows_total=0, rows=(), townships=(), row_errors=(), file_error=str(error))
    resource = UninsuredPushResource()
    finder = _TownshipFinder(user=actor, rows=rows)
    village_codes = {cell_text(row.get("村（社区）代码")) for row in rows} - {""}
    villages = dict(
        Division.objects.filter(level=DivisionLevel.VILLAGE, code__in=village_codes).values_list("code", "parent_id")
    )
    checked: list[PushRow] = []
    errors: list[dict[str, Any]] = []
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
            errors.append(row_error(row, UninsuredPushResource.HEADER_ALIASES, messages))
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
            county_name=county.name if (county := townships[code].parent) else "",
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


def uninsured_push_stage(
    *, actor: User, year: int, deadline: datetime.date, file_name: str, content: bytes
) -> UninsuredPushBatch:
    """Check a list to push down (`uninsured_push_check`) and keep what the check found as a batch to confirm: the
    people per township, or the file's or the rows' errors. Nothing else is written."""

    def check(batch: UninsuredPushBatch) -> CheckedRows:
        preview = uninsured_push_check(actor=actor, year=year, file_name=file_name, content=content)
        if preview.file_error:
            raise FileUnreadable(preview.file_error)
        batch.townships = [dataclasses.asdict(township) for township in preview.townships]
        return CheckedRows(
            rows_total=preview.rows_total,
            checked_rows=[dataclasses.asdict(row) for row in preview.rows],
            row_errors=list(preview.row_errors),
        )

    batch = UninsuredPushBatch(
        division=actor.division, year=year, deadline=deadline, file_name=file_name[:255], uploaded_by=actor
    )
    return batch_stage(batch=batch, check=check)


def uninsured_push_confirm(*, actor: User, batch: UninsuredPushBatch, today: datetime.date) -> UninsuredPushBatch:
    """Push a previewed list down: one list per township of the file, exactly the people the preview showed added to
    the townships' ledgers, all or none, once.

    A person already on the township's ledger for the year stays as they are; if the township found them itself,
    the list is linked to them. A list refused at its check, or a deadline now past, writes nothing.
    """
    if batch.status == BatchStatus.REFUSED:
        raise ValidationError(
            batch.file_error or f"名单中有{len(batch.row_errors)}行错误，未下发任何人员。请按错误行修改后重新上传。"
        )
    return batch_confirm(
        batches=uninsured_push_batches(user=actor),
        pk=batch.pk,
        actor=actor,
        write=lambda batch: _push_write(actor=actor, batch=batch, today=today),
    )


def _push_write(*, actor: User, batch: UninsuredPushBatch, today: datetime.date) -> None:
    if batch.deadline < today:
        raise ValidationError({"deadline": "反馈截止日期不能早于今天。"})
    rows = [PushRow(**row) for row in batch.checked_rows]
    townships = Division.objects.in_bulk({row.township_code for row in rows})
    lists: dict[str, UninsuredList] = {}
    for code, township in sorted(townships.items()):
        lists[code] = UninsuredList(
            township=township,
            year=batch.year,
            title=f"{batch.year}年度未参保人员名单（{township.name}）",
            deadline=batch.deadline,
            pushed_by=actor,
        )
        save_checked(lists[code], actor=actor)
    existing = {
        (person.township_id, person.id_number): person
        for person in UninsuredPerson.objects.select_for_update().filter(year=batch.year, township_id__in=townships)
    }
    created, linked, kept = [], 0, 0
    for row in rows:
        person = existing.get((row.township_code, row.id_number))
        if person is None:
            person = UninsuredPerson(
                uninsured_list=lists[row.township_code],
                township_id=row.township_code,
                village_id=row.village_code or None,
                year=batch.year,
                name=row.name,
                id_number=row.id_number,
                phone=row.phone,
                updated_by=actor,
            )
            # The natural key was checked for the whole file; the unique constraint guards the rest.
            person.full_clean(validate_unique=False, validate_constraints=False)
            created.append(person)
        elif person.uninsured_list_id is None:
            person.uninsured_list = lists[row.township_code]
            person.updated_by = actor
            save_checked(person, actor=actor)
            linked += 1
        else:
            kept += 1
    try:
        with transaction.atomic():
            bulk_create_with_history(created, UninsuredPerson, batch_size=500, default_user=actor)
    except IntegrityError:
        raise ValidationError("名单中的人员刚被他人加入台账，请重新上传并预览。") from None
    batch.created_count, batch.linked_count, batch.kept_count = len(created), linked, kept


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
    save_checked(uninsured_list, actor=actor)
    return uninsured_list
