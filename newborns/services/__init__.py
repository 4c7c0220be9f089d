"""The writes of newborns, one module per topic; other apps import them from here."""

from .births import newborn_identity_complete, newborn_register, pre_enrollment_create, pre_enrollment_terminate
from .imports import birth_import_confirm, birth_import_preview
from .medical_codes import medical_code_issue, medical_code_revoke

__all__ = [
    "birth_import_confirm",
    "birth_import_preview",
    "medical_code_issue",
    "medical_code_revoke",
    "newborn_identity_complete",
    "newborn_register",
    "pre_enrollment_create",
    "pre_enrollment_terminate",
]
