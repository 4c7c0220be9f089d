from django.db.models import QuerySet

from accounts.models import User

from .export_models import ExportJob


def export_job_list(*, user: User) -> QuerySet[ExportJob]:
    """A user sees only the exports they asked for: each holds data of the asker's scope."""
    return ExportJob.objects.filter(requested_by=user)
