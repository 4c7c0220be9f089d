from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CountyFiscalTier, FiscalProgrammeYear, FiscalTier, FiscalTransfer


@admin.register(FiscalTier)
class FiscalTierAdmin(SimpleHistoryAdmin):
    """New tiers are created here; finance staff change shares and assignments on the fiscal pages."""

    list_display = ["name", "province_share", "city_share", "county_share", "valid_from", "valid_to", "provisional"]
    list_filter = ["provisional"]
    search_fields = ["name", "source_document"]


@admin.register(CountyFiscalTier)
class CountyFiscalTierAdmin(SimpleHistoryAdmin):
    list_display = ["county", "tier", "valid_from", "provisional"]
    list_filter = ["tier", "provisional"]
    search_fields = ["county__code", "county__name"]
    raw_id_fields = ["county"]


@admin.register(FiscalProgrammeYear)
class FiscalProgrammeYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "transfer_due_date", "source_document", "settlement_due_date", "settlement_source"]


@admin.register(FiscalTransfer)
class FiscalTransferAdmin(admin.ModelAdmin):
    """Read-only: transfers are recorded on the fiscal pages and corrected by a negative row, never edited."""

    list_display = ["year", "county", "level", "date", "amount", "voucher_no", "recorded_by"]
    list_filter = ["year", "level"]
    search_fields = ["county__code", "county__name", "voucher_no"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in FiscalTransfer._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
