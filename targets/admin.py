from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PreviewBatchAdmin, ReadOnlyAdmin

from .models import BaselineImportBatch, PopulationBaseline, ProgressSnapshot, Target, TargetSplitBatch


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["division", "year", "metric", "value", "source_document"]
    list_filter = ["year", "metric"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]


@admin.register(PopulationBaseline)
class PopulationBaselineAdmin(SimpleHistoryAdmin):
    list_display = ["division", "year", "registered_population", "resident_population", "employee_insured"]
    list_filter = ["year"]
    search_fields = ["division__code", "division__name"]
    raw_id_fields = ["division"]


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(ReadOnlyAdmin):
    """Read-only: snapshots are written by the progress job only."""

    list_display = ["as_of", "division", "metric", "target", "actual", "completion_rate", "time_progress", "gap"]
    list_filter = ["year", "metric", "as_of"]
    search_fields = ["division__code", "division__name"]


@admin.register(TargetSplitBatch)
class TargetSplitBatchAdmin(PreviewBatchAdmin):
    list_display = ["uploaded_at", "city", "year", "file_name", "status", "rows_total"]


@admin.register(BaselineImportBatch)
class BaselineImportBatchAdmin(PreviewBatchAdmin):
    list_display = ["uploaded_at", "division", "file_name", "status", "rows_total"]
