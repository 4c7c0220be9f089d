from django.urls import include, path

urlpatterns = [
    path("uninsured/", include("uninsured.urls")),
    path("", include("targets.dashboard_urls")),
]
