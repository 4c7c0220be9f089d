from django.contrib import admin
from django.http import HttpRequest

from .models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]

    def has_delete_permission(self, request: HttpRequest, obj: Division | None = None) -> bool:
        """Divisions are reference data, never deleted: the registry's keys to them are enforced by the application."""
        return False
