"""A department's identity list (困难身份名单) from a bulk file: the row check, the set-based checks and the load.

The business is that of `subsidies.services.identity_list_confirm` (R6.1), for lists too big to preview and keep as
JSON: each row is cleaned by the same `identity_list_row_check` against the department's categories of the list's
date; a person and category repeated in the file, or a name that differs from the registry, refuses the file;
people not registered in the county (by household) are skipped and listed in the report, the rest is loaded.

The load records an IdentityListBatch (confirmed, with its counts) and then, in the same transaction: a listed
person and category the department already certifies in the county (valid on the list's date) is updated when its
dates or grade differ, one it does not is created (valid from the list's date unless the row says otherwise), and
the department's identities in the county that the list no longer names end the day before the list's date, with
the batch recorded as the reason. Unlike the preview-and-confirm path, an identity the list repeats unchanged is not
written at all (it keeps the batch that last changed it), so importing the same list again writes nothing.

History: django-simple-history records nothing on bulk writes; the load writes the HistoricalHardshipIdentity rows
itself ('+' created, '~' updated or ended) with the importing user and the reason "批量导入 #<job>".
"""

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.permissions import IMPORT_IDENTITY_LIST
from bulk.models import BulkImportJob, BulkImportKind
from bulk.registry import BulkLoader, register_loader
from bulk.rules import REASON_SEPARATOR, Column
from bulk.staging import (
    OUTCOME_ERROR,
    OUTCOME_SKIP,
    READ_BATCH_ROWS,
    Stage,
    StageColumn,
    history_columns,
    history_reason,
    mark_duplicates,
)
from config.forms import DateInput
from core.batches import BatchStatus
from core.tabular import FileUnreadable
from divisions.models import Division
from enrollment.models import Resident
from enrollment.policy import PolicyNotFound

from . import services as subsidies_services
from .models import CertifyingDepartment, HardshipIdentity, IdentityListBatch
from .resources import IdentityListResource

NOT_REGISTERED = "档案中未找到该居民"
# The upload form's fields an identity list needs (kept in the job's parameters).
DEPARTMENT_REQUIRED = "导入困难身份名单须选择认定部门。"
LIST_DATE_REQUIRED = "导入困难身份名单须填写名单日期。"
LIST_DATE_IN_THE_FUTURE = "名单日期不能晚于今天。"
IDENTITY_LIST_STAGE_COLUMNS = (
    StageColumn("id_number", "varchar(18)", "text"),
    StageColumn("name", "text", "text"),
    StageColumn("category", "varchar(32)", "text"),
    StageColumn("category_text", "text", "text"),
    StageColumn("disability_grade", "smallint", "integer"),
    StageColumn("valid_from", "date", "text"),
    StageColumn("valid_to", "date", "text"),
)
STAGED_VALUES = tuple(column.name for column in IDENTITY_LIST_STAGE_COLUMNS)


def identity_list_columns(department: str) -> tuple[Column, ...]:
    """The columns of a department's list, under the header names the subsidies path accepts; a 残联 list gives a
    disability grade instead of a category."""
    required = IdentityListResource.required_columns(department)
    return tuple(
        Column(name, tuple(aliases), required=name in required)
        for name, aliases in IdentityListResource.HEADER_ALIASES.items()
    )


IDENTITY_LIST_COLUMNS = identity_list_columns(CertifyingDepartment.CIVIL_AFFAIRS)


def identity_list_form_fields() -> dict[str, forms.Field]:
    """The upload form's fields of a list: the department that certifies it and the list's date."""
    return {
        "department": forms.ChoiceField(
            label="认定部门", choices=[("", "请选择（仅困难身份名单）"), *CertifyingDepartment.choices], required=False
        ),
        "list_date": forms.DateField(
            label="名单日期",
            help_text=IdentityListBatch._meta.get_field("list_date").help_text,
            widget=DateInput(),
            required=False,
        ),
    }


