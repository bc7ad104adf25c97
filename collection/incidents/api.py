"""API of collection's incidents (routes in register_routes).

``/api/v1/collection/incidents/`` (list with the UI's filters, retrieve, POST, PATCH with
``version``) and ``/api/v1/collection/incidents/geojson/`` (FeatureCollection for maps).
"""

from rest_framework.routers import DefaultRouter

from collection.incidents import viewsets


def register_routes(router: DefaultRouter) -> None:
    """Add this part's viewsets to the collection API router."""
    router.register("incidents", viewsets.IncidentViewSet, basename="incident")
