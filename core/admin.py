from django.contrib import admin

from .models import PendingSubmission


@admin.register(PendingSubmission)
class PendingSubmissionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = ("task_name", "job_id", "created_at", "attempts", "last_attempt_at")
    readonly_fields = ("task_name", "job_id", "created_at", "attempts", "last_attempt_at", "last_error")
