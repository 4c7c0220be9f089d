"""The resident registry (一人一档) from a county's file: the set-based checks and the load, for either backend.

A person is keyed by the ID number. A new number creates the person (status normal, not a placeholder, gender and
birth date from the number). A known number updates name, household and residence division and phone, and only when
one of them differs: a re-import of the same file writes nothing, `updated_at` included. An empty phone or
residence cell keeps what is stored (the public-security registry does not know phone numbers). The status is never
touched: a person recorded as deceased or moved out stays so.

History: django-simple-history records nothing on bulk writes, so the load writes the HistoricalResident rows
itself, set-based in the same transaction: one '+' row per person created and one '~' row per person changed, with
the importing user and the reason "批量导入 #<job>". Unchanged people get none. The job row keeps the file.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection

from accounts.models import User
from bulk.rules import (
    NAME_MAX_LENGTH,
    PHONE_PATTERN,
    REASON_SEPARATOR,
    Column,
    cells_at,
    name_problems,
    phone_is_plain,
)
from bulk.staging import (
    OUTCOME_ERROR,
    Stage,
    date_column,
    history_columns,
    history_reason,
    mark_duplicates,
    text_column,
)
from core.tabular import cell_text
from enrollment.models import Resident, ResidentStatus

from .cells import id_number_check

REGISTERED_ELSEWHERE = "该身份证号已在本县（区）以外登记，不能由本县（区）导入修改；如需迁入，请由原区县先办理迁出。"
UPDATED_FIELDS = ("name", "phone", "household_division", "residence_division")

RESIDENT_COLUMNS = (
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
    Column("姓名", ("姓名",)),
    Column("户籍地代码", ("户籍地代码", "户籍地区划代码", "户籍所在村（社区）代码", "户籍所在村代码")),
    Column("联系电话", ("联系电话", "电话", "手机号码"), required=False),
    Column("居住地代码", ("居住地代码", "居住地区划代码"), required=False),
)
RESIDENT_COLUMN_NAMES = tuple(column.name for column in RESIDENT_COLUMNS)  # the order resident_row_check reads
# The typed columns of the stage, in the order resident_row_check returns a good row's values.
RESIDENT_STAGE_COLUMNS = (
    text_column("id_number", 18),
    text_column("name", 64),
    text_column("household_division_id", 12),
    text_column("phone", 20),
    text_column("residence_division_id", 12),
    text_column("gender", 1),
    date_column("birth_date"),
)


def resident_row_check(
    cells: Sequence[object], *, positions: Mapping[str, int], division_codes: frozenset[str], today: datetime.date
) -> tuple[tuple[Any, ...] | None, str]:
    """A registry row: (id_number, name, household code, phone, residence code, gender, birth date) or reasons.

    `division_codes` are the townships and villages of the importing county: a person is registered in one of them.
    No one is registered with a birth date after today (R13.0).
    """
    id_cell, *texts = cells_at(cells, positions, RESIDENT_COLUMN_NAMES)
    name, household, phone, residence = [cell.strip() if type(cell) is str else cell_text(cell) for cell in texts]
    reasons = []
    identity = id_number_check(id_cell, today=today)
    if isinstance(identity, str):
        reasons.append(identity)
    if not name or len(name) > NAME_MAX_LENGTH:
        reasons += name_problems(name)
    if not household:
        reasons.append("户籍地代码为空。")
    elif household not in division_codes:
        reasons.append(f"户籍地代码 {household} 不是本县（区）的乡镇（街道）或村（社区）代码。")
    if residence and residence not in division_codes:
        reasons.append(f"居住地代码 {residence} 不是本县（区）的乡镇（街道）或村（社区）代码。")
    if not phone_is_plain(phone) and not PHONE_PATTERN.match(phone):
        reasons.append("联系电话只能包含数字，且不超过20位。")
    if reasons:
        return None, REASON_SEPARATOR.join(reasons)
    id_number, birth_date, gender = identity  # type: ignore[misc]
    return (id_number, name, household, phone, residence or None, gender, birth_date), ""


def resident_checks(stage: Stage, *, county_code: str) -> None:
    """The checks that need the whole file or the registry: duplicates, and people registered in another county."""
    mark_duplicates(stage, key="id_number", what="身份证号")
    scope = f"{county_code}%"
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s, problem = %s
        WHERE outcome IS NULL AND EXISTS (
            SELECT 1 FROM {Resident._meta.db_table} r
            WHERE r.id_number = {{stage}}.id_number
              AND r.household_division_id NOT LIKE %s
              AND (r.residence_division_id IS NULL OR r.residence_division_id NOT LIKE %s))
        """,
        [OUTCOME_ERROR, REGISTERED_ELSEWHERE, scope, scope],
    )


def resident_report_texts(values: tuple) -> list[str]:
    id_number, name, household, phone, residence, _gender, _birth_date = values
    return [id_number or "", name or "", household or "", phone or "", residence or ""]


def resident_load(
    stage: Stage, *, job_id: int, county_code: str, actor: User, now: datetime.datetime
) -> tuple[int, int]:
    """Upsert the stage's good rows into the registry with their history; returns (created, updated)."""
    if connection.vendor == "postgresql":
        return _load_postgresql(stage, job_id=job_id, county_code=county_code, actor=actor, now=now)
    return _load_batched(stage, job_id=job_id, county_code=county_code, actor=actor, now=now)


