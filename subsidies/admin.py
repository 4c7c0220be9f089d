from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import HardshipIdentity


@admin.register(HardshipIdentity)
class HardshipIdentityAdmin(SimpleHistoryAdmin):
    list_display = ["resident", "category", "disability_grade", "department", "valid_from", "valid_to"]
    list_filter = ["category", "department"]
    search_fields = ["resident__id_number", "resident__name"]
    raw_id_fields = ["resident"]
