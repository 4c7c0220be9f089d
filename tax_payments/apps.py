from django.apps import AppConfig


class TaxPaymentsConfig(AppConfig):
    name = "tax_payments"
    verbose_name = "征缴入库对账"
