from django.urls import include, path

from . import views

urlpatterns = [
    path("fiscal/", include("reports.fiscal_urls")),
    path("exports/resident-roster/", views.resident_roster_export, name="resident_roster_export"),
    path("exports/<int:pk>/", views.export_job_detail, name="export_job_detail"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
]
