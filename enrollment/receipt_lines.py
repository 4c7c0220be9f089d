"""Lines that apps above enrollment add to an enrollment's receipt (缴费凭证 and 参保缴费明细).

The receipt lives in enrollment, below the apps that know more about the person: each such app registers, from its
AppConfig.ready(), a function giving the lines it has for an enrollment (newborns: the baby's 医保码 and until when it
is valid), and the receipt shows them after its own rows.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from .models import Enrollment


@dataclass(frozen=True)
class ReceiptLine:
    """One row of a receipt: its heading and its value, both as printed."""

    label: str
    value: str


ReceiptLines = Callable[[Enrollment, datetime.date], list[ReceiptLine]]

# Filled by the apps' ready(), by a key naming the lines ("newborns.medical_code").
RECEIPT_LINES: dict[str, ReceiptLines] = {}


def receipt_lines_register(*, key: str, lines: ReceiptLines) -> None:
    """Add the lines of `lines` to every receipt. A key registered twice by two different functions is a mistake two
    apps would make silently."""
    if key in RECEIPT_LINES and RECEIPT_LINES[key] is not lines:
        raise ValueError(f"receipt lines {key!r} are already registered")
    RECEIPT_LINES[key] = lines


def receipt_lines(*, enrollment: Enrollment, today: datetime.date) -> list[ReceiptLine]:
    """The registered lines for an enrollment the caller has found in scope, in the order of their keys."""
    return [line for key in sorted(RECEIPT_LINES) for line in RECEIPT_LINES[key](enrollment, today)]
