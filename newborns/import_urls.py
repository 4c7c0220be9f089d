from django.urls import path

from . import import_views

urlpatterns = [
    path("", import_views.birth_import_index, name="birth_import_index"),
    path("template.xlsx", import_views.birth_import_template, name="birth_import_template"),
    path("<int:pk>/", import_views.birth_import_detail, name="birth_import_detail"),
    path("<int:pk>/confirm/", import_views.birth_import_confirm_view, name="birth_import_confirm"),
    path("<int:pk>/errors.xlsx", import_views.birth_import_errors_download, name="birth_import_errors"),
]
