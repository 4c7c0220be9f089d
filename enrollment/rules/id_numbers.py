"""Resident ID numbers (GB 11643): the check character, the birth date, composing a number."""

import datetime
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARACTERS = "10X98765432"


class IdNumberError(ValueError):
    """An ID number that cannot be valid; the message is shown to the clerk."""


@dataclass(frozen=True)
class IdNumberFacts:
    id_number: str
    address_code: str
    birth_date: datetime.date
    gender: str  # "M" or "F"


ID_NUMBER_PART_CACHE_SIZE = 65_536  # distinct parts remembered: more than a county has birth dates


def _weighted_sum_of(first: int, last: int) -> Callable[[str], int]:
    """The MOD 11-2 weighted sum of the digits at positions first..last-1 of an ID number, as a cached function.

    The weighted sum of a number is the sum of its parts' sums: address code, birth date and sequence. Each part
    takes few distinct values in a county's file (a few address codes, some 30,000 birth dates, 1,000 sequences),
    so a bulk file of a million numbers computes each part's sum once and looks it up after.
    """
    weights = ID_NUMBER_WEIGHTS[first:last]
    weighted_zeros = ord("0") * sum(weights)

    @functools.lru_cache(maxsize=ID_NUMBER_PART_CACHE_SIZE)
    def weighted_sum(digits: str) -> int:
        total: int = sum(map(operator.mul, digits.encode("ascii"), weights))
        return total - weighted_zeros

    return weighted_sum


_address_code_sum = _weighted_sum_of(0, 6)
_birth_date_sum = _weighted_sum_of(6, 14)
_sequence_sum = _weighted_sum_of(14, 17)


@functools.lru_cache(maxsize=ID_NUMBER_PART_CACHE_SIZE)
def _birth_date_of(digits: str) -> datetime.date | None:
    """The date written as 8 digits YYYYMMDD, or None when there is no such day."""
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def id_number_check_character(first_seventeen: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643 (R13.4) of 17 ASCII digits."""
    if len(first_seventeen) != len(ID_NUMBER_WEIGHTS) or not _ascii_digits(first_seventeen):
        raise ValueError(f"not 17 ASCII digits: {first_seventeen!r}")
    return _check_character(first_seventeen)


def _check_character(first_seventeen: str) -> str:
    total = (
        _address_code_sum(first_seventeen[:6])
        + _birth_date_sum(first_seventeen[6:14])
        + _sequence_sum(first_seventeen[14:17])
    )
    return ID_NUMBER_CHECK_CHARACTERS[total % 11]


def _ascii_digits(text: str) -> bool:
    """0-9 only: str.isdigit() alone also takes full-width and other Unicode digits."""
    return text.isascii() and text.isdigit()


def id_number_read(raw: str) -> tuple[str, datetime.date, str]:
    """(ID number, birth date, sex "M"/"F") of a valid 18-character ID number, or IdNumberError (R13.4).

    The plain tuple is what a bulk file's million rows need; id_number_parse gives the same as IdNumberFacts.
    """
    id_number = raw.strip().upper()
    if len(id_number) != 18:
        raise IdNumberError("身份证号应为18位。")
    if not _ascii_digits(id_number[:17]) or id_number[17] not in "0123456789X":
        raise IdNumberError("身份证号前17位应为数字，最后一位应为数字或X。")
    birth_date = _birth_date_of(id_number[6:14])
    if birth_date is None:
        raise IdNumberError(f"身份证号中的出生日期 {id_number[6:14]} 不存在。")
    if _check_character(id_number) != id_number[17]:
        raise IdNumberError("身份证号校验位不正确，请核对后重新输入。")
    return id_number, birth_date, "M" if id_number[16] in "13579" else "F"


def id_number_parse(raw: str) -> IdNumberFacts:
    """Validate an 18-character ID number and derive its birth date and sex (R13.4).

    Whether the address code is still in today's division table is not checked here: an old code is only a
    warning, decided by the caller that has the table.
    """
    id_number, birth_date, gender = id_number_read(raw)
    return IdNumberFacts(id_number=id_number, address_code=id_number[:6], birth_date=birth_date, gender=gender)


def id_number_compose(*, address_code: str, birth_date: datetime.date, sequence: int) -> str:
    """The valid ID number for an address code, birth date and 3-digit sequence (odd: male, even: female)."""
    first_seventeen = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first_seventeen + id_number_check_character(first_seventeen)
