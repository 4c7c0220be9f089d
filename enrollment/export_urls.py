"""The resident roster's export, served under /reports/exports/ where it has always been."""

from django.urls import path

from . import export_views

urlpatterns = [
    path("resident-roster/", export_views.resident_roster_export, name="resident_roster_export"),
    path("<int:pk>/", export_views.export_job_detail, name="export_job_detail"),
    path("<int:pk>/download/", export_views.export_job_download, name="export_job_download"),
]
