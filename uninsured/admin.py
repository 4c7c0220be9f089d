from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import UninsuredList, UninsuredPerson


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
