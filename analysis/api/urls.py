"""/api/v1/analysis/ routes."""

from rest_framework.routers import DefaultRouter

from analysis.api.views import JobViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jobs", JobViewSet, basename="job")

app_name = "analysis"
urlpatterns = router.urls
