from django.urls import path

from . import report_views

urlpatterns = [
    path("ledger/", report_views.subsidy_ledger_page, name="subsidy_ledger"),
    path("ledger.xlsx", report_views.subsidy_ledger_export, name="subsidy_ledger_export"),
    path("ledger/people/", report_views.subsidy_ledger_people_page, name="subsidy_ledger_people"),
    path("ledger/people.xlsx", report_views.subsidy_ledger_people_export, name="subsidy_ledger_people_export"),
    path("coverage/", report_views.hardship_coverage_page, name="hardship_coverage"),
    path("coverage/unenrolled/", report_views.hardship_unenrolled_page, name="hardship_unenrolled"),
    path("coverage/unenrolled.xlsx", report_views.hardship_unenrolled_export, name="hardship_unenrolled_export"),
]
