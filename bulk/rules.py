"""Pure checks of the rows of a bulk file, common to every kind: cells in, values or reasons out. No ORM, no clock.

A row's cells come as the reader gives them: text from a CSV, text, numbers, dates or None from an xlsx sheet.
A kind's row check (in its app's loader) returns `(values, "")` for a good row and `(None, "reason；reason")` for a
bad one; the reasons name the column, in Chinese, as the clerk sees it in the error report. The checks of cells that
need no domain knowledge (the header, dates, amounts, names) live here; the ones that do (an ID number, an insurance
year) live with the loader of the app that owns the data.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.tabular import CellUnreadable, cell_date, cell_text

HEADER_SEARCH_ROWS = 5  # a file may carry a title row or two above its header
REASON_SEPARATOR = ""  # every reason ends with its own 。


@dataclass(frozen=True)
class Column:
    name: str  # the header of our template, and of the error report
    aliases: tuple[str, ...]
    required: bool = True


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
    return [cell_text_at(cells, positions, column.name) for column in columns]


def cell_text_at(cells: Sequence[object], positions: Mapping[str, int], name: str) -> str:
    """The text of the row's cell of column `name`; empty for a column the file lacks or the row stops before."""
    position = positions.get(name)
    if position is None or position >= len(cells):
        return ""
    return cell_text(cells[position])


def cell_at(cells: Sequence[object], positions: Mapping[str, int], name: str) -> object:
    """The row's cell of column `name` as read; None for a column the file lacks or the row stops before."""
    position = positions.get(name)
    if position is None or position >= len(cells):
        return None
    return cells[position]


def cells_at(cells: Sequence[object], positions: Mapping[str, int], names: Sequence[str]) -> list[object]:
    """The cells of the columns `names`, in that order: None for a column the file lacks or the row stops before."""
    width = len(cells)
    found = []
    for name in names:
        position = positions.get(name)
        found.append(cells[position] if position is not None and position < width else None)
    return found


def phone_is_plain(phone: str) -> bool:
    """Empty, or digits only: most rows, told apart without the pattern."""
    return not phone or (len(phone) <= PHONE_MAX_LENGTH and phone.isascii() and phone.isdigit())


def name_problems(name: str) -> list[str]:
    if not name:
        return ["姓名为空。"]
    if len(name) > NAME_MAX_LENGTH:
        return [f"姓名超过{NAME_MAX_LENGTH}个字。"]
    return []


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
