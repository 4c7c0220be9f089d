"""The cell checks of the bulk files that need enrollment's rules: an ID number (GB 11643), and R13.0 for a date."""

import datetime

from core.tabular import cell_stored_as_number, cell_text, stored_as_number_message
from enrollment.rules import IdNumberError, RecordDateRefused, date_not_in_future_check, id_number_read


def record_date_problem(*, value: datetime.date, today: datetime.date, label: str) -> str:
    """R13.0 for a row of a bulk file: why a date after today is refused, the service's words; "" when it is not."""
    try:
        date_not_in_future_check(value=value, today=today, field="", label=label)
    except RecordDateRefused as error:
        return str(error)
    return ""


def id_number_check(value: object, *, today: datetime.date) -> tuple[str, datetime.date, str] | str:
    """(ID number, birth date, gender) of a cell, or the reason it is not a valid ID number (GB 11643) or names a
    birth date after today (R13.0)."""
    if cell_stored_as_number(value):
        return stored_as_number_message(column="身份证号")
    text = cell_text(value)
    if not text:
        return "身份证号为空。"
    try:
        identity = id_number_read(text)
    except IdNumberError as error:
        return str(error)
    return record_date_problem(value=identity[1], today=today, label="身份证号中的出生日期") or identity
