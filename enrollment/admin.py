from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PolicyParameterSet, Resident


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "id_number", "gender", "birth_date", "household_division", "status"]
    list_filter = ["status", "gender"]
    search_fields = ["id_number", "name"]
    raw_id_fields = ["household_division", "residence_division"]


@admin.register(PolicyParameterSet)
class PolicyParameterSetAdmin(SimpleHistoryAdmin):
    list_display = ["region", "insurance_year", "contribution_standard", "source_document", "calendar_assumed"]
    list_filter = ["insurance_year", "calendar_assumed"]
    search_fields = ["region__code", "region__name", "source_document"]
    raw_id_fields = ["region"]
