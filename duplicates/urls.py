from django.urls import path

from . import views

urlpatterns = [
    path("", views.duplicate_summary_page, name="duplicate_summary"),
    path("cases/", views.duplicate_case_list_page, name="duplicate_case_list"),
    path("cases/export/", views.duplicate_case_export, name="duplicate_case_export"),
    path("cases/<int:pk>/", views.duplicate_case_detail, name="duplicate_case_detail"),
    path("cases/<int:pk>/resolve/", views.duplicate_case_resolve_page, name="duplicate_case_resolve"),
    path("scan/", views.duplicate_scan_start, name="duplicate_scan_start"),
    path("scan/<int:pk>/", views.duplicate_scan_job_detail, name="duplicate_scan_job_detail"),
]
