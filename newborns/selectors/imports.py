"""Reads of the birth lists imported, limited to the user's division scope (accounts.scope)."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.scope import scope_or_above_queryset
from divisions.models import Division, DivisionLevel

from ..models import BirthImportBatch


def birth_import_batches(*, user: User) -> QuerySet[BirthImportBatch]:
    """The lists uploaded for the counties of the user's scope (or for the county their scope lies in)."""
    batches = BirthImportBatch.objects.select_related("county", "uploaded_by", "confirmed_by").order_by(
        "-uploaded_at", "-id"
    )
    return scope_or_above_queryset(batches, user=user, code_fields=("county__code",))


def birth_import_counties(*, user: User) -> QuerySet[Division]:
    """The counties a user may upload a birth list for: those of their scope, or the one their scope lies in."""
    counties = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")
    return scope_or_above_queryset(counties, user=user, code_fields=("code",))
