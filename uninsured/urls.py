"""The uninsured ledger (未参保台账, R13.5), mounted at /targets/uninsured/."""

from django.urls import path

from .views import imports, ledgers, lists

urlpatterns = [
    path("", lists.uninsured_list_index, name="uninsured_lists"),
    path("lists/<int:pk>/sign/", lists.uninsured_list_sign_view, name="uninsured_list_sign"),
    path("push/", lists.uninsured_push, name="uninsured_push"),
    path("push/template.xlsx", lists.uninsured_push_template, name="uninsured_push_template"),
    path("push/<int:pk>/", lists.uninsured_push_preview, name="uninsured_push_preview"),
    path("push/<int:pk>/confirm/", lists.uninsured_push_confirm_view, name="uninsured_push_confirm"),
    path("ledger/", ledgers.uninsured_ledger, name="uninsured_ledger"),
    path("ledger.xlsx", ledgers.uninsured_ledger_export, name="uninsured_ledger_export"),
    path("ledger/import/", imports.uninsured_ledger_import, name="uninsured_ledger_import"),
    path("ledger/import/<int:pk>/", imports.uninsured_ledger_import_preview, name="uninsured_ledger_import_preview"),
    path(
        "ledger/import/<int:pk>/confirm/",
        imports.uninsured_ledger_import_confirm_view,
        name="uninsured_ledger_import_confirm",
    ),
    path("people/new/", ledgers.uninsured_person_new, name="uninsured_person_new"),
    path("people/<int:pk>/edit/", ledgers.uninsured_person_edit, name="uninsured_person_edit"),
]
