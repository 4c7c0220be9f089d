"""The newborns app's lines on an enrollment's receipt (enrollment.receipt_lines): the baby's 医保码, its validity and
status, on the receipts of the baby's enrollments."""

import datetime

from core.formatting import date_prose_text
from enrollment.models import Enrollment
from enrollment.receipt_lines import ReceiptLine, receipt_lines_register

from .selectors.medical_codes import medical_code_of_enrollment, medical_code_standing_on


def medical_code_lines(enrollment: Enrollment, today: datetime.date) -> list[ReceiptLine]:
    medical_code = medical_code_of_enrollment(enrollment=enrollment)
    if medical_code is None:
        return []
    standing = medical_code_standing_on(medical_code=medical_code, today=today)
    return [
        ReceiptLine("新生儿医保码", f"{medical_code.code}（{standing.label}）"),
        ReceiptLine(
            "医保码有效期",
            f"{date_prose_text(medical_code.valid_from)} 至 {date_prose_text(medical_code.valid_until)}"
            f"（出生后{medical_code.validity_days}天，{medical_code.source}）",
        ),
    ]


def receipt_lines_add() -> None:
    receipt_lines_register(key="newborns.medical_code", lines=medical_code_lines)
