"""The uninsured ledger (未参保台账, R13.5) as files: the province's list pushed down to the townships, and the
township's ledger, exported in its printed layout and imported back with the outcomes of the visits.

Reading a file, the ID number, date and text widgets are `core.list_files`; this module only names the columns
and turns a cell into a value (a code, a choice). Whether a row may be written is decided in
`uninsured.services.lists` and `uninsured.services.imports`.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import TextChoices
from import_export import fields, resources, widgets

from core import list_files
from core.list_files import ListDateWidget, TextWidget
from core.reports import Report, Summary, columns_of
from core.tabular import cell_text
from enrollment.list_widgets import IdNumberWidget

from .models import ContactResult, OutreachStep, UninsuredReason, VerificationStatus
from .selectors import LedgerCounts


class DivisionCodeWidget(widgets.Widget):
    """A division code of a given length (9: township, 12: village); blank gives ""."""

    def __init__(self, *, length: int, label: str) -> None:
        super().__init__()
        self.length = length
        self.label = label

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        text = cell_text(value)
        if text and not (text.isdigit() and len(text) == self.length):
            raise ValueError(f"{self.label}「{text}」应为{self.length}位数字。")
        return text


class PhoneWidget(widgets.Widget):
    """A phone number as text (a number cell loses nothing: phones have at most 12 digits)."""

    PATTERN = re.compile(r"^[0-9+\-() ]{5,20}$")

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        text = cell_text(value)
        if text and not self.PATTERN.match(text):
            raise ValueError(f"联系电话「{text}」格式不对，应为数字（可含-），不超过20位。")
        return text


class ChoiceLabelWidget(widgets.Widget):
    """One of a choice's Chinese labels (as the exported ledger writes it) → its stored value; blank gives ""."""

    def __init__(self, *, choices: type[TextChoices], label: str) -> None:
        super().__init__()
        self.values = {str(choice.label): str(choice.value) for choice in choices}
        self.values.update({str(choice.value): str(choice.value) for choice in choices})
        self.labels = [str(choice.label) for choice in choices]
        self.label = label

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        text = re.sub(r"\s+", "", cell_text(value))
        if not text:
            return ""
        if text not in self.values:
            raise ValueError(f"「{text}」不是可选的{self.label}，可填：{'、'.join(self.labels)}。")
        return self.values[text]


# --- The province's list, pushed down to the townships ------------------------------------------------------------


class UninsuredPushResource(resources.Resource):
    """The columns of a pushed list: the township by code or by name, the village code if known, the person."""

    township_code = fields.Field(
        attribute="township_code", column_name="乡镇代码", widget=DivisionCodeWidget(length=9, label="乡镇代码")
    )
    township_name = fields.Field(attribute="township_name", column_name="乡镇", widget=TextWidget())
    village_code = fields.Field(
        attribute="village_code",
        column_name="村（社区）代码",
        widget=DivisionCodeWidget(length=12, label="村（社区）代码"),
    )
    name = fields.Field(attribute="name", column_name="姓名", widget=TextWidget())
    id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=IdNumberWidget())
    phone = fields.Field(attribute="phone", column_name="联系电话", widget=PhoneWidget())

    HEADER_ALIASES = {
        "乡镇代码": ("乡镇代码", "乡镇（街道）代码", "乡镇(街道)代码", "街道代码", "乡镇区划代码"),
        "乡镇": ("乡镇", "乡镇（街道）", "乡镇(街道)", "乡（镇、街道）", "乡镇名称", "街道"),
        "村（社区）代码": ("村（社区）代码", "村(社区)代码", "村代码", "社区代码", "村居代码"),
        "姓名": ("姓名", "名字"),
        "身份证号": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"),
        "联系电话": ("联系电话", "电话", "手机号", "手机号码", "联系方式"),
    }
    REQUIRED_COLUMNS = ("姓名", "身份证号")


def push_file_read(*, file_name: str, content: bytes) -> tuple[list[dict[str, object]], set[str]]:
    """The data rows of a pushed list as {column: cell}, and the columns its header has."""
    return list_files.list_file_read(
        file_name=file_name, content=content, aliases=UninsuredPushResource.HEADER_ALIASES, key_column="身份证号"
    )


def row_error(row: dict[str, object], columns: dict[str, tuple[str, ...]], messages: list[str]) -> dict[str, Any]:
    """A refused row of an uploaded file as the preview shows it: its row number, its cells, the reasons."""
    return {
        "row": row["行号"],
        "values": {column: cell_text(row[column]) for column in columns if column in row},
        "errors": messages,
    }


def push_template_bytes() -> bytes:
    return list_files.list_template_bytes(
        title="未参保人员名单",
        columns=("乡镇代码", "乡镇", "村（社区）代码", "姓名", "身份证号", "联系电话"),
        text_columns=("乡镇代码", "村（社区）代码", "身份证号", "联系电话"),
        notes=[
            "乡镇代码（9位）与乡镇名称填其一即可；乡镇名称在全省重名时须填乡镇代码。",
            "村（社区）代码（12位）可空，须属于该乡镇。",
            "身份证号须为18位，请保持本列为文本格式，否则Excel会改写后几位。",
            "同一人在名单中只能出现一次。",
        ],
    )


# --- The township's ledger: export and re-import ------------------------------------------------------------------

