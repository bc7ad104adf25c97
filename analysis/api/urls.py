"""/api/v1/analysis/ routes."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False

app_name = "analysis"
urlpatterns = router.urls
