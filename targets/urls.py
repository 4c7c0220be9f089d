from django.urls import include, path

urlpatterns = [
    path("uninsured/", include("targets.uninsured_urls")),
    path("", include("targets.dashboard_urls")),
]
