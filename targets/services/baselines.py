"""Writes of the population baselines the coverage rates are computed on (R10.2): the province imports them by file.

Files are read with `core.list_files` (xlsx, or CSV in UTF-8 or GBK, the header searched in the first rows).
"""

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.scope import user_can_see_division
from core import list_files
from core.batches import CheckedRows, batch_confirm, batch_stage
from core.history import history_save
from core.tabular import cell_text
from divisions.models import Division, DivisionLevel

from ..models import BaselineImportBatch, PopulationBaseline
from ..selectors.baselines import baseline_import_batches
from .split import whole_number

FIRST_YEAR, LAST_YEAR = 2000, 2100
BASELINE_LEVELS = (DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP)

BASELINE_COLUMNS = ("区划代码", "区划名称", "年度", "户籍人口", "常住人口", "参加职工医保人数", "数据来源")
BASELINE_HEADER_ALIASES = {
    "区划代码": ("区划代码", "行政区划代码", "代码"),
    "区划名称": ("区划名称", "区划", "名称", "行政区划名称"),
    "年度": ("年度", "年份"),
    "户籍人口": ("户籍人口", "户籍人口数"),
    "常住人口": ("常住人口", "常住人口数"),
    "参加职工医保人数": ("参加职工医保人数", "职工医保参保人数", "职工医保人数"),
    "数据来源": ("数据来源", "来源", "依据"),
}
SOURCE_MAX_LENGTH = 200


@dataclass(frozen=True)
class BaselineFileRow:
    row: int
    values: dict[str, str]  # the cells as sent, for the preview and the error file
    division_code: str
    division_name: str
    year: int | None
    registered_population: int | None
    resident_population: int | None
    employee_insured: int | None
    source_document: str
    errors: list[str]
    change: str = ""  # 新增, 更新 or 无变化 for a good row

    def fields(self) -> dict[str, object]:
        """What is confirmed: the figures of a good row."""
        return {
            "division_code": self.division_code,
            "year": self.year,
            "registered_population": self.registered_population,
            "resident_population": self.resident_population,
            "employee_insured": self.employee_insured,
            "source_document": self.source_document,
        }


