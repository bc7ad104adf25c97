"""Navigation entries of collection's entities: one "Entities" entry keeps the top bar short
(its index page leads to people, locations, vehicles and organisations)."""

from __future__ import annotations

from django.http import HttpRequest

from ilp.panels import NavItem, register_nav


def _may_view_entities(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("ilp.view_person"))


def register() -> None:
    """Register navigation entries and panels (called from CollectionConfig.ready)."""
    register_nav(
        NavItem(
            "entities",
            "Entities",
            "collection:entity_index",
            order=13,
            visible=_may_view_entities,
            group="Intelligence",
        )
    )
