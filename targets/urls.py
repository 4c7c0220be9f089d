from django.urls import path

from .views import baselines, progress, split

urlpatterns = [
    path("", progress.progress_dashboard, name="progress_dashboard"),
    path("export/", progress.progress_export, name="progress_export"),
    path("refresh/", progress.progress_refresh, name="progress_refresh"),
    path("jobs/<int:pk>/", progress.progress_job_detail, name="progress_job_detail"),
    path("split/", split.target_split, name="target_split"),
    path("split/template/", split.target_split_template_download, name="target_split_template"),
    path("split/import/", split.target_split_import, name="target_split_import"),
    path("split/import/confirm/", split.target_split_import_confirm, name="target_split_import_confirm"),
    path("baselines/", baselines.baseline_list_page, name="baseline_list"),
    path("baselines/template/", baselines.baseline_template_download, name="baseline_template"),
    path("baselines/import/", baselines.baseline_import, name="baseline_import"),
    path("baselines/import/confirm/", baselines.baseline_import_confirm_view, name="baseline_import_confirm"),
    path("baselines/import/errors/", baselines.baseline_import_errors, name="baseline_import_errors"),
]
