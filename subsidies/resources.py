"""The departments' identity lists as files: columns, cell cleaning, reading, the blank template, the error file.

django-import-export gives the formats (xlsx and csv read into a tablib Dataset) and the fields with their
widgets; what a row means for the registry is decided in `subsidies.services`.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

import tablib
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import Workbook
from openpyxl.styles import Font

from enrollment.rules import IdNumberError, id_number_parse
from reports.excel import workbook_bytes

from .models import CertifyingDepartment
from .rules import HardshipTier

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # WPS and Excel on Chinese Windows save CSV as GBK
HEADER_SEARCH_ROWS = 5  # lists often carry a title row or two above the header
TEMPLATE_TEXT_ROWS = 2000  # rows of the template whose ID cells are preformatted as text


class IdNumberWidget(widgets.Widget):
    """An 18-character ID number; a number cell means Excel has already rounded it to 15 digits."""

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        if value is None or str(value).strip() == "":
            raise ValueError("身份证号为空。")
        typed_as_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        text = f"{value:.0f}" if isinstance(value, float) else str(value)
        try:
            return id_number_parse(text).id_number
        except IdNumberError as error:
            if typed_as_number:
                raise ValueError(
                    f"身份证号被Excel存成了数字（{text}），超过15位的数字已被改写，请将该列设为文本后重新录入。"
                ) from None
            raise ValueError(str(error)) from None


class TextWidget(widgets.Widget):
    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        return "" if value is None else str(value).strip()


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


class ListDateWidget(widgets.Widget):
    """A date as Excel stores it, or written 2025-01-01, 2025/1/1, 2025.1.1, 2025年1月1日 or 20250101."""

    PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")

    def clean(self, value: object, row: object = None, **kwargs: object) -> datetime.date | None:
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip().split(" ")[0]
        match = self.PATTERN.match(text)
        try:
            if match:
                return datetime.date(*(int(part) for part in match.groups()))
            if len(text) == 8 and text.isdigit():
                return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
        raise ValueError(f"日期「{value}」无法识别，请写成2026-01-01。")


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


class ListFileUnreadable(ValueError):
    """The file as a whole cannot be read as a list; the message is shown to the clerk."""


def _decode_csv(content: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListFileUnreadable("CSV文件编码无法识别，请另存为UTF-8或GBK编码。")


def _canonical_header(header: object) -> str | None:
    text = re.sub(r"\s+", "", str(header or ""))
    for column, aliases in IdentityListResource.HEADER_ALIASES.items():
        if text in aliases:
            return column
    return None


def list_file_read(*, file_name: str, content: bytes) -> tuple[list[dict[str, object]], set[str]]:
    """The data rows of a list as {column: cell}, keyed by our column names, and the columns the header has.

    Rows that are entirely blank (spacers, the blank rest of a template) are dropped; the row numbers the
    clerk sees are those of the file, counted from 1 at the header row's line.
    """
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    try:
        if extension == "xlsx":
            dataset = XLSX().create_dataset(content)
        elif extension == "csv":
            dataset = CSV().create_dataset(_decode_csv(content))
        else:
            raise ListFileUnreadable("只能导入 xlsx 或 csv 文件。")
    except ListFileUnreadable:
        raise
    except Exception:
        raise ListFileUnreadable("文件无法读取，请确认是 xlsx 或 csv 格式且未加密。") from None
    lines = [list(dataset.headers or []), *(list(row) for row in dataset)]
    header_index = next(
        (
            index
            for index, line in enumerate(lines[:HEADER_SEARCH_ROWS])
            if "身份证号" in (_canonical_header(cell) for cell in line)
        ),
        None,
    )
    if header_index is None:
        raise ListFileUnreadable("没有找到表头：前5行中应有「身份证号」一列。")
    columns = [_canonical_header(cell) for cell in lines[header_index]]
    rows = []
    for offset, line in enumerate(lines[header_index + 1 :], start=header_index + 2):
        if all(cell is None or str(cell).strip() == "" for cell in line):
            continue
        cells = {column: cell for column, cell in zip(columns, line, strict=False) if column}
        rows.append({"行号": offset, **cells})
    return rows, {column for column in columns if column}


def list_template_build(*, department: str, tiers: tuple[HardshipTier, ...]) -> bytes:
    """A blank list for one department: its columns, ID cells already text, and the category names it accepts."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{department}名单"
    columns = IdentityListResource.template_columns(department)
    for column_number, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=column_number, value=column).font = Font(bold=True)
        sheet.column_dimensions[chr(64 + column_number)].width = 22 if column == "身份证号" else 14
    for row_number in range(2, TEMPLATE_TEXT_ROWS + 2):
        sheet.cell(row=row_number, column=1).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["身份证号须为18位，请保持本列为文本格式，否则Excel会改写后几位。"])
    notes.append(["有效期起可空（按名单日期），有效期止可空（长期有效）；日期写成2026-01-01。"])
    if department == CertifyingDepartment.DISABLED_FEDERATION:
        notes.append(["残疾等级填1至4（或一级至四级）。"])
    else:
        notes.append(["身份类别可填写："])
        for tier in tiers:
            if tier.department == department:
                notes.append(["、".join((tier.name, *tier.aliases))])
    return workbook_bytes(workbook)


def row_errors_file_build(*, row_errors: list[dict]) -> bytes:
    """The refused rows as the clerk sent them, with a column saying what is wrong: fix and upload again."""
    columns = [
        column for column in IdentityListResource.HEADER_ALIASES if any(column in e["values"] for e in row_errors)
    ]
    dataset = tablib.Dataset(headers=["行号", *columns, "错误"])
    for error in row_errors:
        dataset.append(
            [error["row"], *(error["values"].get(column, "") for column in columns), "；".join(error["errors"])]
        )
    return XLSX().export_data(dataset)


def cell_text(value: object) -> str:
    """A cell as text for the preview and the error file (dates as 2026-01-01, numbers without '.0')."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        try:
            return f"{Decimal(value):f}" if value != int(value) else f"{value:.0f}"
        except (InvalidOperation, OverflowError, ValueError):
            return str(value)
    return str(value).strip()
