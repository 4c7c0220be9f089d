from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Resident


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "id_number", "gender", "birth_date", "household_division", "status"]
    list_filter = ["status", "gender"]
    search_fields = ["id_number", "name"]
    raw_id_fields = ["household_division", "residence_division"]
