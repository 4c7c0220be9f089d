from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path("", views.progress_dashboard, name="progress_dashboard"),
    path("export/", views.progress_export, name="progress_export"),
    path("refresh/", views.progress_refresh, name="progress_refresh"),
    path("jobs/<int:pk>/", views.progress_job_detail, name="progress_job_detail"),
    path("split/", views.target_split, name="target_split"),
    path("split/template/", views.target_split_template_download, name="target_split_template"),
    path("split/import/", views.target_split_import, name="target_split_import"),
    path("split/import/confirm/", views.target_split_import_confirm, name="target_split_import_confirm"),
    path("baselines/", views.baseline_list_page, name="baseline_list"),
    path("baselines/template/", views.baseline_template_download, name="baseline_template"),
    path("baselines/import/", views.baseline_import, name="baseline_import"),
    path("baselines/import/confirm/", views.baseline_import_confirm_view, name="baseline_import_confirm"),
    path("baselines/import/errors/", views.baseline_import_errors, name="baseline_import_errors"),
]
