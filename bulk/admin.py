from django.contrib import admin

from .models import BulkImportJob


@admin.register(BulkImportJob)
class BulkImportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "county", "file_name", "status", "rows_total", "error_count", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in BulkImportJob._meta.fields]

    def has_add_permission(self, request):
        return False  # uploads go through /bulk/, which queues the worker
