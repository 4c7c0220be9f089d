"""The county files of the registry and of enrollment history, loaded by the bulk import (bulk.registry)."""

from django.utils import timezone

from bulk.models import BulkImportKind
from bulk.registry import BulkLoader, register_loader
from divisions.models import Division, DivisionLevel
from enrollment.models import HardshipCategory, Resident

from ..rules import NEWBORN_PROGRAMME
from .employee_stop_list import (
    EMPLOYEE_STOP_COLUMNS,
    EMPLOYEE_STOP_STAGE_COLUMNS,
    employee_stop_checks,
    employee_stop_load,
    employee_stop_report_texts,
    employee_stop_row_check,
)
from .enrollment_history import (
    ENROLLMENT_COLUMNS,
    ENROLLMENT_STAGE_COLUMNS,
    enrollment_checks,
    enrollment_load,
    enrollment_report_texts,
    enrollment_row_check,
)
from .residents import (
    RESIDENT_COLUMNS,
    RESIDENT_STAGE_COLUMNS,
    resident_checks,
    resident_load,
    resident_report_texts,
    resident_row_check,
)

SUBSIDY_CATEGORY_NAMES = {
    **{category.value: category.label for category in HardshipCategory},
    NEWBORN_PROGRAMME: "新生儿参保财政资助",
}


def _resident_context(county: Division) -> dict[str, object]:
    """The townships and villages of the county, loaded once: each row's divisions are looked up in this set."""
    codes = Division.objects.filter(
        code__startswith=county.code, level__in=[DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE]
    ).values_list("code", flat=True)
    return {"division_codes": frozenset(codes), "today": timezone.localdate()}


def _enrollment_context(county: Division) -> dict[str, object]:
    names = {code: code for code in SUBSIDY_CATEGORY_NAMES}
    names.update({label: code for code, label in SUBSIDY_CATEGORY_NAMES.items()})
    return {"subsidy_categories": names, "today": timezone.localdate()}


RESIDENT_REGISTRY_LOADER = BulkLoader(
    columns=RESIDENT_COLUMNS,
    stage_columns=RESIDENT_STAGE_COLUMNS,
    row_check=resident_row_check,
    checks=resident_checks,
    report_texts=resident_report_texts,
    load=lambda stage, job, now: resident_load(
        stage, job_id=job.pk, county_code=job.county_id, actor=job.requested_by, now=now
    ),
    row_context=_resident_context,
    # A person's row is written from that row alone. A person registered in another county is left untouched by the
    # load (its scope), and a new person twice in one block makes the block's upsert fail (one statement writes a row
    # once); the checks run after the load find both, and anyone else twice in the file.
    loads_in_blocks=True,
    block_order="id_number",
    # Only the registry: its history is read one person at a time through the index of the person's id, a plan
    # PostgreSQL chooses from the table's size alone, which it reads from the table itself.
    analyzed_tables=(Resident._meta.db_table,),
    template_notes=(
        "身份证号、姓名、户籍地代码必填；户籍地代码、居住地代码为本县（区）乡镇或村（社区）的区划代码（9位或12位）。",
        "已登记的身份证号更新姓名、户籍地、居住地和联系电话；联系电话、居住地留空则保留原值。",
        "任何一行有错误，整个文件不导入；请按问题行报告改正后重新上传。",
    ),
)

ENROLLMENT_HISTORY_LOADER = BulkLoader(
    columns=ENROLLMENT_COLUMNS,
    stage_columns=ENROLLMENT_STAGE_COLUMNS,
    row_check=enrollment_row_check,
    checks=enrollment_checks,
    report_texts=lambda values: enrollment_report_texts(values, category_names=SUBSIDY_CATEGORY_NAMES),
    load=lambda stage, job, now: enrollment_load(
        stage, job_id=job.pk, file_name=job.file_name, actor=job.requested_by, now=now
    ),
    row_context=_enrollment_context,
    template_notes=(
        "身份证号须已在居民档案中登记；保险年度、缴费日期、个人缴费必填。",
        "状态填“有效”或“已退费”，留空为有效；资助类别填类别名称（如“低保对象”），无资助留空。",
        "同一人同一年度已有有效参保记录的行跳过，在问题行报告中列为“已有参保记录”。",
    ),
)


EMPLOYEE_STOP_LIST_LOADER = BulkLoader(
    columns=EMPLOYEE_STOP_COLUMNS,
    stage_columns=EMPLOYEE_STOP_STAGE_COLUMNS,
    row_check=employee_stop_row_check,
    checks=employee_stop_checks,
    report_texts=employee_stop_report_texts,
    load=lambda stage, job, now: employee_stop_load(stage, job_id=job.pk, actor=job.requested_by, now=now),
    row_context=lambda county: {"today": timezone.localdate()},
    template_notes=(
        "身份证号须已在本县（区）居民档案中登记，姓名须与档案一致；起止年度为四位年份，停保日期必填。",
        "起始至终止年度的每一年记为参加职工医保（不计断保、不扣减大病保险限额）；已登记的年度保持不变。",
        "任何一行有错误，整个文件不导入；请按问题行报告改正后重新上传。",
    ),
)


def loaders_register() -> None:
    register_loader(BulkImportKind.RESIDENT_REGISTRY, RESIDENT_REGISTRY_LOADER)
    register_loader(BulkImportKind.ENROLLMENT_HISTORY, ENROLLMENT_HISTORY_LOADER)
    register_loader(BulkImportKind.EMPLOYEE_STOP_LIST, EMPLOYEE_STOP_LIST_LOADER)
