from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Target


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["division", "year", "metric", "value", "source_document"]
    list_filter = ["year", "metric"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]
