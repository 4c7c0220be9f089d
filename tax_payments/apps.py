from django.apps import AppConfig


class TaxPaymentsConfig(AppConfig):
    name = "tax_payments"
    verbose_name = "征缴入库对账"

    def ready(self) -> None:
        from .loaders import loaders_register

        loaders_register()  # the bulk import's file kind(s) this app owns
