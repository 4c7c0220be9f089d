from django.urls import path

from . import views

urlpatterns = [
    path("identity-lists/", views.identity_list_index, name="identity_list_index"),
    path("identity-lists/<int:pk>/", views.identity_list_detail, name="identity_list_detail"),
    path("identity-lists/<int:pk>/confirm/", views.identity_list_confirm_view, name="identity_list_confirm"),
    path("identity-lists/<int:pk>/errors.xlsx", views.identity_list_errors_download, name="identity_list_errors"),
    path(
        "identity-lists/<int:pk>/unmatched.xlsx", views.identity_list_unmatched_download, name="identity_list_unmatched"
    ),
    path("identity-lists/templates/<str:department>.xlsx", views.identity_list_template, name="identity_list_template"),
]
