"""The API of enrollment, one module per topic; the other apps' API views import what they share from here."""

from .base import ReadRequiresViewPermission, api_validation_error, resident_in_scope, resident_record_create

__all__ = ["ReadRequiresViewPermission", "api_validation_error", "resident_in_scope", "resident_record_create"]
