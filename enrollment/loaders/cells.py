"""The cell checks of the bulk files that need enrollment's rules: an ID number (GB 11643)."""

import datetime

from core.tabular import cell_stored_as_number, cell_text, stored_as_number_message
from enrollment.rules import IdNumberError, id_number_read


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
