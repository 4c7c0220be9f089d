from django.contrib import admin

from .models import TaxPaymentRecord


@admin.register(TaxPaymentRecord)
class TaxPaymentRecordAdmin(admin.ModelAdmin):
    list_display = ["voucher_number", "name", "county", "insurance_year", "amount", "deposited_on", "match_status"]
    list_filter = ["match_status", "insurance_year"]
    search_fields = ["voucher_number", "id_number", "name"]
    readonly_fields = [field.name for field in TaxPaymentRecord._meta.fields]

    def has_add_permission(self, request):
        return False  # the tax bureau's files go through /bulk/

    def has_delete_permission(self, request, obj=None):
        return False  # a deposited payment is a fact; the match is re-run, never edited
