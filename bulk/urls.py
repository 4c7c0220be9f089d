from django.urls import path

from . import views

urlpatterns = [
    path("", views.bulk_import_index, name="bulk_import_index"),
    path("templates/<str:kind>.xlsx", views.bulk_import_template, name="bulk_import_template"),
    path("<int:pk>/", views.bulk_import_detail, name="bulk_import_detail"),
    path("<int:pk>/retry/", views.bulk_import_retry_view, name="bulk_import_retry"),
    path("<int:pk>/confirm/", views.bulk_import_confirm_view, name="bulk_import_confirm"),
    path("<int:pk>/discard/", views.bulk_import_discard_view, name="bulk_import_discard"),
    path("<int:pk>/report.xlsx", views.bulk_import_report, name="bulk_import_report"),
]
