"""The employee-insurance system's stop list (职工医保停保名单): people whose employee insurance stopped, with the
years it covered. Each good row records its years as insured under employee insurance (R8.2), source "import", with
the stop date, for a person already in the registry of the importing county; the rules then read them as no break
years and as the continuous years of an employee-insurance stopper (R8.1).

A year already recorded for the person keeps its row (and its first source), so a list can be imported again without
doubling anything. History: the load writes the HistoricalEmployeeInsuredYear rows itself, in the same transaction,
with the importing user and the reason "批量导入 #<job>".
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from accounts.models import User
from bulk.rules import FIRST_YEAR, REASON_SEPARATOR, Column, cell_at, cell_text_at, date_check, name_problems
from bulk.staging import OUTCOME_ERROR, Stage, StageColumn, date_column, history_reason, text_column
from enrollment.models import EmployeeInsuredYear, EmployeeYearSource, Resident

from .cells import id_number_check
from .people import registry_person_checks

UNKNOWN_PERSON = "身份证号未在居民档案中登记，请先登记或导入居民档案。"
OUTSIDE_COUNTY = "该居民户籍和居住地均不在本县（区），不能由本县（区）导入其职工医保参保年度。"
NAME_DIFFERS = "姓名与居民档案不一致，请核对身份证号和姓名。"

EMPLOYEE_STOP_COLUMNS = (
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
    Column("姓名", ("姓名",)),
    Column("职工医保参保起始年度", ("职工医保参保起始年度", "参保起始年度", "起始年度")),
    Column("职工医保参保终止年度", ("职工医保参保终止年度", "参保终止年度", "终止年度")),
    Column("停保日期", ("停保日期", "职工医保停保日期")),
)
EMPLOYEE_STOP_STAGE_COLUMNS = (
    text_column("id_number", 18),
    text_column("name", 64),
    StageColumn("first_year", "smallint", "integer"),
    StageColumn("last_year", "smallint", "integer"),
    date_column("exit_date"),
)


def _year_of(text: str, column: str) -> int | str:
    if len(text) == 4 and text.isascii() and text.isdigit() and int(text) >= FIRST_YEAR - 100:
        return int(text)
    return f"{column}「{text}」应为四位年份。" if text else f"{column}为空。"


def employee_stop_row_check(
    cells: Sequence[object], *, positions: Mapping[str, int], today: datetime.date
) -> tuple[tuple[Any, ...] | None, str]:
    """A stop-list row: (id_number, name, first year, last year, stop date) or reasons. No year after this one, none
    before the birth year, no stop date after today (R13.0)."""
    reasons: list[str] = []
    identity = id_number_check(cell_at(cells, positions, "身份证号"), today=today)
    if isinstance(identity, str):
        reasons.append(identity)
    name = cell_text_at(cells, positions, "姓名")
    reasons += name_problems(name)
    first = _year_of(cell_text_at(cells, positions, "职工医保参保起始年度"), "职工医保参保起始年度")
    last = _year_of(cell_text_at(cells, positions, "职工医保参保终止年度"), "职工医保参保终止年度")
    for year in (first, last):
        if isinstance(year, str):
            reasons.append(year)
    if isinstance(first, int) and isinstance(last, int):
        if first > last:
            reasons.append("职工医保参保起始年度不能晚于终止年度。")
        if last > today.year:
            reasons.append(f"职工医保参保终止年度{last}年晚于今年（{today.year}年）。")
        if not isinstance(identity, str) and first < identity[1].year:
            reasons.append(f"职工医保参保起始年度{first}年早于出生年份（{identity[1].year}年）。")
    exit_date = date_check(cell_at(cells, positions, "停保日期"), column="停保日期", required=True)
    if isinstance(exit_date, str):
        reasons.append(exit_date)
    elif exit_date is not None and exit_date > today:
        reasons.append(f"停保日期（{exit_date.isoformat()}）晚于今天（{today.isoformat()}）。")
    if reasons:
        return None, REASON_SEPARATOR.join(reasons)
    return (identity[0], name, first, last, exit_date), ""


def employee_stop_checks(stage: Stage, *, county_code: str) -> None:
    """People not in the registry, registered outside the county, or named otherwise than in the registry."""
    registry_person_checks(stage, county_code=county_code, unknown_person=UNKNOWN_PERSON, outside_county=OUTSIDE_COUNTY)
    resident_table = Resident._meta.db_table
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s, problem = %s
        WHERE outcome IS NULL AND EXISTS (
            SELECT 1 FROM {resident_table} r WHERE r.id_number = {{stage}}.id_number AND r.name <> {{stage}}.name)
        """,
        [OUTCOME_ERROR, NAME_DIFFERS],
    )


def employee_stop_report_texts(values: tuple) -> list[str]:
    id_number, name, first, last, exit_date = values
    return [id_number or "", name or "", str(first or ""), str(last or ""), str(exit_date or "")]


def employee_stop_load(stage: Stage, *, job_id: int, actor: User, now: datetime.datetime) -> tuple[int, int]:
    """Record the good rows' years; returns (rows that recorded at least one new year, 0)."""
    created_rows = 0
    names = ["id_number", "name", "first_year", "last_year", "exit_date"]
    for batch in stage.good_row_batches(names):
        resident_ids = dict(
            Resident.objects.filter(id_number__in=[row[0] for row in batch]).values_list("id_number", "id")
        )
        recorded = set(
            EmployeeInsuredYear.objects.filter(resident_id__in=resident_ids.values()).values_list("resident_id", "year")
        )
        new: list[EmployeeInsuredYear] = []
        for id_number, _name, first, last, exit_date in batch:
            resident_id = resident_ids[id_number]
            stopped_on = datetime.date.fromisoformat(str(exit_date)) if exit_date else None
            row_new = 0
            for year in range(int(first), int(last) + 1):
                if (resident_id, year) in recorded:
                    continue
                recorded.add((resident_id, year))
                new.append(
                    EmployeeInsuredYear(
                        resident_id=resident_id,
                        year=year,
                        source=EmployeeYearSource.IMPORT,
                        exit_date=stopped_on,
                        recorded_by=actor,
                        bulk_import_job_id=job_id,
                        created_at=now,
                    )
                )
                row_new += 1
            created_rows += 1 if row_new else 0
        EmployeeInsuredYear.objects.bulk_create(new)
        EmployeeInsuredYear.history.bulk_history_create(
            new, default_user=actor, default_change_reason=history_reason(job_id), default_date=now
        )
    return created_rows, 0
