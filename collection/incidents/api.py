"""API of collection's incidents: serializers and viewsets (routes in register_routes)."""

from rest_framework.routers import DefaultRouter


def register_routes(router: DefaultRouter) -> None:
    """Add this part's viewsets to the collection API router."""
