"""API of collection's reports: serializers and viewsets (routes registered in register_routes)."""

from rest_framework.routers import DefaultRouter


def register_routes(router: DefaultRouter) -> None:
    """Add this part's viewsets to the collection API router."""
