from django.urls import path
from rest_framework.routers import DefaultRouter

from enrollment.api import ResidentViewSet
from enrollment.enrollment_api import ClaimSummaryView, EnrollmentViewSet, IdentityView
from enrollment.quote_api import PolicyQuoteView

router = DefaultRouter()
router.register("residents", ResidentViewSet, basename="resident")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")

urlpatterns = [
    path("policy/quote/", PolicyQuoteView.as_view(), name="policy-quote"),
    path("identities/", IdentityView.as_view(), name="identity-create"),
    path("claim-summaries/", ClaimSummaryView.as_view(), name="claim-summary-create"),
    *router.urls,
]
