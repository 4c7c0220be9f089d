from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DuplicateCase, DuplicateScanJob


@admin.register(DuplicateCase)
class DuplicateCaseAdmin(SimpleHistoryAdmin):
    list_display = ["id", "kind", "year", "county", "resident", "amount", "status", "resolution", "resolved_at"]
    list_filter = ["kind", "status", "resolution", "year"]
    search_fields = ["resident__name", "resident__id_number"]
    raw_id_fields = [
        "enrollment",
        "other_enrollment",
        "resident",
        "other_resident",
        "employee_year",
        "county",
        "resolved_by",
        "refund_payment",
    ]

    def has_add_permission(self, request, obj=None):
        return False  # cases come from the scan

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuplicateScanJob)
class DuplicateScanJobAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "cases_found", "cases_new", "cases_closed", "created_at", "finished_at"]
    readonly_fields = [field.name for field in DuplicateScanJob._meta.fields]
