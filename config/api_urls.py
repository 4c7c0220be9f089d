from django.urls import path
from rest_framework.routers import DefaultRouter

from enrollment.api import ResidentViewSet
from enrollment.quote_api import PolicyQuoteView

router = DefaultRouter()
router.register("residents", ResidentViewSet, basename="resident")

urlpatterns = [
    path("policy/quote/", PolicyQuoteView.as_view(), name="policy-quote"),
    *router.urls,
]