LEDGER_HEADERS = [
    "姓名",
    "公民身份号码",
    "联系电话",
    "村（社区）",
    "未参保原因",
    "核实状态",
    "联系结果",
    "动员情况",
    "参保日期",
    "工作步骤",
    "异地参保地",
    "动员情况（系统记录）",
]
LEDGER_WIDTHS = [10, 22, 14, 18, 22, 20, 12, 30, 12, 12, 18, 30]
TOTAL_ROW_MARKER = "合计"  # the ledger layout's total row: what follows it is the footer, not people
# The exported ledger carries its summaries above the list, a row per village: its header is searched further down
# than a clerk's list's (a township has far fewer villages).
LEDGER_HEADER_SEARCH_ROWS = 1000


class UninsuredLedgerResource(resources.Resource):
    """The columns of the township's ledger, as exported; importing updates the outcome columns the file has."""

    name = fields.Field(attribute="name", column_name="姓名", widget=TextWidget())
    id_number = fields.Field(attribute="id_number", column_name="公民身份号码", widget=IdNumberWidget())
    phone = fields.Field(attribute="phone", column_name="联系电话", widget=PhoneWidget())
    reason = fields.Field(
        attribute="reason", column_name="未参保原因", widget=ChoiceLabelWidget(choices=UninsuredReason, label="原因")
    )
    verification_status = fields.Field(
        attribute="verification_status",
        column_name="核实状态",
        widget=ChoiceLabelWidget(choices=VerificationStatus, label="核实状态"),
    )
    contact_result = fields.Field(
        attribute="contact_result",
        column_name="联系结果",
        widget=ChoiceLabelWidget(choices=ContactResult, label="联系结果"),
    )
    outreach_note = fields.Field(attribute="outreach_note", column_name="动员情况", widget=TextWidget())
    enrollment_date = fields.Field(attribute="enrollment_date", column_name="参保日期", widget=ListDateWidget())
    step = fields.Field(
        attribute="step", column_name="工作步骤", widget=ChoiceLabelWidget(choices=OutreachStep, label="工作步骤")
    )
    insured_elsewhere_place = fields.Field(
        attribute="insured_elsewhere_place", column_name="异地参保地", widget=TextWidget()
    )

    HEADER_ALIASES = {
        "序号": ("序号",),
        "姓名": ("姓名",),
        "公民身份号码": ("公民身份号码", "身份证号", "身份证号码"),
        "联系电话": ("联系电话", "电话"),
        "村（社区）": ("村（社区）", "村(社区)", "村"),
        "未参保原因": ("未参保原因", "原因"),
        "核实状态": ("核实状态",),
        "联系结果": ("联系结果",),
        "动员情况": ("动员情况", "动员参保情况", "备注"),
        "参保日期": ("参保日期",),
        "工作步骤": ("工作步骤", "步骤"),
        "异地参保地": ("异地参保地", "参保地"),
    }
    REQUIRED_COLUMNS = ("姓名", "公民身份号码")
    # A choice column that is in the file must be filled: a person always has a status, a contact result, a step.
    FILLED_COLUMNS = ("核实状态", "联系结果", "工作步骤")


def ledger_file_read(*, file_name: str, content: bytes) -> tuple[list[dict[str, object]], set[str]]:
    """The people of a township's ledger file as {column: cell}, without the 合计 row and the signatures below it."""
    rows, columns = list_files.list_file_read(
        file_name=file_name,
        content=content,
        aliases=UninsuredLedgerResource.HEADER_ALIASES,
        key_column="公民身份号码",
        required_columns=UninsuredLedgerResource.REQUIRED_COLUMNS,
        header_search_rows=LEDGER_HEADER_SEARCH_ROWS,
    )
    people = []
    for row in rows:
        if cell_text(row.get("序号")) == TOTAL_ROW_MARKER:
            break
        people.append(row)
    return people, columns


def uninsured_ledger_summaries(*, counts: LedgerCounts, year: int) -> list[Summary]:
    """The summaries the ledger page shows above its list, for the file: the six steps per village, the reasons and
    the people enrolled, from the same counts (selectors.uninsured_ledger_counts)."""
    steps = Summary(
        title=f"六步工作法进度（本乡镇{year}年度全部人员）",
        headers=["村（社区）", *(label for _value, label in counts.steps), "合计"],
        rows=[
            *([row.village_name, *row.counts, row.total] for row in counts.villages),
            ["合计", *counts.step_totals, counts.total],
        ],
    )
    reasons = Summary(
        title="未参保原因",
        headers=["未参保原因", "人数"],
        rows=[[reason.label, reason.people] for reason in counts.reasons],
    )
    enrolled = Summary(
        title="参保情况",
        headers=["参保情况", "人数"],
        rows=[["已参保", counts.enrolled], ["待反馈（未查明原因且未参保）", counts.pending]],
    )
    return [steps, reasons, enrolled]


def uninsured_ledger_report(
    *,
    title: str,
    unit: str,
    as_of: datetime.date,
    year: int,
    counts: LedgerCounts,
    rows: Iterable[Sequence[object]],
) -> Report:
    """The ledger in the township's format (core.excel writes ID numbers as text), its page's summaries above the
    list; read back by `ledger_file_read`."""
    return Report(
        title=title,
        unit=unit,
        as_of=as_of,
        columns=columns_of(LEDGER_HEADERS, LEDGER_WIDTHS),
        rows=rows,
        summaries=uninsured_ledger_summaries(counts=counts, year=year),
    )
