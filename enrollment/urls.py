from django.urls import path

from . import views

urlpatterns = [
    path("", views.resident_search, name="resident_search"),
    path("new/", views.resident_new, name="resident_new"),
    path("<int:pk>/", views.resident_detail, name="resident_detail"),
    path("<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
]
