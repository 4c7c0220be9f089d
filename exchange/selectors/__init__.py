"""The reads of exchange, one module per topic; other apps import them from here."""

from .maternity import maternity_mothers_babies_unenrolled, maternity_reimbursements
from .school_rolls import student_first_enrollment_roll, student_rolls

__all__ = [
    "maternity_mothers_babies_unenrolled",
    "maternity_reimbursements",
    "student_first_enrollment_roll",
    "student_rolls",
]
