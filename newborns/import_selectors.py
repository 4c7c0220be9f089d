"""Reads of the birth lists imported, limited to the user's division scope (accounts.selectors)."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import user_scope_code
from divisions.models import Division, DivisionLevel

from .models import BirthImportBatch

COUNTY_CODE_LENGTH = 6


def birth_import_batches(*, user: User) -> QuerySet[BirthImportBatch]:
    """The lists uploaded for the counties of the user's scope (or for the county their scope lies in)."""
    batches = BirthImportBatch.objects.select_related("county", "uploaded_by", "confirmed_by").order_by(
        "-uploaded_at", "-id"
    )
    scope_code = user_scope_code(user=user)
    if scope_code is None:
        return batches
    return batches.filter(county__code__startswith=scope_code[:COUNTY_CODE_LENGTH])


def birth_import_counties(*, user: User) -> QuerySet[Division]:
    """The counties a user may upload a birth list for: those of their scope, or the one their scope lies in."""
    counties = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")
    scope_code = user_scope_code(user=user)
    if scope_code is None:
        return counties
    return counties.filter(code__startswith=scope_code[:COUNTY_CODE_LENGTH])
