from django.contrib import admin

from .models import FeedBatch, FeedRecord


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
