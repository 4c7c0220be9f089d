from django.urls import path

from . import window_views

urlpatterns = [
    path("", window_views.window_search, name="window_search"),
    path("residents/<int:pk>/", window_views.window_resident, name="window_resident"),
    path("enrollments/<int:pk>/receipt/", window_views.window_receipt, name="window_receipt"),
]
