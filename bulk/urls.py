from django.urls import path

from . import tax_payment_views, views

urlpatterns = [
    path("", views.bulk_import_index, name="bulk_import_index"),
    path("templates/<str:kind>.xlsx", views.bulk_import_template, name="bulk_import_template"),
    path("<int:pk>/", views.bulk_import_detail, name="bulk_import_detail"),
    path("<int:pk>/retry/", views.bulk_import_retry_view, name="bulk_import_retry"),
    path("<int:pk>/report.xlsx", views.bulk_import_report, name="bulk_import_report"),
    path("tax-payments/", tax_payment_views.tax_payment_reconciliation, name="tax_payment_reconciliation"),
    path("tax-payments/export.xlsx", tax_payment_views.tax_payment_export, name="tax_payment_export"),
    path("tax-payments/rematch/", tax_payment_views.tax_payment_rematch_view, name="tax_payment_rematch"),
]
