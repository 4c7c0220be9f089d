import datetime
import functools
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.batches import BatchStatus, CheckedRows, batch_confirm, batch_stage
from core.history import history_save
from core.tabular import FileUnreadable, cell_text
from divisions.models import Division
from enrollment.models import Resident
from enrollment.policy import PolicyNotFound, policy_resolve
from enrollment.rules import HardshipTier
from enrollment.services import record_date_check

from .models import CertifyingDepartment, HardshipCategory, HardshipIdentity, IdentityListBatch
from .resources import IdentityListResource, list_file_read
from .selectors import identity_list_batches


@transaction.atomic
def hardship_identity_create(
    *,
    actor: User,
    resident: Resident,
    category: str,
    department: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    disability_grade: int | None = None,
) -> HardshipIdentity:
    """R6.1: an identity certified by a department, valid from one date to another (or open-ended); it cannot be
    certified from a day after today (R13.0), while its end may lie ahead."""
    if category == HardshipCategory.DISABILITY and disability_grade is None:
        raise ValidationError({"disability_grade": "残疾人身份须填写残疾等级（1至4级）。"})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "有效期止不能早于有效期起。"})
    record_date_check(value=valid_from, field="valid_from", label="有效期起")
    identity = HardshipIdentity(
        resident=resident,
        category=category,
        department=department,
        valid_from=valid_from,
        valid_to=valid_to,
        disability_grade=disability_grade,
        recorded_by=actor,
    )
    _identity_save(identity, actor=actor)
    return identity


# --- Department identity lists: preview, then confirm (R6.1) ------------------------------------------------------


def _category_lookup(*, department: str, tiers: tuple[HardshipTier, ...]) -> dict[str, str]:
    """The names a department's list may use for each of its categories (code, name, aliases) → category code."""
    lookup: dict[str, str] = {}
    for tier in tiers:
        if tier.department == department and not tier.disability_grades:
            for label in (tier.category, tier.name, *tier.aliases):
                lookup[label] = tier.category
    return lookup


def identity_list_categories(*, county: Division, department: str, list_date: datetime.date) -> dict[str, str]:
    """The category names a department's list of that date may use in the county → category code.

    Raises FileUnreadable when the county has no subsidy table for the list's date (PolicyNotFound when it has
    no policy at all): no identity can be certified against it.
    """
    tiers = identity_list_tiers(county=county, list_date=list_date)
    if not tiers:
        raise FileUnreadable(f"{county.name}{list_date.year}年度没有困难群众资助档次，无法认定身份。")
    return _category_lookup(department=department, tiers=tiers)


@functools.cache
def _list_fields() -> tuple[Any, ...]:
    return tuple(IdentityListResource().get_import_fields())


def identity_list_row_check(
    row: Mapping[str, object],
    *,
    department: str,
    categories: Mapping[str, str],
    list_date: datetime.date,
    today: datetime.date | None = None,
) -> tuple[dict[str, object], list[str]]:
    """One row of a department's list ({column: cell}) cleaned with the resource's widgets and the department's
    categories (`identity_list_categories`): (values, problems), the row good when there are no problems.
    With `today`, a row certified from a day after it is a problem (R13.0).

    values: id_number, name, category (the code), category_text (as the list wrote it), disability_grade,
    valid_from, valid_to.
    """
    line = {column: row.get(column) for column in IdentityListResource.HEADER_ALIASES}
    values: dict[str, object] = {}
    messages = []
    for field in _list_fields():
        try:
            values[field.attribute] = field.clean(line)
        except ValueError as error:
            messages.append(f"{field.column_name}：{error}")
    if not values.get("name") and "name" in values:
        messages.append("姓名：姓名为空。")
    label = str(values.get("category") or "")
    values["category_text"] = label
    if department == CertifyingDepartment.DISABLED_FEDERATION:
        values["category"] = HardshipCategory.DISABILITY.value
        if "disability_grade" in values and values["disability_grade"] is None:
            messages.append("残疾等级：残联名单须填写残疾等级（1至4级）。")
    else:
        category = categories.get(label, "")
        if "category" in values and not category:
            accepted = "、".join(dict.fromkeys(categories)) if categories else "无"
            messages.append(f"身份类别：「{label}」不是{department}认定的类别，可填：{accepted}。")
        values["category"] = category
        values["disability_grade"] = values.get("disability_grade") if category else None
    valid_from = values.get("valid_from")
    valid_to = values.get("valid_to")
    if isinstance(valid_to, datetime.date) and valid_to < (
        valid_from if isinstance(valid_from, datetime.date) else list_date
    ):
        messages.append("有效期止：不能早于有效期起。")
    if today is not None and isinstance(valid_from, datetime.date) and valid_from > today:
        messages.append(f"有效期起：{valid_from.isoformat()}晚于今天（{today.isoformat()}）。")
    return values, messages


