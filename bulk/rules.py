"""Pure checks of the rows of a bulk file: cells in, the values to stage or the reasons out. No ORM, no clock.

A row's cells come as the reader gives them: text from a CSV, text, numbers, dates or None from an xlsx sheet.
Each check returns `(values, "")` for a good row and `(None, "reason；reason")` for a bad one; the reasons name the
column, in Chinese, as the clerk sees it in the error report.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.tabular import (
    EXCEL_SCIENTIFIC_NOTATION,
    CellUnreadable,
    cell_date,
    cell_stored_as_number,
    cell_text,
    stored_as_number_message,
)
from enrollment.rules import (
    IdNumberError,
    RecordDateRefused,
    id_number_read,
    insurance_year_open_check,
    payment_date_check,
)

HEADER_SEARCH_ROWS = 5  # a file may carry a title row or two above its header
REASON_SEPARATOR = ""  # every reason ends with its own 。

# The upload form's fields an identity list needs (BulkImportJob.department and list_date).
DEPARTMENT_REQUIRED = "导入困难身份名单须选择认定部门。"
LIST_DATE_REQUIRED = "导入困难身份名单须填写名单日期。"


@dataclass(frozen=True)
class Column:
    name: str  # the header of our template, and of the error report
    aliases: tuple[str, ...]
    required: bool = True


RESIDENT_COLUMNS = (
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
    Column("姓名", ("姓名",)),
    Column("户籍地代码", ("户籍地代码", "户籍地区划代码", "户籍所在村（社区）代码", "户籍所在村代码")),
    Column("联系电话", ("联系电话", "电话", "手机号码"), required=False),
    Column("居住地代码", ("居住地代码", "居住地区划代码"), required=False),
)
RESIDENT_COLUMN_NAMES = tuple(column.name for column in RESIDENT_COLUMNS)  # the order resident_row_check reads
ENROLLMENT_COLUMNS = (
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
    Column("保险年度", ("保险年度", "参保年度")),
    Column("缴费日期", ("缴费日期",)),
    Column("个人缴费", ("个人缴费", "个人缴费金额", "个人缴费（元）")),
    Column("资助金额", ("资助金额", "资助金额（元）"), required=False),
    Column("资助类别", ("资助类别",), required=False),
    Column("待遇开始", ("待遇开始", "待遇享受开始日期"), required=False),
    Column("待遇截止", ("待遇截止", "待遇享受截止日期"), required=False),
    Column("状态", ("状态", "参保状态"), required=False),
)

ENROLLMENT_STATUS_NAMES = {
    "": "active",
    "有效": "active",
    "active": "active",
    "已退费": "refunded",
    "refunded": "refunded",
}
NAME_MAX_LENGTH = 64
PHONE_PATTERN = re.compile(r"^[0-9+\-() ]{0,20}$")
PHONE_MAX_LENGTH = 20
MONEY_LIMIT = Decimal("10000000")
FIRST_YEAR, LAST_YEAR = 2000, 2100


class HeaderMissing(ValueError):
    """The file has no header naming the required columns; the message is shown to the clerk."""


def _header_text(cell: object) -> str:
    return re.sub(r"\s+", "", str(cell or ""))


def header_positions(line: Sequence[object], columns: Sequence[Column]) -> dict[str, int] | None:
    """Where each of our columns is in a header line, or None when a required column is missing from it."""
    texts = [_header_text(cell) for cell in line]
    positions = {}
    for column in columns:
        position = next((index for index, text in enumerate(texts) if text in column.aliases), None)
        if position is not None:
            positions[column.name] = position
        elif column.required:
            return None
    return positions


def header_missing_message(columns: Sequence[Column]) -> str:
    required = "、".join(column.name for column in columns if column.required)
    return f"没有找到表头：前{HEADER_SEARCH_ROWS}行中应有一行包含以下各列：{required}。"


def row_is_blank(cells: Sequence[object]) -> bool:
    for cell in cells:  # a loop that stops at the first filled cell: every row of a million-row file is asked
        if cell is not None and (type(cell) is not str or cell.strip()):
            return False
    return True


def row_texts(cells: Sequence[object], positions: Mapping[str, int], columns: Sequence[Column]) -> list[str]:
    """The row's cells in our column order, as text, for the error report."""
    return [_cell_at(cells, positions, column.name) for column in columns]


