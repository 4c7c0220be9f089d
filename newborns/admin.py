from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PreviewBatchAdmin, ReadOnlyAdmin

from .models import BirthImportBatch, BirthRecord, PreEnrollment, PreEnrollmentPlaceholder


@admin.register(BirthRecord)
class BirthRecordAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: births are registered and completed through the pages and the API, where the rules run."""

    list_display = ["birth_certificate_no", "name", "gender", "birth_date", "registration_date", "channel", "resident"]
    list_filter = ["channel", "gender"]
    search_fields = ["birth_certificate_no", "name", "mother_id_number"]


class PlaceholderInline(admin.TabularInline):
    model = PreEnrollmentPlaceholder
    extra = 0
    can_delete = False
    readonly_fields = ["resident", "enrollment", "birth_record", "linked_on", "linked_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PreEnrollment)
class PreEnrollmentAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["mother", "expected_delivery_date", "application_date", "babies", "status"]
    list_filter = ["status", "insurance_year"]
    search_fields = ["mother__name", "mother__id_number"]
    inlines = [PlaceholderInline]


@admin.register(BirthImportBatch)
class BirthImportBatchAdmin(PreviewBatchAdmin):
    list_display = ["uploaded_at", "county", "file_name", "status", "rows_total"]
