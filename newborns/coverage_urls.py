from django.urls import path

from . import coverage_views

urlpatterns = [
    path("", coverage_views.newborn_coverage_page, name="newborn_coverage"),
    path("coverage.xlsx", coverage_views.newborn_coverage_export, name="newborn_coverage_export"),
]