def _cell_at(cells: Sequence[object], positions: Mapping[str, int], name: str) -> str:
    position = positions.get(name)
    if position is None or position >= len(cells):
        return ""
    return cell_text(cells[position])


def _raw_at(cells: Sequence[object], positions: Mapping[str, int], name: str) -> object:
    position = positions.get(name)
    if position is None or position >= len(cells):
        return None
    return cells[position]


def _raw_cells(cells: Sequence[object], positions: Mapping[str, int], names: Sequence[str]) -> list[object]:
    """The cells of the columns `names`, in that order: None for a column the file lacks or the row stops before."""
    width = len(cells)
    found = []
    for name in names:
        position = positions.get(name)
        found.append(cells[position] if position is not None and position < width else None)
    return found


def _phone_is_plain(phone: str) -> bool:
    """Empty, or digits only: most rows, told apart without the pattern."""
    return not phone or (len(phone) <= PHONE_MAX_LENGTH and phone.isascii() and phone.isdigit())


def name_problems(name: str) -> list[str]:
    if not name:
        return ["姓名为空。"]
    if len(name) > NAME_MAX_LENGTH:
        return [f"姓名超过{NAME_MAX_LENGTH}个字。"]
    return []


def id_number_check(value: object) -> tuple[str, datetime.date, str] | str:
    """(ID number, birth date, gender) of a cell, or the reason it is not a valid ID number (GB 11643)."""
    if cell_stored_as_number(value):
        return stored_as_number_message(column="身份证号")
    text = cell_text(value)
    if not text:
        return "身份证号为空。"
    try:
        return id_number_read(text)
    except IdNumberError as error:
        return str(error)


def date_check(value: object, *, column: str, required: bool) -> datetime.date | str | None:
    """A date as Excel stores it or written 2025-01-01, 2025/1/1, 2025.1.1, 2025年1月1日 or 20250101."""
    try:
        date = cell_date(value)
    except CellUnreadable as error:
        return f"{column}「{error}」不是有效日期，请写成2026-01-01。"
    if date is None and required:
        return f"{column}为空。"
    return date


def money_check(value: object, *, column: str, required: bool) -> Decimal | str:
    text = cell_text(value).replace(",", "")
    if not text:
        return f"{column}为空。" if required else Decimal("0.00")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return f"{column}「{text}」不是金额。"
    if not amount.is_finite() or amount < 0 or amount >= MONEY_LIMIT:
        return f"{column}「{text}」应为不小于0的金额。"
    if amount != amount.quantize(Decimal("0.01")):
        return f"{column}「{text}」最多两位小数。"
    return amount.quantize(Decimal("0.01"))


def resident_row_check(
    cells: Sequence[object], *, positions: Mapping[str, int], division_codes: frozenset[str], today: datetime.date
) -> tuple[tuple[Any, ...] | None, str]:
    """A registry row: (id_number, name, household code, phone, residence code, gender, birth date) or reasons.

    `division_codes` are the townships and villages of the importing county: a person is registered in one of them.
    No one is registered with a birth date after today (R13.0).
    """
    id_cell, *texts = _raw_cells(cells, positions, RESIDENT_COLUMN_NAMES)
    name, household, phone, residence = [cell.strip() if type(cell) is str else cell_text(cell) for cell in texts]
    reasons = []
    identity = id_number_check(id_cell)
    if isinstance(identity, str):
        reasons.append(identity)
    elif identity[1] > today:
        reasons.append(f"身份证号中的出生日期{identity[1].isoformat()}晚于今天（{today.isoformat()}）。")
    if not name or len(name) > NAME_MAX_LENGTH:
        reasons += name_problems(name)
    if not household:
        reasons.append("户籍地代码为空。")
    elif household not in division_codes:
        reasons.append(f"户籍地代码 {household} 不是本县（区）的乡镇（街道）或村（社区）代码。")
    if residence and residence not in division_codes:
        reasons.append(f"居住地代码 {residence} 不是本县（区）的乡镇（街道）或村（社区）代码。")
    if not _phone_is_plain(phone) and not PHONE_PATTERN.match(phone):
        reasons.append("联系电话只能包含数字，且不超过20位。")
    if reasons:
        return None, REASON_SEPARATOR.join(reasons)
    id_number, birth_date, gender = identity  # type: ignore[misc]
    return (id_number, name, household, phone, residence or None, gender, birth_date), ""