def _check_rows(
    *,
    rows: list[dict[str, object]],
    department: str,
    categories: dict[str, str],
    list_date: datetime.date,
    today: datetime.date,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Clean every row (`identity_list_row_check`) and refuse repeats: (checked rows, row errors)."""
    checked, errors = [], []
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        values, messages = identity_list_row_check(
            row, department=department, categories=categories, list_date=list_date, today=today
        )
        category = str(values["category"])
        key = (str(values.get("id_number", "")), category)
        if not messages and key in first_seen:
            messages.append(f"与第{first_seen[key]}行重复（同一人同一类别）。")
        if messages:
            shown = {column: cell_text(row[column]) for column in IdentityListResource.HEADER_ALIASES if column in row}
            errors.append({"row": row["行号"], "values": shown, "errors": messages})
            continue
        first_seen[key] = int(row["行号"])  # type: ignore[call-overload]
        valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
        checked.append(
            {
                "row": row["行号"],
                "id_number": values["id_number"],
                "name": values["name"],
                "category": category,
                "disability_grade": values.get("disability_grade"),
                "valid_from": valid_from.isoformat() if valid_from else None,  # type: ignore[attr-defined]
                "valid_to": valid_to.isoformat() if valid_to else None,  # type: ignore[attr-defined]
            }
        )
    return checked, errors


def identity_list_tiers(*, county: Division, list_date: datetime.date) -> tuple[HardshipTier, ...]:
    """The subsidy table whose categories a list names: that of the list's year, or, for a list sent in autumn
    before the collection period of the coming year opens, the coming year's."""
    for year in (list_date.year, list_date.year + 1):
        tiers = policy_resolve(region_code=county.code, insurance_year=year).hardship_tiers
        if tiers:
            return tiers
    return ()


def identity_list_preview(
    *, actor: User, county: Division, department: str, list_date: datetime.date, file_name: str, content: bytes
) -> IdentityListBatch:
    """Check a department's list without touching any identity: what confirming it would write, row by row.

    Rows that cannot be right (ID number, category, dates, duplicates, a name that differs from the registry)
    refuse the whole list; people not in the county's registry are listed, to be registered, and do not.
    """
    record_date_check(value=list_date, field="list_date", label="名单日期")

    def check(batch: IdentityListBatch) -> CheckedRows:
        rows, columns = list_file_read(file_name=file_name, content=content)
        if not rows:
            raise FileUnreadable("名单中没有数据行。")
        categories = identity_list_categories(county=county, department=department, list_date=list_date)
        missing = [column for column in IdentityListResource.required_columns(department) if column not in columns]
        if missing:
            raise FileUnreadable(f"缺少列：{'、'.join(missing)}。请使用{department}名单模板。")
        checked, errors = _check_rows(
            rows=rows, department=department, categories=categories, list_date=list_date, today=timezone.localdate()
        )
        matched, batch.unmatched_rows = _registry_match(county=county, checked=checked, errors=errors)
        return CheckedRows(
            rows_total=len(rows), checked_rows=matched, row_errors=sorted(errors, key=lambda error: error["row"])
        )

    batch = IdentityListBatch(
        department=department, county=county, list_date=list_date, file_name=file_name[:255], uploaded_by=actor
    )
    return batch_stage(batch=batch, check=check, file_refusals=(FileUnreadable, PolicyNotFound))


def _registry_match(
    *, county: Division, checked: list[dict[str, Any]], errors: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The checked rows of people in the county's registry under the same name, and those not in it; a row whose
    name differs from the registry's is added to `errors`."""
    residents = dict(
        Resident.objects.filter(
            id_number__in={row["id_number"] for row in checked}, household_division__code__startswith=county.code
        ).values_list("id_number", "name")
    )
    matched, unmatched = [], []
    for row in checked:
        registered_name = residents.get(row["id_number"])
        if registered_name is None:
            unmatched.append(row)
        elif registered_name != row["name"]:
            values = {"身份证号": row["id_number"], "姓名": row["name"]}
            errors.append(
                {"row": row["row"], "values": values, "errors": [f"姓名：与档案不符（档案为{registered_name}）。"]}
            )
        else:
            matched.append(row)
    return matched, unmatched


def identity_list_order_check(*, county: Division, department: str, list_date: datetime.date) -> None:
    """A department's lists of a county are applied in date order: once a list is imported, an older one is not."""
    newer = IdentityListBatch.objects.filter(
        department=department, county=county, status=BatchStatus.CONFIRMED, list_date__gt=list_date
    ).first()
    if newer is not None:
        raise ValidationError(f"已导入{newer.list_date:%Y年%-m月%-d日}的{department}名单，不能再导入较早的名单。")


def identity_list_confirm(*, actor: User, batch: IdentityListBatch) -> IdentityListBatch:
    """Write a previewed list: identities on it are created or updated, and the department's identities in the
    county that it no longer names end the day before the list's date, with the list recorded as the reason."""
    return batch_confirm(
        batches=identity_list_batches(user=actor),
        pk=batch.pk,
        actor=actor,
        write=lambda batch: _identity_list_write(actor=actor, batch=batch),
    )


def _identity_list_write(*, actor: User, batch: IdentityListBatch) -> None:
    identity_list_order_check(county=batch.county, department=batch.department, list_date=batch.list_date)
    residents = dict(
        Resident.objects.filter(id_number__in=[row["id_number"] for row in batch.checked_rows]).values_list(
            "id_number", "pk"
        )
    )
    current = {
        (identity.resident_id, identity.category): identity
        for identity in HardshipIdentity.objects.filter(
            department=batch.department,
            resident__household_division__code__startswith=batch.county_id,
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=batch.list_date))
    }
    for row in batch.checked_rows:
        key = (residents[row["id_number"]], row["category"])
        identity = current.pop(key, None)
        # A row without its own start keeps the start the identity already has; a new one starts on the list's date.
        listed_from = datetime.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None
        changes = {
            "valid_from": listed_from or (identity.valid_from if identity else batch.list_date),
            "valid_to": datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            "disability_grade": row["disability_grade"],
        }
        if identity is None:
            identity = HardshipIdentity(
                resident_id=key[0], category=key[1], department=batch.department, recorded_by=actor, **changes
            )
            batch.created_count += 1
        elif any(getattr(identity, field) != value for field, value in changes.items()):
            for field, value in changes.items():
                setattr(identity, field, value)
            batch.updated_count += 1
        identity.batch = batch
        _identity_save(identity, actor=actor)
    day_before = batch.list_date - datetime.timedelta(days=1)
    for identity in current.values():
        identity.valid_to = max(day_before, identity.valid_from)
        identity.ended_by_batch = batch
        _identity_save(identity, actor=actor)
        batch.ended_count += 1


def _identity_save(identity: HardshipIdentity, *, actor: User) -> None:
    identity.full_clean()
    history_save(identity, actor=actor)
