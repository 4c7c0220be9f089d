"""The fiscal pages of the newborn programme (R11), under /reports/fiscal/."""

from django.urls import path

from . import fiscal_views

urlpatterns = [
    path("", fiscal_views.fiscal_settlement_page, name="fiscal_settlement"),
    path("prepay.xlsx", fiscal_views.fiscal_prepay_export, name="fiscal_prepay_export"),
    path("settlement.xlsx", fiscal_views.fiscal_settlement_export, name="fiscal_settlement_export"),
    path("transfers.xlsx", fiscal_views.fiscal_transfer_export, name="fiscal_transfer_export"),
    path("store/", fiscal_views.fiscal_settlement_store_view, name="fiscal_settlement_store"),
    path("transfers/new/", fiscal_views.fiscal_transfer_new, name="fiscal_transfer_new"),
    path("tiers/", fiscal_views.fiscal_tier_list_page, name="fiscal_tiers"),
    path("tiers/<int:pk>/edit/", fiscal_views.fiscal_tier_edit, name="fiscal_tier_edit"),
    path("tiers/assign/", fiscal_views.fiscal_county_tier_assign, name="fiscal_county_tier_assign"),
    path("tiers/what-if/", fiscal_views.fiscal_what_if_page, name="fiscal_what_if"),
]