def enrollment_row_check(
    cells: Sequence[object],
    *,
    positions: Mapping[str, int],
    subsidy_categories: Mapping[str, str],
    today: datetime.date,
) -> tuple[tuple[Any, ...] | None, str]:
    """A row of enrollment history: (id_number, insurance_year, payment_date, individual_due, subsidy_amount,
    subsidy_category, benefit_start, benefit_end, status) or reasons.

    `subsidy_categories` maps each accepted name of a subsidy category (its code and its Chinese name) to the code.
    The year and the payment date are checked as a payment at the window is (R13.0): no year whose collection has
    not begun, no payment after today or before 1 January of the year before its insurance year.
    """
    reasons = []
    identity = id_number_check(_raw_at(cells, positions, "身份证号"))
    if isinstance(identity, str):
        reasons.append(identity)
    year_text = _cell_at(cells, positions, "保险年度")
    year = int(year_text) if year_text.isdigit() else 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        reasons.append(f"保险年度「{year_text}」应为{FIRST_YEAR}至{LAST_YEAR}之间的年份。")
    payment_date = date_check(_raw_at(cells, positions, "缴费日期"), column="缴费日期", required=True)
    individual_due = money_check(_raw_at(cells, positions, "个人缴费"), column="个人缴费", required=True)
    subsidy_amount = money_check(_raw_at(cells, positions, "资助金额"), column="资助金额", required=False)
    benefit_start = date_check(_raw_at(cells, positions, "待遇开始"), column="待遇开始", required=False)
    benefit_end = date_check(_raw_at(cells, positions, "待遇截止"), column="待遇截止", required=False)
    for checked in (payment_date, individual_due, subsidy_amount, benefit_start, benefit_end):
        if isinstance(checked, str):
            reasons.append(checked)
    if FIRST_YEAR <= year <= LAST_YEAR:
        try:
            insurance_year_open_check(insurance_year=year, today=today)
            if isinstance(payment_date, datetime.date):
                payment_date_check(insurance_year=year, payment_date=payment_date, today=today)
        except RecordDateRefused as error:
            reasons.append(str(error))
    category_text = _cell_at(cells, positions, "资助类别")
    category = subsidy_categories.get(category_text, "") if category_text else ""
    if category_text and not category:
        reasons.append(f"资助类别「{category_text}」不是已知的资助类别。")
    status_text = _cell_at(cells, positions, "状态")
    status = ENROLLMENT_STATUS_NAMES.get(status_text)
    if status is None:
        reasons.append(f"状态「{status_text}」应为“有效”或“已退费”。")
    dates_read = not isinstance(benefit_start, str) and not isinstance(benefit_end, str)
    if dates_read and (benefit_start is None) != (benefit_end is None):
        reasons.append("待遇开始与待遇截止应同时填写或同时留空。")
    elif dates_read and benefit_start is not None and benefit_start > benefit_end:  # type: ignore[operator]
        reasons.append("待遇开始不能晚于待遇截止。")
    if reasons:
        return None, REASON_SEPARATOR.join(reasons)
    id_number = identity[0]
    return (
        id_number,
        year,
        payment_date,
        individual_due,
        subsidy_amount,
        category,
        benefit_start,
        benefit_end,
        status,
    ), ""


