from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PreviewBatchAdmin, ReadOnlyAdmin

from .models import (
    BirthImportBatch,
    BirthRecord,
    MedicalCodeParameter,
    NewbornMedicalCode,
    PreEnrollment,
    PreEnrollmentPlaceholder,
)


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


@admin.register(MedicalCodeParameter)
class MedicalCodeParameterAdmin(admin.ModelAdmin):
    """Policy data: the days after birth a newborn's 医保码 is valid, per region and year, with its document."""

    list_display = ["region", "year", "validity_days", "source_document", "source_clause"]
    list_filter = ["year"]
    search_fields = ["region__code", "region__name", "source_document"]
    raw_id_fields = ["region"]


@admin.register(NewbornMedicalCode)
class NewbornMedicalCodeAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: codes are issued at registration and revoked on identity completion, where the rules run."""

    list_display = ["code", "birth_record", "valid_from", "valid_until", "revoked_at"]
    search_fields = ["code", "birth_record__birth_certificate_no", "birth_record__name"]
