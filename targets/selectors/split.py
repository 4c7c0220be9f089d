"""Reads of the target split page (R10.1): the city, its counties, their targets and the changes made to them."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from accounts.scope import (
    DivisionOutOfScope,
    scope_or_above_queryset,
    scope_queryset,
    user_can_see_division,
    user_scope_code_at,
)
from divisions.models import Division, DivisionLevel

from ..models import Target, TargetMetric, TargetSplitBatch


def split_city_get(*, user: User, city_code: str) -> Division:
    """The city whose target the user splits, if their scope reaches it."""
    if not user_can_see_division(user=user, division_code=city_code):
        raise DivisionOutOfScope(city_code)
    city = Division.objects.filter(code=city_code, level=DivisionLevel.CITY).first()
    if city is None:
        raise DivisionOutOfScope(city_code)
    return city


def split_cities(*, user: User, year: int) -> QuerySet[Division]:
    """The cities with a target of the year that a user may choose to split (province-wide users choose one)."""
    cities = Division.objects.filter(
        level=DivisionLevel.CITY, targets__year=year, targets__metric=TargetMetric.SUBSIDISED_NEWBORNS
    ).order_by("code")
    return scope_or_above_queryset(cities, user=user, code_fields=("code",))


def split_default_city_code(*, user: User) -> str:
    return user_scope_code_at(user=user, levels=(DivisionLevel.CITY,)) or ""


def split_counties(*, city: Division) -> list[Division]:
    return list(Division.objects.filter(parent=city, level=DivisionLevel.COUNTY).order_by("code"))


def split_targets(*, counties: list[Division], year: int) -> dict[str, Target]:
    """The counties' subsidised-newborn targets of the year, by county code."""
    rows = Target.objects.filter(
        division__in=counties, year=year, metric=TargetMetric.SUBSIDISED_NEWBORNS
    ).select_related("division")
    return {target.division_id: target for target in rows}


def split_city_target(*, city: Division, year: int) -> Target | None:
    return Target.objects.filter(division=city, year=year, metric=TargetMetric.SUBSIDISED_NEWBORNS).first()


def split_history(*, counties: list[Division], year: int, limit: int = 100) -> QuerySet[Any]:
    """Changes of the counties' targets, newest first, with who made them (django-simple-history's rows)."""
    history: QuerySet[Any] = (
        Target.history.filter(
            division_id__in=[county.code for county in counties],
            year=year,
            metric=TargetMetric.SUBSIDISED_NEWBORNS,
        )
        .select_related("history_user", "division")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return history


def target_split_batches(*, user: User) -> QuerySet[TargetSplitBatch]:
    """The split files uploaded for the cities of the user's scope: another city's does not exist for them."""
    batches = TargetSplitBatch.objects.select_related("city", "uploaded_by", "confirmed_by")
    return scope_queryset(batches, user=user, code_fields=("city__code",))
