"""Registries through which stage apps add navigation entries and dashboard panels.

An earlier layer never imports a later one: each stage registers its own entries from its
AppConfig.ready, and the core renders whatever is registered that the user may use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


def _always(request: HttpRequest) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    """A link in the top navigation, shown when ``visible(request)`` holds."""

    key: str
    label: str
    url_name: str
    order: int = 100
    visible: Callable[[HttpRequest], bool] = field(default=_always)
    group: str = ""


@dataclass(frozen=True)
class NavGroup:
    """Entries shown together: a plain link when alone and ungrouped, else a dropdown."""

    label: str
    items: list[NavItem]


@dataclass(frozen=True)
class Panel:
    """A dashboard panel: a template rendered with the context ``context(request)`` returns."""

    key: str
    title: str
    template: str
    order: int = 100
    visible: Callable[[HttpRequest], bool] = field(default=_always)
    context: Callable[[HttpRequest], dict[str, Any]] = field(default=lambda request: {})


_NAV: dict[str, NavItem] = {}
_PANELS: dict[str, Panel] = {}


def register_nav(item: NavItem) -> None:
    """Add (or replace, by key) a navigation entry."""
    _NAV[item.key] = item


def register_panel(panel: Panel) -> None:
    """Add (or replace, by key) a dashboard panel."""
    _PANELS[panel.key] = panel


def nav_for(request: HttpRequest) -> list[NavItem]:
    """The navigation entries this request's user may use, in order."""
    return sorted((i for i in _NAV.values() if i.visible(request)), key=lambda i: i.order)


def nav_groups_for(request: HttpRequest) -> list[NavGroup]:
    """The user's navigation, grouped: a group sits where its first entry would."""
    groups: dict[str, NavGroup] = {}
    for item in nav_for(request):
        key = item.group or f"item:{item.key}"
        if key not in groups:
            groups[key] = NavGroup(item.group or item.label, [])
        groups[key].items.append(item)
    return list(groups.values())


def panels_for(request: HttpRequest) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels this request's user may see, with their context, in order."""
    visible = sorted((p for p in _PANELS.values() if p.visible(request)), key=lambda p: p.order)
    return [(panel, panel.context(request)) for panel in visible]


def _is_admin(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_staff)


def _account_context(request: HttpRequest) -> dict[str, Any]:
    from ilp import selectors
    from ilp.actors import actor_of

    return {"account": selectors.account_summary(actor=actor_of(request))}


def register_core_panels() -> None:
    """The core's own entries: home, API tokens, API docs, administration."""
    register_nav(NavItem("home", "Dashboard", "home", order=0))
    register_nav(NavItem("tokens", "API tokens", "ilp:token_list", order=900, group="Account"))
    register_nav(
        NavItem(
            "notifications",
            "Notifications",
            "governance:notifications",
            order=905,
            group="Account",
        )
    )
    register_nav(
        NavItem(
            "reviews",
            "Review queue",
            "governance:review_queue",
            order=940,
            group="Governance",
            visible=lambda request: request.user.has_perm("ilp.add_reviewdecision"),
        )
    )
    register_nav(
        NavItem(
            "audit",
            "Audit trail",
            "ilp:audit_list",
            order=950,
            group="Governance",
            visible=lambda request: request.user.has_perm("ilp.view_auditevent"),
        )
    )
    register_nav(NavItem("api-docs", "API docs", "api:docs", order=910, group="Account"))
    register_nav(
        NavItem(
            "admin",
            "Administration",
            "admin:index",
            order=990,
            visible=_is_admin,
            group="Governance",
        )
    )
    register_panel(
        Panel(
            "account",
            "Your account",
            "ilp/panels/account.html",
            order=0,
            context=_account_context,
        )
    )
    register_panel(
        Panel(
            "administration",
            "Administration",
            "ilp/panels/administration.html",
            order=950,
            visible=_is_admin,
            context=_admin_context,
        )
    )


def _admin_context(request: HttpRequest) -> dict[str, Any]:
    from ilp import selectors
    from ilp.actors import actor_of

    return {"counts": selectors.admin_counts(actor=actor_of(request))}