TAX_PAYMENT_COLUMNS = (
    Column("电子税票号码", ("电子税票号码", "电子税票号", "税票号码", "税票号")),
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码", "证件号码")),
    Column("姓名", ("姓名", "缴费人姓名", "缴费人")),
    Column("费款所属年度", ("费款所属年度", "所属年度", "保险年度", "参保年度")),
    Column("实缴金额", ("实缴金额", "实缴金额（元）", "实缴金额(元)", "缴费金额", "入库金额")),
    Column("缴费日期", ("缴费日期", "缴款日期")),
    Column("入库日期", ("入库日期",)),
)
VOUCHER_PATTERN = re.compile(r"^[0-9A-Za-z-]{1,32}$")
EXACT_DIGITS_OF_A_NUMBER_CELL = 15  # Excel keeps 15 significant digits of a number


def voucher_number_check(value: object) -> str | tuple[str]:
    """(voucher number,) of a cell, or the reason it is not one."""
    if (
        isinstance(value, float)
        or (isinstance(value, int) and len(str(abs(value))) > EXACT_DIGITS_OF_A_NUMBER_CELL)
        or (isinstance(value, str) and EXCEL_SCIENTIFIC_NOTATION.match(value.strip()))
    ):
        return stored_as_number_message(column="电子税票号码")
    text = cell_text(value)
    if not text:
        return "电子税票号码为空。"
    if not VOUCHER_PATTERN.match(text):
        return f"电子税票号码「{text}」只能包含数字和字母，且不超过32位。"
    return (text,)


def tax_payment_row_check(
    cells: Sequence[object], *, positions: Mapping[str, int], today: datetime.date
) -> tuple[tuple[Any, ...] | None, str]:
    """A row of the tax bureau's payments deposited in the treasury (征缴入库明细): (voucher_number, id_number, name,
    insurance_year, amount, paid_on, deposited_on) or reasons.

    The insurance year is at most the year after the payment (the collection for Y runs in Y-1, R2.1; students pay
    Y+1 in Y, R9.1); a year long before the payment is a back-payment (R4.5) and is accepted.
    """
    reasons = []
    voucher = voucher_number_check(_raw_at(cells, positions, "电子税票号码"))
    if isinstance(voucher, str):
        reasons.append(voucher)
    identity = id_number_check(_raw_at(cells, positions, "身份证号"))
    if isinstance(identity, str):
        reasons.append(identity)
    name = _cell_at(cells, positions, "姓名")
    reasons += name_problems(name)
    year_text = _cell_at(cells, positions, "费款所属年度")
    year_digits = year_text.removesuffix("年")
    year = int(year_digits) if year_digits.isascii() and year_digits.isdigit() else 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        reasons.append(f"费款所属年度「{year_text}」应为{FIRST_YEAR}至{LAST_YEAR}之间的年份。")
    amount = money_check(_raw_at(cells, positions, "实缴金额"), column="实缴金额", required=True)
    if isinstance(amount, str):
        reasons.append(amount)
    elif amount == 0:
        reasons.append("实缴金额应大于0。")
    paid_on = date_check(_raw_at(cells, positions, "缴费日期"), column="缴费日期", required=True)
    deposited_on = date_check(_raw_at(cells, positions, "入库日期"), column="入库日期", required=True)
    for checked in (paid_on, deposited_on):
        if isinstance(checked, str):
            reasons.append(checked)
    if isinstance(paid_on, datetime.date):
        if FIRST_YEAR <= year <= LAST_YEAR and year > paid_on.year + 1:
            reasons.append(f"费款所属年度{year}年晚于缴费日期{paid_on.isoformat()}的次年，不能预缴两年以后的费款。")
        if isinstance(deposited_on, datetime.date) and deposited_on < paid_on:
            reasons.append(f"入库日期{deposited_on.isoformat()}早于缴费日期{paid_on.isoformat()}。")
    if isinstance(deposited_on, datetime.date) and deposited_on > today:
        reasons.append(f"入库日期{deposited_on.isoformat()}晚于今天（{today.isoformat()}）。")
    if reasons:
        return None, REASON_SEPARATOR.join(reasons)
    return (voucher[0], identity[0], name, year, amount, paid_on, deposited_on), ""
