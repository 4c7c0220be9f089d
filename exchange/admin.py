from django.contrib import admin

from .models import FeedBatch, FeedRecord, MaternityReimbursement, ResidentMove, StudentRoll


@admin.register(FeedBatch)
class FeedBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "channel", "county", "received_at", "records_total", "applied_count", "queued_count"]
    list_filter = ["kind", "channel"]
    readonly_fields = [field.name for field in FeedBatch._meta.fields]


@admin.register(FeedRecord)
class FeedRecordAdmin(admin.ModelAdmin):
    list_display = ["id", "batch", "kind", "position", "outcome", "received_at"]
    list_filter = ["kind", "outcome"]
    readonly_fields = [field.name for field in FeedRecord._meta.fields]
    raw_id_fields = ["batch", "resident", "refund_enrollment"]


@admin.register(ResidentMove)
class ResidentMoveAdmin(admin.ModelAdmin):
    list_display = ["id", "resident", "move_date", "destination", "created_at"]
    readonly_fields = [field.name for field in ResidentMove._meta.fields]
    raw_id_fields = ["resident"]


@admin.register(StudentRoll)
class StudentRollAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "school_name", "school_year", "school_type", "first_time"]
    list_filter = ["school_type", "first_time", "school_year"]
    readonly_fields = [field.name for field in StudentRoll._meta.fields]
    raw_id_fields = ["resident"]


@admin.register(MaternityReimbursement)
class MaternityReimbursementAdmin(admin.ModelAdmin):
    list_display = ["id", "mother_name", "baby_birth_date", "birth_certificate_no", "reimbursement_date"]
    readonly_fields = [field.name for field in MaternityReimbursement._meta.fields]
    raw_id_fields = ["mother"]
