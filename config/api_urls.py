from django.urls import path
from rest_framework.routers import DefaultRouter

from duplicates.api import DuplicateCaseResolutionView, DuplicateCaseViewSet, DuplicateSummaryView
from enrollment.api.enrollments import ClaimSummaryView, EnrollmentViewSet
from enrollment.api.quotes import PolicyQuoteView
from enrollment.api.residents import ResidentViewSet
from exchange.api import FeedBatchView, FeedReceiveView
from national.api import PersonQueryView
from newborns.api import MedicalCodeCheckView, NewbornViewSet, PreEnrollmentView
from policy_changes.api import (
    ImpactSimulationRequestView,
    ImpactSimulationView,
    PolicyDraftApprovalView,
    PolicyDraftViewSet,
)
from reports.api import SettlementView
from subsidies.api import IdentityView
from targets.api import ProgressView

router = DefaultRouter()
router.register("residents", ResidentViewSet, basename="resident")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("newborns", NewbornViewSet, basename="newborn")
router.register("duplicates/cases", DuplicateCaseViewSet, basename="duplicate-case")
router.register("policy-drafts", PolicyDraftViewSet, basename="policy-draft")

urlpatterns = [
    path("policy/quote/", PolicyQuoteView.as_view(), name="policy-quote"),
    path("identities/", IdentityView.as_view(), name="identity-create"),
    path("claim-summaries/", ClaimSummaryView.as_view(), name="claim-summary-create"),
    path("targets/progress/", ProgressView.as_view(), name="targets-progress"),
    path("fiscal/settlement/", SettlementView.as_view(), name="fiscal-settlement"),
    path("national/1101/", PersonQueryView.as_view(), name="national-person-query"),
    # Before the router: "pre-enrollments" is not a birth certificate number.
    path("newborns/pre-enrollments/", PreEnrollmentView.as_view(), name="pre-enrollment-create"),
    path("newborns/medical-codes/<str:code>/", MedicalCodeCheckView.as_view(), name="newborn-medical-code-check"),
    path("duplicates/summary/", DuplicateSummaryView.as_view(), name="duplicate-summary"),
    path(
        "duplicates/cases/<int:pk>/resolution/", DuplicateCaseResolutionView.as_view(), name="duplicate-case-resolution"
    ),
    path("exchange/batches/<int:pk>/", FeedBatchView.as_view(), name="exchange-batch"),
    path("exchange/<slug:kind>/", FeedReceiveView.as_view(), name="exchange-feed-receive"),
    path("policy-drafts/<int:pk>/simulations/", ImpactSimulationRequestView.as_view(), name="policy-draft-simulations"),
    path("policy-drafts/<int:pk>/approval/", PolicyDraftApprovalView.as_view(), name="policy-draft-approval"),
    path("policy-simulations/<int:pk>/", ImpactSimulationView.as_view(), name="policy-simulation"),
    *router.urls,
]
