from django.urls import path

from . import views

urlpatterns = [
    path("", views.tax_payment_reconciliation, name="tax_payment_reconciliation"),
    path("export.xlsx", views.tax_payment_export, name="tax_payment_export"),
    path("rematch/", views.tax_payment_rematch_view, name="tax_payment_rematch"),
]
