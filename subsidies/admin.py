from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PreviewBatchAdmin

from .models import HardshipIdentity, IdentityListBatch


@admin.register(HardshipIdentity)
class HardshipIdentityAdmin(SimpleHistoryAdmin):
    list_display = ["resident", "category", "disability_grade", "department", "valid_from", "valid_to", "batch"]
    list_filter = ["category", "department"]
    search_fields = ["resident__id_number", "resident__name"]
    raw_id_fields = ["resident", "batch", "ended_by_batch"]


@admin.register(IdentityListBatch)
class IdentityListBatchAdmin(PreviewBatchAdmin):
    """Read-only: lists are uploaded and confirmed on their own pages, where the rows are checked."""

    list_display = ["uploaded_at", "county", "department", "list_date", "file_name", "status", "rows_total"]
    list_filter = ["department", "status"]
    search_fields = ["file_name", "county__name"]
    exclude = ["checked_rows", "row_errors", "unmatched_rows"]

    def has_delete_permission(self, request, obj=None):
        return False