def identity_list_parameters_check(*, actor: User, county: Division, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """What a job needs before its file is read: the right to import lists, a department and a date not after today,
    and no newer list of that department already imported for the county. Returns the job's parameters."""
    if not actor.has_perm(IMPORT_IDENTITY_LIST):
        raise ValidationError({"kind": "没有导入困难身份名单的权限。"})
    department, list_date = parameters.get("department") or "", parameters.get("list_date")
    errors = {}
    if department not in CertifyingDepartment.values:
        errors["department"] = DEPARTMENT_REQUIRED
    if not isinstance(list_date, datetime.date):
        errors["list_date"] = LIST_DATE_REQUIRED
    elif list_date > timezone.localdate():
        errors["list_date"] = LIST_DATE_IN_THE_FUTURE
    if errors:
        raise ValidationError(errors)
    list_date = cast(datetime.date, list_date)
    try:
        subsidies_services.identity_list_order_check(county=county, department=department, list_date=list_date)
    except ValidationError as error:
        raise ValidationError({"list_date": error.messages}) from None
    return {"department": department, "list_date": list_date.isoformat()}


def list_parameters(parameters: Mapping[str, Any]) -> tuple[str, datetime.date]:
    """The department and the list's date a job keeps (identity_list_parameters_check refuses a job without them)."""
    return parameters["department"], datetime.date.fromisoformat(parameters["list_date"])


def identity_list_row_context(job: BulkImportJob) -> dict[str, object]:
    """The department's category names on the list's date, looked up once for the whole file. A ValidationError
    refuses the job: a newer list already imported, or no subsidy table to certify against."""
    department, list_date = list_parameters(job.parameters)
    subsidies_services.identity_list_order_check(county=job.county, department=department, list_date=list_date)
    try:
        categories = subsidies_services.identity_list_categories(
            county=job.county,
            department=department,
            list_date=list_date,
        )
    except (FileUnreadable, PolicyNotFound) as error:
        raise ValidationError(str(error)) from None
    return {
        "department": department,
        "categories": categories,
        "list_date": list_date,
        "today": timezone.localdate(),
    }


def identity_list_row_check(
    cells: Sequence[object],
    *,
    positions: Mapping[str, int],
    department: str,
    categories: Mapping[str, str],
    list_date: datetime.date,
    today: datetime.date,
) -> tuple[tuple | None, str]:
    """A row of a department's list: (id_number, name, category, category_text, disability_grade, valid_from,
    valid_to) or reasons, as the list import of the subsidies pages checks it."""
    row = {name: cells[position] if position < len(cells) else None for name, position in positions.items()}
    values, problems = subsidies_services.identity_list_row_check(
        row, department=department, categories=categories, list_date=list_date, today=today
    )
    if problems:
        return None, REASON_SEPARATOR.join(problems)
    return tuple(values[name] for name in STAGED_VALUES), ""


def identity_list_report_texts(values: tuple) -> list[str]:
    id_number, name, _category, category_text, grade, valid_from, valid_to = values
    return [
        id_number or "",
        name or "",
        category_text or "",
        "" if grade is None else str(grade),
        str(valid_from or ""),
        str(valid_to or ""),
    ]


def _held_sql() -> str:
    """The department's identities in the county still valid on the list's date, one per person and category: of
    several, the latest to start, as identity_list_confirm keeps the last in start order (ties: the latest
    recorded)."""
    return f"""
        SELECT id, resident_id, category, valid_from, valid_to FROM (
            SELECT h.id, h.resident_id, h.category, h.valid_from, h.valid_to, ROW_NUMBER() OVER (
                PARTITION BY h.resident_id, h.category ORDER BY h.valid_from DESC, h.id DESC) AS position
            FROM {HardshipIdentity._meta.db_table} h JOIN {Resident._meta.db_table} r ON r.id = h.resident_id
            WHERE h.department = %(department)s AND r.household_division_id LIKE %(scope)s
              AND (h.valid_to IS NULL OR h.valid_to >= %(list_date)s)
        ) ranked WHERE position = 1
    """


def _execute(sql: str, params: Mapping[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def identity_list_checks(stage: Stage, *, county_code: str, department: str, list_date: datetime.date) -> None:
    """A person and category twice in the file; people not registered in the county (skipped); a name that differs
    from the registry; a closing date before the start of the identity the row would update."""
    mark_duplicates(stage, key="id_number, category", what="同一人同一类别")
    resident_table = Resident._meta.db_table
    params = {
        "error": OUTCOME_ERROR,
        "skip": OUTCOME_SKIP,
        "not_registered": NOT_REGISTERED,
        "department": department,
        "scope": f"{county_code}%",
        "list_date": list_date,
    }
    _execute(
        f"""
        UPDATE {stage.name} SET outcome = %(skip)s, problem = %(not_registered)s
        WHERE outcome IS NULL AND NOT EXISTS (
            SELECT 1 FROM {resident_table} r
            WHERE r.id_number = {stage.name}.id_number AND r.household_division_id LIKE %(scope)s)
        """,
        params,
    )
    _execute(
        f"""
        UPDATE {stage.name} SET outcome = %(error)s, problem = %(name_before)s || r.name || %(name_after)s
        FROM {resident_table} r
        WHERE {stage.name}.outcome IS NULL AND r.id_number = {stage.name}.id_number AND r.name <> {stage.name}.name
        """,
        {**params, "name_before": "姓名：与档案不符（档案为", "name_after": "）。"},
    )
    # Row by row through the registry's and the identities' indexes (only rows with a closing date and no start of
    # their own), so that the plan does not depend on statistics of tables an earlier import has just filled.
    held_start = f"""
        SELECT h.valid_from FROM {HardshipIdentity._meta.db_table} h JOIN {resident_table} r ON r.id = h.resident_id
        WHERE r.id_number = {stage.name}.id_number AND h.category = {stage.name}.category
          AND h.department = %(department)s AND (h.valid_to IS NULL OR h.valid_to >= %(list_date)s)
        ORDER BY h.valid_from DESC, h.id DESC LIMIT 1
    """
    _execute(
        f"""
        UPDATE {stage.name} SET outcome = %(error)s,
            problem = %(start_before)s || CAST(({held_start}) AS text) || %(start_after)s
        WHERE outcome IS NULL AND valid_from IS NULL AND valid_to IS NOT NULL AND ({held_start}) > valid_to
        """,
        {**params, "start_before": "有效期止：不能早于该身份已登记的有效期起（", "start_after": "）。"},
    )


def identity_list_load(stage: Stage, *, job: BulkImportJob, now: datetime.datetime) -> tuple[int, int]:
    """Record the list's batch and apply the stage's good rows to the identities, with their history; returns
    (created, updated). The number ended is the batch's."""
    department, list_date = list_parameters(job.parameters)
    subsidies_services.identity_list_order_check(county=job.county, department=department, list_date=list_date)
    batch = IdentityListBatch(
        department=department,
        county_id=job.county_id,
        list_date=list_date,
        file_name=job.file_name,
        status=BatchStatus.CONFIRMED,
        rows_total=job.rows_total,
        uploaded_by=job.requested_by,
        confirmed_by=job.requested_by,
        confirmed_at=now,
        bulk_import_job=job,
    )
    batch.full_clean()
    batch.save()
    params = {
        "department": department,
        "scope": f"{job.county_id}%",
        "list_date": list_date,
        "day_before": list_date - datetime.timedelta(days=1),
        "batch": batch.pk,
        "user": job.requested_by_id,
        "now": now,
        "reason": history_reason(job.pk),
    }
    if connection.vendor == "postgresql":
        created, updated, ended = _load_postgresql(stage, params=params)
    else:
        created, updated, ended = _load_batched(stage, job=job, batch=batch, params=params)
    IdentityListBatch.objects.filter(pk=batch.pk).update(
        uploaded_at=job.created_at, created_count=created, updated_count=updated, ended_count=ended
    )
    return created, updated


def _load_postgresql(stage: Stage, *, params: Mapping[str, Any]) -> tuple[int, int, int]:
    """One statement: the identities held and the listed rows paired once, then the updates, the endings, the
    inserts and their history rows as data-modifying CTEs of the same snapshot.

    The pairing is a FULL JOIN, which PostgreSQL runs only as a hash or merge join: right after a big load, before
    the tables are analysed, an anti-join between the two could otherwise be planned as a nested loop over a
    million rows on each side.
    """
    identity_table = HardshipIdentity._meta.db_table
    columns = ", ".join(history_columns(HardshipIdentity))
    history = f"{columns}, %(now)s, %(reason)s"
    sql = f"""
        WITH plan AS MATERIALIZED (
            SELECT held.id AS held_id, listed.resident_id, listed.category, listed.disability_grade,
                listed.valid_from, listed.valid_to
            FROM ({_held_sql()}) held
            FULL JOIN (
                SELECT r.id AS resident_id, s.category, s.disability_grade, s.valid_from, s.valid_to
                FROM {stage.name} s JOIN {Resident._meta.db_table} r ON r.id_number = s.id_number
                WHERE s.outcome IS NULL
            ) listed ON listed.resident_id = held.resident_id AND listed.category = held.category
        ), updated AS (
            UPDATE {identity_table} h SET
                valid_from = COALESCE(plan.valid_from, h.valid_from),
                valid_to = plan.valid_to,
                disability_grade = plan.disability_grade,
                batch_id = %(batch)s
            FROM plan
            WHERE h.id = plan.held_id AND plan.resident_id IS NOT NULL
              AND (COALESCE(plan.valid_from, h.valid_from), plan.valid_to, plan.disability_grade)
                  IS DISTINCT FROM (h.valid_from, h.valid_to, h.disability_grade)
            RETURNING h.*
        ), ended AS (
            UPDATE {identity_table} h SET
                valid_to = GREATEST(%(day_before)s, h.valid_from),
                ended_by_batch_id = %(batch)s
            FROM plan
            WHERE h.id = plan.held_id AND plan.resident_id IS NULL
              AND h.valid_to IS DISTINCT FROM GREATEST(%(day_before)s, h.valid_from)
            RETURNING h.*
        ), created AS (
            INSERT INTO {identity_table} (
                resident_id, category, disability_grade, department, valid_from, valid_to, batch_id,
                ended_by_batch_id, recorded_by_id, created_at)
            SELECT plan.resident_id, plan.category, plan.disability_grade, %(department)s,
                COALESCE(plan.valid_from, %(list_date)s), plan.valid_to, %(batch)s, NULL, %(user)s, %(now)s
            FROM plan
            WHERE plan.held_id IS NULL AND NOT EXISTS (
                SELECT 1 FROM {identity_table} same
                WHERE same.resident_id = plan.resident_id AND same.category = plan.category
                  AND same.department = %(department)s
                  AND same.valid_from = COALESCE(plan.valid_from, %(list_date)s)
                  AND same.valid_to IS NOT DISTINCT FROM plan.valid_to
                  AND same.disability_grade IS NOT DISTINCT FROM plan.disability_grade)
            ORDER BY plan.resident_id, plan.category
            RETURNING *
        ), history AS (
            INSERT INTO {HardshipIdentity.history.model._meta.db_table} (
                {columns}, history_date, history_change_reason, history_type, history_user_id)
            SELECT {history}, '+', %(user)s FROM created
            UNION ALL SELECT {history}, '~', %(user)s FROM updated
            UNION ALL SELECT {history}, '~', %(user)s FROM ended
        )
        SELECT (SELECT COUNT(*) FROM created), (SELECT COUNT(*) FROM updated), (SELECT COUNT(*) FROM ended)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created, updated, ended = cursor.fetchone()
    return created, updated, ended


def _load_batched(
    stage: Stage, *, job: BulkImportJob, batch: IdentityListBatch, params: Mapping[str, Any]
) -> tuple[int, int, int]:
    """SQLite: the identities to end first, then the listed rows `READ_BATCH_ROWS` at a time, each page matched to
    the identities held, written with `bulk_create`/`bulk_update` and their history rows in bulk."""
    history = {
        "default_user": job.requested_by,
        "default_change_reason": params["reason"],
        "default_date": params["now"],
    }
    ended = _end_batched(stage, batch=batch, params=params, history=history)
    created = updated = 0
    last_line = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT s.line, r.id, s.category, s.disability_grade, s.valid_from, s.valid_to, held.id
                FROM {stage.name} s JOIN {Resident._meta.db_table} r ON r.id_number = s.id_number
                LEFT JOIN ({_held_sql()}) held ON held.resident_id = r.id AND held.category = s.category
                WHERE s.outcome IS NULL AND s.line > %(after)s
                ORDER BY s.line LIMIT %(limit)s
                """,
                {**params, "after": last_line, "limit": READ_BATCH_ROWS},
            )
            rows = cursor.fetchall()
        if not rows:
            break
        last_line = rows[-1][0]
        held = HardshipIdentity.objects.in_bulk([row[-1] for row in rows if row[-1] is not None])
        recorded = set(
            HardshipIdentity.objects.filter(
                resident_id__in=[row[1] for row in rows if row[-1] is None], department=params["department"]
            ).values_list("resident_id", "category", "valid_from", "valid_to", "disability_grade")
        )
        new, changed = [], []
        for _line, resident_id, category, grade, listed_from, listed_to, held_id in rows:
            identity = held.get(held_id)
            # A row without its own start keeps the start the identity already has; a new one starts on the list's
            # date (as identity_list_confirm).
            changes = {
                "valid_from": _date(listed_from) or (identity.valid_from if identity else params["list_date"]),
                "valid_to": _date(listed_to),
                "disability_grade": grade,
            }
            if identity is None:
                if (resident_id, category, *changes.values()) in recorded:
                    continue  # already recorded exactly so, ended before the list's date
                new.append(
                    HardshipIdentity(
                        resident_id=resident_id,
                        category=category,
                        department=params["department"],
                        batch=batch,
                        recorded_by=job.requested_by,
                        **changes,
                    )
                )
            elif any(getattr(identity, field) != value for field, value in changes.items()):
                for field, value in changes.items():
                    setattr(identity, field, value)
                identity.batch = batch
                changed.append(identity)
        if new:
            HardshipIdentity.objects.bulk_create(new)
            HardshipIdentity.history.bulk_history_create(new, **history)
        if changed:
            HardshipIdentity.objects.bulk_update(changed, ["valid_from", "valid_to", "disability_grade", "batch"])
            HardshipIdentity.history.bulk_history_create(changed, update=True, **history)
        created += len(new)
        updated += len(changed)
    return created, updated, ended


def _end_batched(
    stage: Stage, *, batch: IdentityListBatch, params: Mapping[str, Any], history: Mapping[str, object]
) -> int:
    """The identities held that no good row of the stage names end the day before the list's date (or on the day
    they start, when that is later); one already ended so is left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT held.id FROM ({_held_sql()}) held
            WHERE NOT EXISTS (
                SELECT 1 FROM {stage.name} s JOIN {Resident._meta.db_table} r ON r.id_number = s.id_number
                WHERE s.outcome IS NULL AND r.id = held.resident_id AND s.category = held.category)
            ORDER BY held.id
            """,
            params,
        )
        candidates = [identity_id for (identity_id,) in cursor.fetchall()]
    day_before: datetime.date = params["day_before"]
    ended = 0
    for start in range(0, len(candidates), READ_BATCH_ROWS):
        identities = []
        for identity in HardshipIdentity.objects.filter(pk__in=candidates[start : start + READ_BATCH_ROWS]):
            valid_to = max(day_before, identity.valid_from)
            if identity.valid_to != valid_to:
                identity.valid_to, identity.ended_by_batch = valid_to, batch
                identities.append(identity)
        HardshipIdentity.objects.bulk_update(identities, ["valid_to", "ended_by_batch"])
        HardshipIdentity.history.bulk_history_create(identities, update=True, **history)
        ended += len(identities)
    return ended


def _date(value: object) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _identity_list_for_job(loader: BulkLoader, job: BulkImportJob) -> BulkLoader:
    context = identity_list_row_context(job)
    department, list_date = list_parameters(job.parameters)
    return dataclasses.replace(
        loader,
        columns=identity_list_columns(department),
        row_context=lambda county: context,
        checks=lambda stage, county_code: identity_list_checks(
            stage, county_code=county_code, department=department, list_date=list_date
        ),
    )


def _heading(parameters: Mapping[str, Any]) -> str:
    return f"{parameters['department']}名单 · 名单日期 {parameters['list_date']}"


def _in_list(parameters: Mapping[str, Any]) -> str:
    return f"{parameters['department']} {parameters['list_date']}"


IDENTITY_LIST_LOADER = BulkLoader(
    columns=IDENTITY_LIST_COLUMNS,
    stage_columns=IDENTITY_LIST_STAGE_COLUMNS,
    row_check=identity_list_row_check,
    checks=identity_list_checks,
    report_texts=identity_list_report_texts,
    load=lambda stage, job, now: identity_list_load(stage, job=job, now=now),
    for_job=_identity_list_for_job,
    form_fields=identity_list_form_fields,
    parameters_check=identity_list_parameters_check,
    parameters_heading=_heading,
    parameters_in_list=_in_list,
    template_notes=(
        "上传时选择认定部门和名单日期；一个文件为一个部门在本县（区）的完整名单。",
        "身份证号、姓名必填；民政、农业农村、卫健名单填写身份类别（如“低保对象”“特困人员”“边缘易致贫户”），"
        "可填写的类别以名单日期所在年度本县（区）的困难群众资助档次为准；残联名单填写残疾等级（1至4级，或一级至四级）。",
        "有效期起留空：新认定的身份自名单日期起有效，已有的身份保留原有效期起；有效期止留空为长期有效；日期写成2026-01-01。",
        "该部门在本县（区）已认定、但新名单中没有的人员，身份于名单日期前一日终止。",
        "户籍不在本县（区）居民档案中的人员跳过，在问题行报告中列为“档案中未找到该居民”，请先登记后重新导入名单。",
        "同一人同一类别重复、姓名与档案不符等任何一行有错误，整个文件不导入；请按问题行报告改正后重新上传。",
    ),
)


def loaders_register() -> None:
    register_loader(BulkImportKind.IDENTITY_LIST, IDENTITY_LIST_LOADER)
