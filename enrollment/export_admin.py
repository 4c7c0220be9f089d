from django.contrib import admin

from .export_models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "requested_by", "status", "rows_done", "rows_total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]