def _load_postgresql(
    stage: Stage, *, job_id: int, county_code: str, actor: User, now: datetime.datetime
) -> tuple[int, int]:
    """One set-based upsert, writing the history of what it wrote from what it returns: a new person is inserted
    ('+'); a registered person of the county whose data differ is updated ('~'); anyone else (unchanged, or
    registered in another county) is left untouched. Each row costs one look-up of the unique index, and a person
    registered by a window meanwhile is updated like any other.

    The rows are written in the order the stage holds them: each block of the file comes in ID-number order
    (BulkLoader.block_order), so the unique index is walked page by page without a sort here. A new person twice in
    one block (a file loaded as it is read, whose checks come after the load) makes PostgreSQL refuse the statement,
    as one statement may write a row only once (CardinalityViolation): the streamed load then checks the file in
    full, which refuses both rows."""
    resident_table = Resident._meta.db_table
    history_table = Resident.history.model._meta.db_table
    columns = ", ".join(history_columns(Resident))
    upsert = f"""
        WITH written AS (
            INSERT INTO {resident_table} AS r (
                id_number, id_number_is_placeholder, name, gender, birth_date, phone,
                household_division_id, residence_division_id, status, created_at, updated_at)
            SELECT s.id_number, false, s.name, s.gender, s.birth_date, s.phone,
                s.household_division_id, s.residence_division_id, %(status)s, %(now)s, %(now)s
            FROM {stage.name} s
            WHERE s.outcome IS NULL
            ON CONFLICT (id_number) DO UPDATE SET
                name = excluded.name,
                phone = COALESCE(NULLIF(excluded.phone, ''), r.phone),
                household_division_id = excluded.household_division_id,
                residence_division_id = COALESCE(excluded.residence_division_id, r.residence_division_id),
                updated_at = %(now)s
            WHERE (r.household_division_id LIKE %(scope)s OR r.residence_division_id LIKE %(scope)s)
              AND (r.name, r.phone, r.household_division_id, r.residence_division_id) IS DISTINCT FROM (
                    excluded.name,
                    COALESCE(NULLIF(excluded.phone, ''), r.phone),
                    excluded.household_division_id,
                    COALESCE(excluded.residence_division_id, r.residence_division_id))
            RETURNING r.*, r.created_at = %(now)s AS created
        ), history AS (
            INSERT INTO {history_table} (
                {columns}, history_date, history_change_reason, history_type, history_user_id)
            SELECT {columns}, %(now)s, %(reason)s, CASE WHEN created THEN '+' ELSE '~' END, %(user)s FROM written
        )
        SELECT COUNT(*) FILTER (WHERE created), COUNT(*) FILTER (WHERE NOT created) FROM written
    """
    params: dict[str, Any] = {
        "status": ResidentStatus.NORMAL,
        "now": now,
        "scope": f"{county_code}%",
        "reason": history_reason(job_id),
        "user": actor.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(upsert, params)
        created, updated = cursor.fetchone()
    return created, updated


def _load_batched(
    stage: Stage, *, job_id: int, county_code: str, actor: User, now: datetime.datetime
) -> tuple[int, int]:
    """SQLite: 5,000 rows at a time, one query for the people already registered, `bulk_create` (update_conflicts)
    for the new ones and `bulk_update` for the changed ones, and their history rows in bulk."""
    created = updated = 0
    names = ["id_number", "name", "household_division_id", "phone", "residence_division_id", "gender", "birth_date"]
    for batch in stage.good_row_batches(names):
        known = {
            resident.id_number: resident for resident in Resident.objects.filter(id_number__in=[r[0] for r in batch])
        }
        new, changed = [], []
        for id_number, name, household, phone, residence, gender, birth_date in batch:
            resident = known.get(id_number)
            if resident is None:
                new.append(
                    Resident(
                        id_number=id_number,
                        name=name,
                        gender=gender,
                        birth_date=datetime.date.fromisoformat(birth_date),
                        phone=phone,
                        household_division_id=household,
                        residence_division_id=residence,
                        status=ResidentStatus.NORMAL,
                        created_at=now,
                        updated_at=now,
                    )
                )
                continue
            visible = resident.household_division_id.startswith(county_code) or (
                resident.residence_division_id or ""
            ).startswith(county_code)
            after = (name, phone or resident.phone, household, residence or resident.residence_division_id)
            before = (resident.name, resident.phone, resident.household_division_id, resident.residence_division_id)
            if visible and after != before:
                resident.name, resident.phone, resident.household_division_id, resident.residence_division_id = after
                resident.updated_at = now
                changed.append(resident)
        if new:
            Resident.objects.bulk_create(
                new,
                update_conflicts=True,
                unique_fields=["id_number"],
                update_fields=[*UPDATED_FIELDS, "updated_at"],
            )
            Resident.history.bulk_history_create(
                new, default_user=actor, default_change_reason=history_reason(job_id), default_date=now
            )
        if changed:
            Resident.objects.bulk_update(changed, [*UPDATED_FIELDS, "updated_at"])
            Resident.history.bulk_history_create(
                changed, update=True, default_user=actor, default_change_reason=history_reason(job_id), default_date=now
            )
        created += len(new)
        updated += len(changed)
    return created, updated
