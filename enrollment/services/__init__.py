"""The writes of enrollment, one module per topic; other apps import them from here."""

from .employee_years import (
    EmployeeYearEntry,
    EmployeeYearsRecorded,
    employee_insured_years_record,
    employee_insured_years_record_many,
)
from .enrollments import (
    PaymentDetails,
    back_payment_add,
    claim_summary_upsert,
    contribution_payment_add,
    enrollment_create,
    enrollment_preview,
    enrollment_recompute,
    refund_request,
)
from .exports import export_job_create, export_job_run, resident_roster_build
from .partitions import enrollment_partitions_ensure, partition_years_coming
from .policy_parameters import policy_parameter_set_publish, policy_parameter_set_with
from .receipts import clerk_day_close, day_close_check, payments_record, receipt_print_record
from .residents import (
    id_number_address_warnings,
    record_date_check,
    resident_create,
    resident_division_check,
    resident_update,
)

__all__ = [
    "EmployeeYearEntry",
    "EmployeeYearsRecorded",
    "PaymentDetails",
    "back_payment_add",
    "claim_summary_upsert",
    "clerk_day_close",
    "contribution_payment_add",
    "day_close_check",
    "employee_insured_years_record",
    "employee_insured_years_record_many",
    "enrollment_create",
    "enrollment_partitions_ensure",
    "enrollment_preview",
    "enrollment_recompute",
    "export_job_create",
    "export_job_run",
    "id_number_address_warnings",
    "partition_years_coming",
    "payments_record",
    "policy_parameter_set_publish",
    "policy_parameter_set_with",
    "receipt_print_record",
    "record_date_check",
    "refund_request",
    "resident_create",
    "resident_division_check",
    "resident_roster_build",
    "resident_update",
]
