"""Pure policy rules of the resident registry: no ORM, no clock."""

import datetime
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


def id_number_check_character(first_seventeen: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643 (R13.4)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_seventeen, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK_CHARACTERS[total % 11]


def id_number_parse(raw: str) -> IdNumberFacts:
    """Validate an 18-character ID number and derive its birth date and sex (R13.4).

    Whether the address code is still in today's division table is not checked here: an old code is only a
    warning, decided by the caller that has the table.
    """
    id_number = raw.strip().upper()
    if len(id_number) != 18:
        raise IdNumberError("身份证号应为18位。")
    if not id_number[:17].isdigit() or not (id_number[17].isdigit() or id_number[17] == "X"):
        raise IdNumberError("身份证号前17位应为数字，最后一位应为数字或X。")
    try:
        birth_date = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期 {id_number[6:14]} 不存在。") from None
    if id_number_check_character(id_number[:17]) != id_number[17]:
        raise IdNumberError("身份证号校验位不正确，请核对后重新输入。")
    gender = "M" if int(id_number[16]) % 2 == 1 else "F"
    return IdNumberFacts(id_number=id_number, address_code=id_number[:6], birth_date=birth_date, gender=gender)


def id_number_mask(id_number: str) -> str:
    """Keep the address code and the last four characters: 140621********123X."""
    if len(id_number) != 18:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * 8}{id_number[-4:]}"


def id_number_compose(*, address_code: str, birth_date: datetime.date, sequence: int) -> str:
    """The valid ID number for an address code, birth date and 3-digit sequence (odd: male, even: female)."""
    first_seventeen = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first_seventeen + id_number_check_character(first_seventeen)
