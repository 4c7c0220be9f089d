"""Writes of the target split: a city splits its subsidised-newborn target among its counties (R10.1), by the page
or by a file.

Files are read with `core.list_files` (xlsx, or CSV in UTF-8 or GBK, the header searched in the first rows);
every row is checked for the preview and checked again when it is confirmed.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core import list_files
from core.batches import BatchStatus, CheckedRows, batch_confirm, batch_stage
from core.excel import workbook_bytes
from core.history import history_save
from core.tabular import cell_text
from divisions.models import Division, DivisionLevel

from ..models import Target, TargetMetric, TargetSplitBatch
from ..selectors.split import target_split_batches

SPLIT_METRIC = TargetMetric.SUBSIDISED_NEWBORNS


def whole_number(value: object, *, column: str, required: bool) -> int | None:
    """A count as a cell holds it (700, 700.0, "700", "7,000"); a ValueError says in Chinese what is wrong."""
    text = cell_text(value).replace(",", "").replace("，", "")
    if not text:
        if required:
            raise ValueError(f"{column}为空。")
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"{column}「{text}」不是数字。") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"{column}「{text}」应为整数。")
    if number < 0:
        raise ValueError(f"{column}「{text}」不能为负数。")
    return int(number)


def _actor_name(actor: User) -> str:
    return actor.first_name or actor.username


# --- The target split ---------------------------------------------------------------------------------------------


def target_split_problems(
    *, city: Division, year: int, values: Mapping[str, int], counties: list[Division], city_target: Target | None
) -> list[str]:
    """What stops a split from being saved, in Chinese; empty when it may be saved."""
    if city_target is None:
        return [f"{city.name}{year}年度尚未下达资助新生儿参保目标，无法分解。"]
    names = {county.code: county.name for county in counties}
    problems = []
    unknown = [code for code in values if code not in names]
    if unknown:
        problems.append(f"以下代码不是{city.name}的区县：{'、'.join(unknown)}。")
    missing = [names[code] for code in names if code not in values]
    if missing:
        problems.append(f"缺少以下区县的目标：{'、'.join(missing)}。")
    negative = [names.get(code, code) for code, value in values.items() if value < 0]
    if negative:
        problems.append(f"目标人数不能为负数：{'、'.join(negative)}。")
    total = sum(values.values())
    if total != city_target.value:
        problems.append(
            f"各区县目标之和（{total}人）与{city.name}目标（{int(city_target.value)}人）不一致，"
            f"相差{int(city_target.value) - total:+d}人，未保存。"
        )
    return problems


@transaction.atomic
def target_split_save(*, actor: User, city: Division, year: int, values: Mapping[str, int]) -> list[Target]:
    """Every county of the city gets its share of the city's target; the shares must add up to it exactly.

    A county whose share is unchanged keeps its row as it was; the others are written with the split as their
    source document ("朔州市分解（张三）"), the change kept in their history.
    """
    city_target = Target.objects.select_for_update().filter(division=city, year=year, metric=SPLIT_METRIC).first()
    counties = list(Division.objects.filter(parent=city, level=DivisionLevel.COUNTY).order_by("code"))
    problems = target_split_problems(city=city, year=year, values=values, counties=counties, city_target=city_target)
    if problems:
        raise ValidationError(problems)
    existing = {
        target.division_id: target
        for target in Target.objects.select_for_update().filter(division__in=counties, year=year, metric=SPLIT_METRIC)
    }
    source = f"{city.name}分解（{_actor_name(actor)}）"
    saved = []
    for county in counties:
        value = Decimal(values[county.code])
        target = existing.get(county.code)
        if target is not None and target.value == value:
            saved.append(target)
            continue
        if target is None:
            target = Target(division=county, year=year, metric=SPLIT_METRIC)
        target.value = value
        target.source_document = source
        target.full_clean()
        history_save(target, actor=actor)
        saved.append(target)
    return saved


SPLIT_COLUMNS = ("区县代码", "区县", "目标人数")
SPLIT_HEADER_ALIASES = {
    "区县代码": ("区县代码", "区划代码", "县区代码", "代码"),
    "区县": ("区县", "县（区）", "县区", "区县名称", "名称"),
    "目标人数": ("目标人数", "目标", "分解目标", "目标数"),
}


@dataclass(frozen=True)
class SplitFileRow:
    row: int
    code: str
    name: str
    value: int | None
    errors: list[str]
    cells: dict[str, str] = field(default_factory=dict)  # as sent, for a refused row


@dataclass(frozen=True)
class SplitFilePreview:
    rows: list[SplitFileRow]
    problems: list[str]  # of the split as a whole (missing counties, the sum), once the rows are right
    values: dict[str, int]
    total: int

    @property
    def can_confirm(self) -> bool:
        return not self.problems and not any(row.errors for row in self.rows)


def target_split_file_preview(*, city: Division, year: int, file_name: str, content: bytes) -> SplitFilePreview:
    """The rows of a split file checked one by one, then the split as a whole. Raises FileUnreadable."""
    lines, _ = list_files.list_file_read(
        file_name=file_name, content=content, aliases=SPLIT_HEADER_ALIASES, key_column="区县代码"
    )
    counties = list(Division.objects.filter(parent=city, level=DivisionLevel.COUNTY).order_by("code"))
    names = {county.code: county.name for county in counties}
    seen: dict[str, list[int]] = defaultdict(list)
    for line in lines:
        seen[cell_text(line.get("区县代码"))].append(int(line["行号"]))  # type: ignore[call-overload]
    rows = []
    for line in lines:
        code = cell_text(line.get("区县代码"))
        errors = []
        if not code:
            errors.append("区县代码为空。")
        elif code not in names:
            errors.append(f"区县代码「{code}」不是{city.name}的区县。")
        elif len(seen[code]) > 1:
            errors.append(f"区县代码「{code}」在文件中重复（第{'、'.join(map(str, seen[code]))}行）。")
        try:
            value = whole_number(line.get("目标人数"), column="目标人数", required=True)
        except ValueError as error:
            errors.append(str(error))
            value = None
        rows.append(
            SplitFileRow(
                row=int(line["行号"]),  # type: ignore[call-overload]
                code=code,
                name=names.get(code) or cell_text(line.get("区县")),
                value=value,
                errors=errors,
                cells={column: cell_text(line.get(column)) for column in SPLIT_COLUMNS},
            )
        )
    values = {row.code: row.value for row in rows if not row.errors and row.value is not None}
    problems: list[str] = []
    if not rows:
        problems.append("文件中没有数据行。")
    elif not any(row.errors for row in rows):
        city_target = Target.objects.filter(division=city, year=year, metric=SPLIT_METRIC).first()
        problems = target_split_problems(
            city=city, year=year, values=values, counties=counties, city_target=city_target
        )
    return SplitFilePreview(rows=rows, problems=problems, values=values, total=sum(values.values()))


def target_split_stage(*, actor: User, city: Division, year: int, file_name: str, content: bytes) -> TargetSplitBatch:
    """Check a split file of the city (`target_split_file_preview`) and keep what the check found as a batch to
    confirm. A file unreadable, a bad row or a problem of the split as a whole refuses it; nothing else is written.
    """

    def check(batch: TargetSplitBatch) -> CheckedRows:
        preview = target_split_file_preview(city=city, year=year, file_name=file_name, content=content)
        batch.problems = preview.problems
        return CheckedRows(
            rows_total=len(preview.rows),
            checked_rows=[
                {"row": row.row, "code": row.code, "name": row.name, "value": row.value}
                for row in preview.rows
                if not row.errors
            ],
            row_errors=[
                {
                    "row": row.row,
                    "code": row.code,
                    "name": row.name,
                    "value": row.value,
                    "values": row.cells,
                    "errors": row.errors,
                }
                for row in preview.rows
                if row.errors
            ],
        )

    batch = batch_stage(
        batch=TargetSplitBatch(city=city, year=year, file_name=file_name[:255], uploaded_by=actor), check=check
    )
    if batch.problems and batch.status == BatchStatus.PREVIEWED:
        batch.status = BatchStatus.REFUSED
        batch.save(update_fields=["status"])
    return batch


def target_split_confirm(*, actor: User, batch: TargetSplitBatch) -> TargetSplitBatch:
    """Save the split a previewed file gave, once; the split is checked again as it is saved (`target_split_save`):
    if the city's target changed meanwhile, nothing is saved."""
    return batch_confirm(
        batches=target_split_batches(user=actor),
        pk=batch.pk,
        actor=actor,
        write=lambda batch: _split_write(actor=actor, batch=batch),
    )


def _split_write(*, actor: User, batch: TargetSplitBatch) -> None:
    target_split_save(actor=actor, city=batch.city, year=batch.year, values=batch.values)


def target_split_template(*, city: Division) -> bytes:
    """The split file of a city with its counties already listed: only 目标人数 is left to fill."""
    counties = Division.objects.filter(parent=city, level=DivisionLevel.COUNTY).order_by("code")
    workbook = list_files.list_template_workbook(
        title=f"{city.name}目标分解",
        columns=SPLIT_COLUMNS,
        text_columns=("区县代码",),
        notes=["目标人数填整数；各区县目标之和须等于市级目标。", "区县代码请勿改动。"],
    )
    sheet = workbook.active
    for row_number, county in enumerate(counties, start=2):
        sheet.cell(row=row_number, column=1, value=county.code)
        sheet.cell(row=row_number, column=2, value=county.name)
    return workbook_bytes(workbook)
