from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PreviewBatchAdmin

from .models import UninsuredLedgerImportBatch, UninsuredList, UninsuredPerson, UninsuredPushBatch


@admin.register(UninsuredList)
class UninsuredListAdmin(SimpleHistoryAdmin):
    list_display = ["title", "township", "year", "deadline", "pushed_at", "signed_by", "signed_at"]
    list_filter = ["year"]
    search_fields = ["title", "township__name"]
    raw_id_fields = ["township"]


@admin.register(UninsuredPerson)
class UninsuredPersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "township", "village", "year", "reason", "verification_status", "step", "enrollment_date"]
    list_filter = ["year", "reason", "step", "verification_status"]
    search_fields = ["name", "id_number"]
    raw_id_fields = ["township", "village", "uninsured_list"]


@admin.register(UninsuredPushBatch)
class UninsuredPushBatchAdmin(PreviewBatchAdmin):
    list_display = ["uploaded_at", "division", "year", "file_name", "status", "rows_total"]
    exclude = ["checked_rows", "row_errors", "townships"]


@admin.register(UninsuredLedgerImportBatch)
class UninsuredLedgerImportBatchAdmin(PreviewBatchAdmin):
    list_display = ["uploaded_at", "township", "year", "file_name", "status", "rows_total"]
