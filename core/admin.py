from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PendingSubmission


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    """Records that only their own process writes (a job, an upload and its confirmation, the pages where the rules
    run): every shown field read-only, none added here. Put it first when mixed with another admin class."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        hidden = self.exclude or ()
        return [field.name for field in self.model._meta.fields if field.name not in hidden]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class PreviewBatchAdmin(ReadOnlyAdmin):
    """A preview → confirm batch (`core.batches.PreviewBatch`), without its row lists, which are too long to show."""

    list_filter = ["status"]
    exclude = ["checked_rows", "row_errors"]


@admin.register(PendingSubmission)
class PendingSubmissionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = ("task_name", "job_id", "created_at", "attempts", "last_attempt_at")
    readonly_fields = ("task_name", "job_id", "created_at", "attempts", "last_attempt_at", "last_error")
