from django.db.models import QuerySet

from accounts.models import User
from accounts.scope import scope_queryset

from .models import BulkImportJob


def bulk_import_jobs(*, user: User) -> QuerySet[BulkImportJob]:
    """Import jobs of the counties in the user's scope, newest first."""
    jobs = BulkImportJob.objects.select_related("county", "requested_by", "identity_list_batch")
    return scope_queryset(jobs, user=user, code_fields=("county__code",))
