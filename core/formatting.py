"""How every page writes numbers, shares, dates and people: one way, so that a figure reads the same on each page.

Money to the fen with thousands separators (1,200,000.00), counts with thousands separators (134,600), a share as
a percentage to two places (0.5 → 50.00%), dates in tables as 2026-12-03 and in sentences as 2026年12月3日, a
moment in local time as 2026-12-03 14:05, a user by the name of the person. Rounding is half up, as on the
receipts. The template filters (core/templatetags/canbao_format.py) and the report tables (core.reports) call these.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

# What a page shows where there is no value.
MISSING = "—"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def grouped(number: Decimal, places: int) -> str:
    """A number rounded half up to the given places, its integer part grouped by thousands: 1,234,567.50."""
    rounded = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{rounded:,.{places}f}"


def yuan_text(value: object) -> str:
    """An amount of money in yuan: Decimal("1200000") → "1,200,000.00"; "—" when there is none."""
    number = _decimal(value)
    return MISSING if number is None else grouped(number, 2)


def count_text(value: object) -> str:
    """A number of people or records: 134600 → "134,600"; "—" when there is none."""
    number = _decimal(value)
    return MISSING if number is None else grouped(number, 0)


def percent_text(value: object, places: int = 2) -> str:
    """A share as a percentage: Decimal("0.5") → "50.00%"; "—" when there is none."""
    number = _decimal(value)
    return MISSING if number is None else f"{grouped(number * 100, places)}%"


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def date_table_text(value: datetime.date | None) -> str:
    """A date in a table cell: 2026-12-03 (a moment: its local date); "—" when there is none."""
    if value is None or value == "":
        return MISSING
    day = _local(value).date() if isinstance(value, datetime.datetime) else value
    return f"{day:%Y-%m-%d}"


def date_prose_text(value: datetime.date | None) -> str:
    """A date in a sentence: 2026年12月3日 (a moment: its local date); "—" when there is none."""
    if value is None or value == "":
        return MISSING
    day = _local(value).date() if isinstance(value, datetime.datetime) else value
    return f"{day.year}年{day.month}月{day.day}日"


def moment_text(value: datetime.datetime | None) -> str:
    """A moment (when something was uploaded, changed, recorded) in local time: 2026-12-03 14:05."""
    if value is None or value == "":
        return MISSING
    return f"{_local(value):%Y-%m-%d %H:%M}"


def person_name_text(user: Any) -> str:
    """Who did something, by the person's name as the bureau knows it (the user's full name, else the user name);
    "系统" for a change no user made."""
    if user is None or user == "":
        return "系统"
    full_name = f"{user.last_name or ''}{user.first_name or ''}".strip()
    return full_name or str(user.username)
