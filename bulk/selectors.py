from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from core.models import AWAITING_CONFIRMATION_STATUSES, JobStatus

from .models import BulkImportJob

# A job that ended without writing its file: refused for its error rows, or failed.
ENDED_WITH_ERRORS = (JobStatus.REFUSED, JobStatus.FAILED)


def bulk_import_jobs(*, user: User) -> QuerySet[BulkImportJob]:
    """Import jobs of the counties in the user's scope, newest first."""
    jobs = BulkImportJob.objects.select_related("county", "requested_by", "identity_list_batch")
    return scope_queryset(jobs, user=user, code_fields=("county__code",))


def bulk_imports_to_confirm(*, user: User) -> QuerySet[BulkImportJob]:
    """The imports of the user's scope whose check is done and whose write waits for a clerk (待确认)."""
    return bulk_import_jobs(user=user).filter(status__in=AWAITING_CONFIRMATION_STATUSES)


def bulk_imports_with_errors(*, user: User) -> QuerySet[BulkImportJob]:
    """The imports of the user's scope refused for their error rows or failed, and not yet sent again: no later
    import of the same kind of file for the same county."""
    sent_again = BulkImportJob.objects.filter(kind=OuterRef("kind"), county=OuterRef("county"), pk__gt=OuterRef("pk"))
    return bulk_import_jobs(user=user).filter(status__in=ENDED_WITH_ERRORS).exclude(Exists(sent_again))
