"""Navigation entries and dashboard panels of collection's imports."""

from __future__ import annotations

from django.http import HttpRequest

from ilp.panels import NavItem, register_nav


def _may_import(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.has_perm("collection.add_import"))


def register() -> None:
    """Register navigation entries and panels (called from CollectionConfig.ready)."""
    register_nav(
        NavItem(
            "imports",
            "Imports",
            "collection:import_list",
            order=42,
            visible=_may_import,
            group="Crime data",
        )
    )
