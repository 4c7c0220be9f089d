from django.urls import path
from rest_framework.routers import DefaultRouter

from enrollment.api.enrollments import ClaimSummaryView, EnrollmentViewSet
from enrollment.api.quotes import PolicyQuoteView
from enrollment.api.residents import ResidentViewSet
from exchange.api import FeedBatchView, FeedReceiveView
from newborns.api import NewbornViewSet, PreEnrollmentView
from reports.api import SettlementView
from subsidies.api import IdentityView
from targets.api import ProgressView

router = DefaultRouter()
router.register("residents", ResidentViewSet, basename="resident")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("newborns", NewbornViewSet, basename="newborn")

urlpatterns = [
    path("policy/quote/", PolicyQuoteView.as_view(), name="policy-quote"),
    path("identities/", IdentityView.as_view(), name="identity-create"),
    path("claim-summaries/", ClaimSummaryView.as_view(), name="claim-summary-create"),
    path("targets/progress/", ProgressView.as_view(), name="targets-progress"),
    path("fiscal/settlement/", SettlementView.as_view(), name="fiscal-settlement"),
    # Before the router: "pre-enrollments" is not a birth certificate number.
    path("newborns/pre-enrollments/", PreEnrollmentView.as_view(), name="pre-enrollment-create"),
    path("exchange/batches/<int:pk>/", FeedBatchView.as_view(), name="exchange-batch"),
    path("exchange/<slug:kind>/", FeedReceiveView.as_view(), name="exchange-feed-receive"),
    *router.urls,
]
