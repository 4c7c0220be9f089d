from django.urls import path

from .views import coverage, identity_lists, ledger

# under /subsidies/
urlpatterns = [
    path("identity-lists/", identity_lists.identity_list_index, name="identity_list_index"),
    path("identity-lists/<int:pk>/", identity_lists.identity_list_detail, name="identity_list_detail"),
    path("identity-lists/<int:pk>/confirm/", identity_lists.identity_list_confirm_view, name="identity_list_confirm"),
    path(
        "identity-lists/<int:pk>/errors.xlsx", identity_lists.identity_list_errors_download, name="identity_list_errors"
    ),
    path(
        "identity-lists/<int:pk>/unmatched.xlsx",
        identity_lists.identity_list_unmatched_download,
        name="identity_list_unmatched",
    ),
    path(
        "identity-lists/templates/<str:department>.xlsx",
        identity_lists.identity_list_template,
        name="identity_list_template",
    ),
]

# under /subsidies/reports/ (资助台账, 困难群众参保率)
report_urlpatterns = [
    path("ledger/", ledger.subsidy_ledger_page, name="subsidy_ledger"),
    path("ledger.xlsx", ledger.subsidy_ledger_export, name="subsidy_ledger_export"),
    path("ledger/people/", ledger.subsidy_ledger_people_page, name="subsidy_ledger_people"),
    path("ledger/people.xlsx", ledger.subsidy_ledger_people_export, name="subsidy_ledger_people_export"),
    path("coverage/", coverage.hardship_coverage_page, name="hardship_coverage"),
    path("coverage/unenrolled/", coverage.hardship_unenrolled_page, name="hardship_unenrolled"),
    path("coverage/unenrolled.xlsx", coverage.hardship_unenrolled_export, name="hardship_unenrolled_export"),
]
