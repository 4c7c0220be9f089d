"""The fiscal pages of the newborn programme (R11), under /reports/fiscal/; the resident roster's exports keep their
addresses under /reports/exports/."""

from django.urls import include, path

from enrollment.urls import export_urlpatterns

from .views import settlement, tiers, transfers

urlpatterns = [
    path("fiscal/", settlement.fiscal_settlement_page, name="fiscal_settlement"),
    path("fiscal/prepay.xlsx", settlement.fiscal_prepay_export, name="fiscal_prepay_export"),
    path("fiscal/settlement.xlsx", settlement.fiscal_settlement_export, name="fiscal_settlement_export"),
    path("fiscal/transfers.xlsx", settlement.fiscal_transfer_export, name="fiscal_transfer_export"),
    path("fiscal/store/", settlement.fiscal_settlement_store_view, name="fiscal_settlement_store"),
    path("fiscal/transfers/new/", transfers.fiscal_transfer_new, name="fiscal_transfer_new"),
    path("fiscal/tiers/", tiers.fiscal_tier_list_page, name="fiscal_tiers"),
    path("fiscal/tiers/<int:pk>/edit/", tiers.fiscal_tier_edit, name="fiscal_tier_edit"),
    path("fiscal/tiers/assign/", tiers.fiscal_county_tier_assign, name="fiscal_county_tier_assign"),
    path("fiscal/tiers/what-if/", tiers.fiscal_what_if_page, name="fiscal_what_if"),
    path("exports/", include(export_urlpatterns)),
]
