from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ClaimSummary, Enrollment, ExportJob, Payment, PolicyParameterSet, Resident


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "id_number", "gender", "birth_date", "household_division", "status"]
    list_filter = ["status", "gender"]
    search_fields = ["id_number", "name"]
    raw_id_fields = ["household_division", "residence_division"]


@admin.register(PolicyParameterSet)
class PolicyParameterSetAdmin(SimpleHistoryAdmin):
    list_display = [
        "region",
        "insurance_year",
        "version",
        "is_current",
        "contribution_standard",
        "source_document",
        "document_number",
        "calendar_assumed",
    ]
    list_filter = ["insurance_year", "is_current", "calendar_assumed"]
    search_fields = ["region__code", "region__name", "source_document"]
    raw_id_fields = ["region"]

    # Approved sets are never edited: a correction is a new version, published through an approved policy draft.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "amount", "date", "years", "reason", "recorded_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(SimpleHistoryAdmin):
    """Read-only: enrollments change only through the services (payment, back-payment, refund)."""

    list_display = ["resident", "insurance_year", "status", "individual_due", "benefit_start", "benefit_end"]
    list_filter = ["insurance_year", "status", "channel"]
    search_fields = ["resident__id_number", "resident__name"]
    inlines = [PaymentInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Enrollment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimSummary)
class ClaimSummaryAdmin(SimpleHistoryAdmin):
    list_display = ["resident", "year", "fund_paid_total", "reward_used"]
    list_filter = ["year", "reward_used"]
    search_fields = ["resident__id_number", "resident__name"]
    raw_id_fields = ["resident"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "requested_by", "status", "rows_done", "rows_total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]
