"""The departments' identity lists as files: columns, cell cleaning, reading, the blank template, the error file.

Reading the file, the widgets shared with other lists, the template and the error file are `core.list_files`;
what a row means for the registry is decided in `subsidies.services`.
"""

from import_export import fields, resources, widgets

from core import list_files
from core.list_files import ListDateWidget, TextWidget
from enrollment.list_widgets import IdNumberWidget
from enrollment.rules import HardshipTier

from .models import CertifyingDepartment


class DisabilityGradeWidget(widgets.Widget):
    """残疾等级 as 1-4, also written 一级 … 四级 or 2级."""

    CHINESE_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4}

    def clean(self, value: object, row: object = None, **kwargs: object) -> int | None:
        text = "" if value is None else str(value).strip().removesuffix("级").removesuffix(".0")
        if not text:
            return None
        grade = self.CHINESE_NUMERALS.get(text)
        if grade is None and text.isdigit():
            grade = int(text)
        if grade not in (1, 2, 3, 4):
            raise ValueError(f"残疾等级「{value}」应为1至4级。")
        return grade


class IdentityListResource(resources.Resource):
    """The columns of a department's list. The header may use any of a column's usual names."""

    id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=IdNumberWidget())
    name = fields.Field(attribute="name", column_name="姓名", widget=TextWidget())
    category = fields.Field(attribute="category", column_name="身份类别", widget=TextWidget())
    disability_grade = fields.Field(
        attribute="disability_grade", column_name="残疾等级", widget=DisabilityGradeWidget()
    )
    valid_from = fields.Field(attribute="valid_from", column_name="有效期起", widget=ListDateWidget())
    valid_to = fields.Field(attribute="valid_to", column_name="有效期止", widget=ListDateWidget())

    HEADER_ALIASES = {
        "身份证号": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"),
        "姓名": ("姓名", "名字"),
        "身份类别": ("身份类别", "类别", "困难类别", "人员类别", "困难身份"),
        "残疾等级": ("残疾等级", "等级"),
        "有效期起": ("有效期起", "认定日期", "开始日期", "有效期开始"),
        "有效期止": ("有效期止", "有效期至", "截止日期", "终止日期", "有效期结束"),
    }

    @classmethod
    def required_columns(cls, department: str) -> tuple[str, ...]:
        if department == CertifyingDepartment.DISABLED_FEDERATION:
            return ("身份证号", "姓名", "残疾等级")
        return ("身份证号", "姓名", "身份类别")

    @classmethod
    def template_columns(cls, department: str) -> tuple[str, ...]:
        return (*cls.required_columns(department), "有效期起", "有效期止")


def list_file_read(*, file_name: str, content: bytes) -> tuple[list[dict[str, object]], set[str]]:
    """The data rows of a department's list as {column: cell}, and the columns its header has."""
    return list_files.list_file_read(
        file_name=file_name, content=content, aliases=IdentityListResource.HEADER_ALIASES, key_column="身份证号"
    )


def list_template_build(*, department: str, tiers: tuple[HardshipTier, ...]) -> bytes:
    """A blank list for one department: its columns, ID cells already text, and the category names it accepts."""
    notes = [
        "身份证号须为18位，请保持本列为文本格式，否则Excel会改写后几位。",
        "有效期起可空（按名单日期），有效期止可空（长期有效）；日期写成2026-01-01。",
    ]
    if department == CertifyingDepartment.DISABLED_FEDERATION:
        notes.append("残疾等级填1至4（或一级至四级）。")
    else:
        notes.append("身份类别可填写：")
        notes += ["、".join((tier.name, *tier.aliases)) for tier in tiers if tier.department == department]
    return list_files.list_template_bytes(
        title=f"{department}名单",
        columns=IdentityListResource.template_columns(department),
        text_columns=("身份证号",),
        notes=notes,
    )


def row_errors_file_build(*, row_errors: list[dict]) -> bytes:
    """The refused rows of a department's list with what is wrong in each (core.list_files)."""
    return list_files.row_errors_file_build(row_errors=row_errors, columns=list(IdentityListResource.HEADER_ALIASES))