@dataclass(frozen=True)
class BaselineFilePreview:
    rows: list[BaselineFileRow]

    @property
    def good_rows(self) -> list[BaselineFileRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def bad_rows(self) -> list[BaselineFileRow]:
        return [row for row in self.rows if row.errors]

    def count(self, change: str) -> int:
        return sum(1 for row in self.good_rows if row.change == change)


def _baseline_figures(fields: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """The figures of one row, cleaned, and what is wrong with them."""
    errors = []
    figures: dict[str, object] = {}
    year_text = cell_text(fields.get("年度"))
    try:
        year = whole_number(fields.get("年度"), column="年度", required=True)
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(f"年度「{year_text}」应为四位年份，如2026。" if year_text else "年度为空。")
        year = None
    figures["year"] = year
    for column, name, required in (
        ("户籍人口", "registered_population", True),
        ("常住人口", "resident_population", False),
        ("参加职工医保人数", "employee_insured", False),
    ):
        try:
            figures[name] = whole_number(fields.get(column), column=column, required=required)
        except ValueError as error:
            errors.append(str(error))
            figures[name] = None
    if figures["employee_insured"] is None and not cell_text(fields.get("参加职工医保人数")):
        figures["employee_insured"] = 0
    registered, employee = figures["registered_population"], figures["employee_insured"]
    if isinstance(registered, int) and isinstance(employee, int) and employee > registered:
        errors.append(f"参加职工医保人数（{employee}）超过户籍人口（{registered}）。")
    source = cell_text(fields.get("数据来源"))
    if not source:
        errors.append("数据来源为空。")
    elif len(source) > SOURCE_MAX_LENGTH:
        errors.append(f"数据来源超过{SOURCE_MAX_LENGTH}个字。")
    figures["source_document"] = source
    return figures, errors


def _division_problem(*, code: str, division: Division | None, user: User) -> str:
    if not code:
        return "区划代码为空。"
    if division is None:
        return f"区划代码「{code}」不存在。"
    if not user_can_see_division(user=user, division_code=code):
        return f"区划代码「{code}」不在您的管辖范围内。"
    if division.level not in BASELINE_LEVELS:
        return f"「{division.name}」是村（社区），人口基数只导入省、市、县（区）和乡镇（街道）。"
    return ""


def baseline_file_preview(*, user: User, file_name: str, content: bytes) -> BaselineFilePreview:
    """Each row of a baselines file checked: a known division in the user's scope, whole non-negative numbers, the
    employee-insured not above the registered population, a code and year found once in the file; and for a good
    row whether it adds a baseline, changes one or changes nothing. Raises FileUnreadable."""
    lines, _ = list_files.list_file_read(
        file_name=file_name, content=content, aliases=BASELINE_HEADER_ALIASES, key_column="区划代码"
    )
    codes = {cell_text(line.get("区划代码")) for line in lines}
    divisions = {division.code: division for division in Division.objects.filter(code__in=codes)}
    rows = []
    for line in lines:
        code = cell_text(line.get("区划代码"))
        figures, errors = _baseline_figures(line)
        problem = _division_problem(code=code, division=divisions.get(code), user=user)
        rows.append(
            BaselineFileRow(
                row=int(line["行号"]),  # type: ignore[call-overload]
                values={column: cell_text(line.get(column)) for column in BASELINE_COLUMNS},
                division_code=code,
                division_name=divisions[code].name if code in divisions else cell_text(line.get("区划名称")),
                errors=[problem, *errors] if problem else errors,
                **figures,  # type: ignore[arg-type]
            )
        )
    rows = _duplicates_marked(rows)
    return BaselineFilePreview(rows=_changes_marked(rows))


def _duplicates_marked(rows: list[BaselineFileRow]) -> list[BaselineFileRow]:
    """Rows of the same division and year are all refused: which of them is right is for the sender to say."""
    lines_of: dict[tuple[str, int], list[int]] = defaultdict(list)
    for row in rows:
        if row.division_code and row.year is not None:
            lines_of[(row.division_code, row.year)].append(row.row)
    marked = []
    for row in rows:
        lines = lines_of.get((row.division_code, row.year or 0), [])
        if len(lines) > 1:
            message = f"区划代码和年度在文件中重复（第{'、'.join(map(str, lines))}行）。"
            row = dataclasses.replace(row, errors=[*row.errors, message])
        marked.append(row)
    return marked


def _changes_marked(rows: list[BaselineFileRow]) -> list[BaselineFileRow]:
    good = [row for row in rows if not row.errors]
    stored = {
        (baseline.division_id, baseline.year): baseline
        for baseline in PopulationBaseline.objects.filter(
            division_id__in={row.division_code for row in good}, year__in={row.year for row in good}
        )
    }
    marked = []
    for row in rows:
        if not row.errors:
            baseline = stored.get((row.division_code, row.year))  # type: ignore[arg-type]
            change = "新增" if baseline is None else ("无变化" if _same(baseline, row.fields()) else "更新")
            row = dataclasses.replace(row, change=change)
        marked.append(row)
    return marked


def _same(baseline: PopulationBaseline, fields: Mapping[str, object]) -> bool:
    return all(getattr(baseline, name) == fields[name] for name in BASELINE_FIELDS)


BASELINE_FIELDS = ("registered_population", "resident_population", "employee_insured", "source_document")


def baseline_import_stage(*, actor: User, file_name: str, content: bytes) -> BaselineImportBatch:
    """Check a baselines file (`baseline_file_preview`) and keep what the check found as a batch to confirm: the
    figures of each good row with what writing it changes, and the bad rows. A file unreadable or with any bad row
    is refused whole; nothing else is written."""

    def check(batch: BaselineImportBatch) -> CheckedRows:
        preview = baseline_file_preview(user=actor, file_name=file_name, content=content)
        return CheckedRows(
            rows_total=len(preview.rows),
            checked_rows=[
                {
                    "row": row.row,
                    "values": row.values,
                    "division_name": row.division_name,
                    "change": row.change,
                    **row.fields(),
                }
                for row in preview.good_rows
            ],
            row_errors=[
                {"row": row.row, "values": row.values, "division_name": row.division_name, "errors": row.errors}
                for row in preview.bad_rows
            ],
        )

    batch = BaselineImportBatch(division=actor.division, file_name=file_name[:255], uploaded_by=actor)
    return batch_stage(batch=batch, check=check)


def baseline_import_confirm(*, actor: User, batch: BaselineImportBatch) -> BaselineImportBatch:
    """Upsert the good rows of a previewed file (division code and year the key), once. Each row is checked again;
    if any is no longer right nothing is written. An unchanged baseline is left as it was, its history untouched."""
    return batch_confirm(
        batches=baseline_import_batches(user=actor),
        pk=batch.pk,
        actor=actor,
        write=lambda batch: _baselines_write(actor=actor, batch=batch),
    )


def _baselines_write(*, actor: User, batch: BaselineImportBatch) -> None:
    rows: list[Mapping[str, object]] = batch.checked_rows
    codes = {str(row["division_code"]) for row in rows}
    divisions = {division.code: division for division in Division.objects.filter(code__in=codes)}
    problems = []
    keys = set()
    for row in rows:
        code, year = str(row["division_code"]), row["year"]
        problem = _division_problem(code=code, division=divisions.get(code), user=actor)
        if problem:
            problems.append(problem)
        if (code, year) in keys:
            problems.append(f"区划代码{code}的{year}年度人口基数重复。")
        keys.add((code, year))
        registered, employee = row["registered_population"], row["employee_insured"]
        if isinstance(registered, int) and isinstance(employee, int) and employee > registered:
            problems.append(f"{code}：参加职工医保人数超过户籍人口。")
    if problems:
        raise ValidationError(problems)
    stored = {
        (baseline.division_id, baseline.year): baseline
        for baseline in PopulationBaseline.objects.select_for_update().filter(
            division_id__in=codes, year__in={row["year"] for row in rows}
        )
    }
    created = updated = unchanged = 0
    for row in rows:
        year = cast(int, row["year"])  # the check above refused any row whose year is not a number
        baseline = stored.get((str(row["division_code"]), year))
        if baseline is not None and _same(baseline, row):
            unchanged += 1
            continue
        if baseline is None:
            baseline = PopulationBaseline(division=divisions[str(row["division_code"])], year=year)
            created += 1
        else:
            updated += 1
        for name in BASELINE_FIELDS:
            setattr(baseline, name, row[name])
        baseline.full_clean()
        history_save(baseline, actor=actor)
    batch.created_count, batch.updated_count, batch.unchanged_count = created, updated, unchanged


def baseline_errors_file(*, preview_rows: list[Mapping[str, object]]) -> bytes:
    """The refused rows as sent, with what is wrong in each: fix and upload again."""
    return list_files.row_errors_file_build(
        row_errors=[dict(row) for row in preview_rows], columns=list(BASELINE_COLUMNS)
    )


def baseline_template() -> bytes:
    return list_files.list_template_bytes(
        title="人口基数",
        columns=BASELINE_COLUMNS,
        text_columns=("区划代码",),
        notes=[
            "区划代码填2位（省）、4位（市）、6位（县区）或9位（乡镇街道）统计用区划代码，请保持文本格式。",
            "户籍人口、常住人口、参加职工医保人数填不小于0的整数；常住人口可空，参加职工医保人数空按0计。",
            "参加职工医保人数不能超过户籍人口；总体参保率的分母为户籍人口减参加职工医保人数。",
            "数据来源填统计部门的文件或年鉴名称。",
        ],
    )
