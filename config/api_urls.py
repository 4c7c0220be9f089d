from rest_framework.routers import DefaultRouter

from enrollment.api import ResidentViewSet

router = DefaultRouter()
router.register("residents", ResidentViewSet, basename="resident")

urlpatterns = router.urls
