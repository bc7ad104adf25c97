"""Navigation entries and dashboard panels of collection's reports, sources and requirements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from ilp.panels import NavItem, Panel, register_nav, register_panel

PANEL_LIMIT = 5


def _can(permission: str) -> Callable[[HttpRequest], bool]:
    def visible(request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and request.user.has_perm(permission))

    return visible


def _awaiting_review(request: HttpRequest) -> dict[str, Any]:
    from collection.reports import selectors as reads
    from ilp.actors import actor_of

    reports = reads.reports_awaiting_review(actor=actor_of(request))
    return {"count": reports.count(), "reports": reports.order_by("submitted_at")[:PANEL_LIMIT]}


def _my_reports(request: HttpRequest) -> dict[str, Any]:
    from collection.models import Report
    from collection.reports import selectors as reads
    from ilp.actors import actor_of

    reports = reads.my_unfinished_reports(actor=actor_of(request))
    returned = reports.filter(status=Report.Status.RETURNED).count()
    return {
        "drafts": reports.filter(status=Report.Status.DRAFT).count(),
        "returned": returned,
        "reports": reports[:PANEL_LIMIT],
    }


def _requirements_due(request: HttpRequest) -> dict[str, Any]:
    from collection.reports import selectors as reads
    from ilp.actors import actor_of

    requirements = reads.requirements_due(actor=actor_of(request))
    return {"count": requirements.count(), "requirements": requirements[:PANEL_LIMIT]}


def register() -> None:
    """Register navigation entries, panels and demo data (called from CollectionConfig.ready)."""
    from collection.reports.demo import seed_reports
    from ilp.demo import register_seeder

    register_seeder("reports, sources and requirements", seed_reports)
    register_nav(
        NavItem(
            "reports",
            "Reports",
            "collection:report_list",
            10,
            _can("collection.view_report"),
            group="Intelligence",
        )
    )
    register_nav(
        NavItem(
            "sources",
            "Sources",
            "collection:source_list",
            11,
            _can("collection.view_source"),
            group="Intelligence",
        )
    )
    register_nav(
        NavItem(
            "requirements",
            "Requirements",
            "collection:requirement_list",
            12,
            _can("collection.view_intelligencerequirement"),
            group="Intelligence",
        )
    )
    register_panel(
        Panel(
            "reports-awaiting-review",
            "Reports awaiting review",
            "collection/reports/panels/awaiting_review.html",
            order=10,
            visible=_can("collection.approve_report"),
            context=_awaiting_review,
        )
    )
    register_panel(
        Panel(
            "my-reports",
            "My drafts and returned reports",
            "collection/reports/panels/my_reports.html",
            order=11,
            visible=_can("collection.add_report"),
            context=_my_reports,
        )
    )
    register_panel(
        Panel(
            "requirements-due",
            "Open requirements due soon",
            "collection/reports/panels/requirements_due.html",
            order=12,
            visible=_can("collection.add_intelligencerequirement"),
            context=_requirements_due,
        )
    )
