"""The writes of newborns, one module per topic; other apps import them from here."""

from .births import newborn_identity_complete, newborn_register, pre_enrollment_create, pre_enrollment_terminate
from .imports import birth_import_confirm, birth_import_preview

__all__ = [
    "birth_import_confirm",
    "birth_import_preview",
    "newborn_identity_complete",
    "newborn_register",
    "pre_enrollment_create",
    "pre_enrollment_terminate",
]
