"""Reads of the population baselines (R10.2), limited to the user's division scope."""

from django.db.models import F, QuerySet

from accounts.models import User
from accounts.scope import (
    scope_queryset,
)

from ..models import BaselineImportBatch, PopulationBaseline


def baseline_list(*, user: User, year: int) -> QuerySet[PopulationBaseline]:
    """The baselines of the year in the user's scope, by division code, with the base of the rate (`base`)."""
    baselines = (
        PopulationBaseline.objects.filter(year=year)
        .annotate(base=F("registered_population") - F("employee_insured"))
        .select_related("division")
        .order_by("division_id")
    )
    return scope_queryset(baselines, user=user, code_fields=("division__code",))


def baseline_import_batches(*, user: User) -> QuerySet[BaselineImportBatch]:
    """The baselines files uploaded within the user's scope: another division's upload does not exist for them."""
    batches = BaselineImportBatch.objects.select_related("division", "uploaded_by", "confirmed_by")
    return scope_queryset(batches, user=user, code_fields=("division__code",))
