"""The uninsured ledger (未参保台账, R13.5), mounted at /targets/uninsured/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.uninsured_list_index, name="uninsured_lists"),
    path("lists/<int:pk>/sign/", views.uninsured_list_sign_view, name="uninsured_list_sign"),
    path("push/", views.uninsured_push, name="uninsured_push"),
    path("push/template.xlsx", views.uninsured_push_template, name="uninsured_push_template"),
    path("push/<str:token>/", views.uninsured_push_preview, name="uninsured_push_preview"),
    path("push/<str:token>/confirm/", views.uninsured_push_confirm_view, name="uninsured_push_confirm"),
    path("ledger/", views.uninsured_ledger, name="uninsured_ledger"),
    path("ledger.xlsx", views.uninsured_ledger_export, name="uninsured_ledger_export"),
    path("ledger/import/", views.uninsured_ledger_import, name="uninsured_ledger_import"),
    path("ledger/import/<str:token>/", views.uninsured_ledger_import_preview, name="uninsured_ledger_import_preview"),
    path(
        "ledger/import/<str:token>/confirm/",
        views.uninsured_ledger_import_confirm_view,
        name="uninsured_ledger_import_confirm",
    ),
    path("people/new/", views.uninsured_person_new, name="uninsured_person_new"),
    path("people/<int:pk>/edit/", views.uninsured_person_edit, name="uninsured_person_edit"),
]
