"""The writes of 重复参保治理, one module per topic; other modules import them from here."""

from .resolutions import duplicate_case_resolve
from .scan import (
    FoundDuplicate,
    ScanResult,
    duplicate_cases_store,
    duplicate_scan,
    duplicate_scan_job_create,
    duplicate_scan_job_run,
    employee_and_resident_find,
    placeholder_and_registered_find,
)

__all__ = [
    "FoundDuplicate",
    "ScanResult",
    "duplicate_case_resolve",
    "duplicate_cases_store",
    "duplicate_scan",
    "duplicate_scan_job_create",
    "duplicate_scan_job_run",
    "employee_and_resident_find",
    "placeholder_and_registered_find",
]
