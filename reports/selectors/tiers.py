"""R11.1: the tiers and county assignments a user may see and edit, and the what-if of a tier's shares."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value

from accounts.models import User
from accounts.scope import (
    scope_or_above_queryset,
    scope_queryset,
    user_scope_code,
)
from divisions.codes import code_level
from divisions.models import Division, DivisionLevel

from ..models import CountyFiscalTier, FiscalTier
from .settlement import FiscalOutOfScope, SettlementRow, SettlementTable, fiscal_settlement_table


def fiscal_tier_list(*, user: User) -> QuerySet[FiscalTier]:
    """The tiers of the user's province, with how many counties each holds and whether the user governs it
    (`editable`: may change its shares and place counties in it). The tiers are provincial policy: the province
    that made a tier governs it; a city only the tiers that hold counties of its own and no others (its own
    city/county split); a county none. Another province's tiers, with or without counties, are not listed."""
    tiers = FiscalTier.objects.select_related("region").annotate(county_count=Count("counties__county", distinct=True))
    scope = user_scope_code(user=user)
    if scope is None:
        return tiers.annotate(editable=Value(True))
    tiers = scope_or_above_queryset(tiers, user=user, code_fields=("region__code",))
    if code_level(scope) not in (DivisionLevel.PROVINCE, DivisionLevel.CITY):
        return tiers.annotate(editable=Value(False))
    assignments = CountyFiscalTier.objects.filter(tier=OuterRef("pk"))
    own_counties_only = Q(Exists(assignments)) & ~Q(Exists(assignments.exclude(county__code__startswith=scope)))
    governed = Q(region__code__startswith=scope) | own_counties_only
    return tiers.annotate(editable=ExpressionWrapper(governed, output_field=models.BooleanField()))


def fiscal_tier_get(*, user: User, pk: int) -> FiscalTier:
    """A tier the user governs."""
    tier = fiscal_tier_list(user=user).filter(pk=pk, editable=True).first()  # type: ignore[misc]  # editable is annotated by fiscal_tier_list
    if tier is None:
        raise FiscalOutOfScope(pk)
    return tier


def fiscal_tier_editable(*, user: User, tier: FiscalTier) -> bool:
    return fiscal_tier_list(user=user).filter(pk=tier.pk, editable=True).exists()  # type: ignore[misc]  # editable is annotated by fiscal_tier_list


def county_fiscal_tier_list(*, user: User) -> QuerySet[CountyFiscalTier]:
    """The tier assignments of the counties in the user's scope, the latest first for each county."""
    assignments = CountyFiscalTier.objects.select_related("county__parent", "tier").order_by("county_id", "-valid_from")
    return scope_queryset(assignments, user=user, code_fields=("county__code",))


@dataclass(frozen=True)
class WhatIfLine:
    current: SettlementRow
    what_if: SettlementRow

    @property
    def changed(self) -> bool:
        return self.current.prepaid != self.what_if.prepaid or self.current.actual_cost != self.what_if.actual_cost

    @property
    def prepaid_difference(self) -> Decimal:
        return self.what_if.prepaid - self.current.prepaid


@dataclass(frozen=True)
class WhatIfTable:
    """R11.2 recomputed with other shares for one tier, line by line against the current shares. Nothing stored."""

    tier: FiscalTier
    what_if_tier: FiscalTier
    current: SettlementTable
    what_if: SettlementTable

    @property
    def lines(self) -> list[WhatIfLine]:
        return [
            WhatIfLine(current=current, what_if=what_if)
            for current, what_if in zip(self.current.rows, self.what_if.rows, strict=True)
        ]


def fiscal_what_if(
    *, user: User, year: int, city: Division, tier: FiscalTier, shares: tuple[Decimal, Decimal, Decimal]
) -> WhatIfTable:
    """The city's settlement computed live with the tier's current shares and with `shares` (province, city,
    county) in their place; the tier is copied, never saved."""
    province_share, city_share, county_share = shares
    what_if_tier = FiscalTier(
        pk=tier.pk,
        name=tier.name,
        province_share=province_share,
        city_share=city_share,
        county_share=county_share,
        valid_from=tier.valid_from,
        valid_to=tier.valid_to,
        source_document=tier.source_document,
        provisional=tier.provisional,
    )
    return WhatIfTable(
        tier=tier,
        what_if_tier=what_if_tier,
        current=fiscal_settlement_table(user=user, year=year, city=city, live=True),
        what_if=fiscal_settlement_table(user=user, year=year, city=city, tiers={tier.pk: what_if_tier}),
    )
