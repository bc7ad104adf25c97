"""API of collection's entities (routes registered in register_routes).

``/api/v1/collection/people/``, ``locations/`` (with ``locations/geojson/``), ``vehicles/``
and ``organisations/``: list with ``?q=`` and filters, retrieve, POST to create, PATCH with
``version`` to change.
"""

from rest_framework.routers import DefaultRouter

from collection.entities import viewsets


def register_routes(router: DefaultRouter) -> None:
    """Add this part's viewsets to the collection API router."""
    router.register("people", viewsets.PersonViewSet, basename="person")
    router.register("locations", viewsets.LocationViewSet, basename="location")
    router.register("vehicles", viewsets.VehicleViewSet, basename="vehicle")
    router.register("organisations", viewsets.OrganisationViewSet, basename="organisation")
