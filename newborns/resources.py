"""The health commission's birth lists (出生一件事, a day's births of a county) as files: columns with their usual
names, cell cleaning, reading, the blank template and the error file.

Reading and the shared widgets are `core.list_files`; what a row means (divisions, dates, certificates already
registered) is decided in `newborns.services.imports`.
"""

import re

from import_export import fields, resources, widgets

from core import list_files
from core.list_files import ListDateWidget, TextWidget
from core.tabular import cell_text
from enrollment.list_widgets import IdNumberWidget

KEY_COLUMN = "出生医学证明编号"
DIVISION_CODE_PATTERN = re.compile(r"^(\d{9}|\d{12})$")


class GenderWidget(widgets.Widget):
    """性别 as 男/女 or M/F, stored M/F."""

    VALUES = {"男": "M", "女": "F", "M": "M", "F": "F"}

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        text = cell_text(value).upper()
        if not text:
            raise ValueError("为空。")
        if text not in self.VALUES:
            raise ValueError(f"「{value}」应为男或女（M或F）。")
        return self.VALUES[text]


class OptionalIdNumberWidget(IdNumberWidget):
    """The baby's ID number, which may follow later (容缺参保, R7.5): empty is allowed."""

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        if value is None or str(value).strip() == "":
            return ""
        return super().clean(value, row, **kwargs)


class DivisionCodeWidget(widgets.Widget):
    """户籍地代码: the 9-digit township or 12-digit village code; whether it exists is checked by the service."""

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        text = cell_text(value)
        if not text:
            raise ValueError("为空。")
        if not DIVISION_CODE_PATTERN.match(text):
            raise ValueError(f"「{text}」应为9位（乡镇、街道）或12位（村、社区）区划代码。")
        return text


class BirthImportResource(resources.Resource):
    """The columns of a birth list. The header may use any of a column's usual names."""

    birth_certificate_no = fields.Field(attribute="birth_certificate_no", column_name=KEY_COLUMN, widget=TextWidget())
    name = fields.Field(attribute="name", column_name="新生儿姓名", widget=TextWidget())
    gender = fields.Field(attribute="gender", column_name="性别", widget=GenderWidget())
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=ListDateWidget())
    mother_id_number = fields.Field(attribute="mother_id_number", column_name="母亲身份证号", widget=IdNumberWidget())
    id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=OptionalIdNumberWidget())
    division_code = fields.Field(attribute="division_code", column_name="户籍地代码", widget=DivisionCodeWidget())
    registration_date = fields.Field(attribute="registration_date", column_name="登记日期", widget=ListDateWidget())

    HEADER_ALIASES = {
        KEY_COLUMN: (KEY_COLUMN, "出生医学证明号", "出生医学证明", "出生证明编号", "出生证编号", "出生证号"),
        "新生儿姓名": ("新生儿姓名", "姓名", "婴儿姓名", "宝宝姓名", "新生儿"),
        "性别": ("性别", "新生儿性别"),
        "出生日期": ("出生日期", "出生时间", "出生年月日"),
        "母亲身份证号": ("母亲身份证号", "母亲身份证号码", "母亲公民身份号码", "母亲证件号码", "母亲身份证"),
        "身份证号": ("身份证号", "新生儿身份证号", "身份证号码", "公民身份号码"),
        "户籍地代码": (
            "户籍地代码",
            "户籍地区划代码",
            "户籍地行政区划代码",
            "拟落户地代码",
            "区划代码",
            "村（社区）代码",
        ),
        "登记日期": ("登记日期", "参保登记日期", "参保日期"),
    }
    REQUIRED_COLUMNS = (KEY_COLUMN, "新生儿姓名", "性别", "出生日期", "母亲身份证号", "户籍地代码")
    TEXT_COLUMNS = (KEY_COLUMN, "母亲身份证号", "身份证号", "户籍地代码")


def birth_file_read(*, file_name: str, content: bytes) -> tuple[list[dict[str, object]], set[str]]:
    """The data rows of a birth list as {column: cell}, and the columns its header has."""
    return list_files.list_file_read(
        file_name=file_name, content=content, aliases=BirthImportResource.HEADER_ALIASES, key_column=KEY_COLUMN
    )


def birth_template_build() -> bytes:
    """A blank birth list: its columns, the certificate, ID and code cells already text, and how to fill them."""
    return list_files.list_template_bytes(
        title="出生登记导入",
        columns=tuple(BirthImportResource.HEADER_ALIASES),
        text_columns=BirthImportResource.TEXT_COLUMNS,
        notes=[
            "出生医学证明编号、新生儿姓名、性别、出生日期、母亲身份证号、户籍地代码必填；同一文件中出生医学证明编号不能重复。",
            "性别填男或女（也可填M或F）；日期写成2026-01-01。",
            "母亲身份证号、新生儿身份证号须为18位，请保持这几列为文本格式，否则Excel会改写后几位。",
            "新生儿身份证号可空（落户后补录）；填写的，其中的出生日期和性别须与出生医学证明一致。",
            "户籍地代码填本县的9位乡镇（街道）或12位村（社区）区划代码。",
            "登记日期可空，按导入当天登记；不能早于出生日期。",
            "已登记过的出生医学证明编号会跳过，不会重复登记。",
        ],
    )


def birth_row_errors_file_build(*, row_errors: list[dict]) -> bytes:
    """The refused rows of a birth list with what is wrong in each."""
    return list_files.row_errors_file_build(row_errors=row_errors, columns=list(BirthImportResource.HEADER_ALIASES))
