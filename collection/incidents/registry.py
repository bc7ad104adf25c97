"""Navigation entries and the dashboard panel of collection's incidents."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ilp.panels import NavItem, Panel, register_nav, register_panel
from ilp.roles import Role

# Who sees the trend panel: those who set and read priorities.
TREND_ROLES = (Role.ANALYST, Role.SUPERVISOR, Role.COMMANDER)


def _may_view_incidents(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("collection.view_incident"))


def _reads_trends(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=TREND_ROLES).exists()


def _trend_context(request: HttpRequest) -> dict[str, Any]:
    from collection.incidents.selectors import incident_trend
    from ilp.actors import actor_of

    return {"trend": incident_trend(actor=actor_of(request))}


def register() -> None:
    """Register navigation entries, panels and demo data (called from CollectionConfig.ready)."""
    from collection.incidents.demo import seed_incidents
    from ilp.demo import register_seeder

    register_seeder("incidents and entities", seed_incidents)
    register_nav(
        NavItem(
            "incidents",
            "Incidents",
            "collection:incident_list",
            order=40,
            visible=_may_view_incidents,
            group="Crime data",
        )
    )
    register_nav(
        NavItem(
            "incident-map",
            "Map",
            "collection:incident_map",
            order=41,
            visible=_may_view_incidents,
            group="Crime data",
        )
    )
    register_panel(
        Panel(
            "incident-trend",
            "Incidents: last 28 days",
            "collection/incidents/panels/trend.html",
            order=40,
            visible=_reads_trends,
            context=_trend_context,
        )
    )
