"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ilp.panels import nav_groups_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation entries the signed-in user may use, and map settings."""
    user = getattr(request, "user", None)
    return {
        "nav_groups": (
            nav_groups_for(request) if user is not None and user.is_authenticated else []
        ),
        "tile_url": settings.ILP_TILE_URL,
        "tile_attribution": settings.ILP_TILE_ATTRIBUTION,
    }
