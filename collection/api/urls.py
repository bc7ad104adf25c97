"""/api/v1/collection/: each part of the stage registers its viewsets on one router."""

from rest_framework.routers import DefaultRouter

from collection.entities.api import register_routes as entities
from collection.imports.api import register_routes as imports
from collection.incidents.api import register_routes as incidents
from collection.reports.api import register_routes as reports

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for register_routes in (reports, incidents, imports, entities):
    register_routes(router)

app_name = "collection"
urlpatterns = router.urls
