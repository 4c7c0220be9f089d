from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import home
from enrollment import urls as enrollment_urls
from newborns import urls as newborns_urls
from subsidies import urls as subsidies_urls

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("residents/", include("enrollment.urls")),
    path("window/", include(enrollment_urls.window_urlpatterns)),
    path("reports/", include("reports.urls")),
    path("subsidies/reports/", include(subsidies_urls.report_urlpatterns)),
    path("subsidies/", include("subsidies.urls")),
    path("newborns/coverage/", include(newborns_urls.coverage_urlpatterns)),
    path("newborns/", include("newborns.urls")),
    path("newborns/imports/", include(newborns_urls.import_urlpatterns)),
    path("targets/uninsured/", include("uninsured.urls")),
    path("targets/", include("targets.urls")),
    path("bulk/tax-payments/", include("tax_payments.urls")),
    path("bulk/", include("bulk.urls")),
    path("national/", include("national.urls")),
    path("duplicates/", include("duplicates.urls")),
    path("outreach/", include("outreach.urls")),
    path("exchange/", include("exchange.urls")),
    path("policy-changes/", include("policy_changes.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # A person opening the docs signs in first; the schema answers 401 without a session or a token.
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="schema")), name="api-docs"),
]


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Under /api/ a path that matches nothing answers JSON like the rest of the API; elsewhere the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
