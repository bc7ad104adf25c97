"""What the analysis stage adds at start-up: role permissions, the "Analyses" navigation entry
and the "Recent analyses" dashboard panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ilp.panels import NavItem, Panel, register_nav, register_panel
from ilp.roles import Role, grant

#: Jobs listed on the dashboard panel.
PANEL_LIMIT = 5


def _can_view(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.has_perm("analysis.view_analysisjob"))


def _recent_jobs(request: HttpRequest) -> dict[str, Any]:
    from analysis.selectors import job_list
    from ilp.actors import actor_of

    actor = actor_of(request)
    return {
        "jobs": list(job_list(actor=actor)[:PANEL_LIMIT]),
        "can_add": actor.has_perm("analysis.add_analysisjob"),
    }


def register() -> None:
    """Analysts and supervisors run analyses; commanders and officers read results."""
    for role in (Role.ANALYST, Role.SUPERVISOR):
        grant(role, "analysis.add_analysisjob", "analysis.view_analysisjob")
    grant(Role.SUPERVISOR, "analysis.change_analysisjob")
    for role in (Role.COMMANDER, Role.OFFICER):
        grant(role, "analysis.view_analysisjob")
    register_nav(NavItem("analyses", "Analyses", "analysis:job_list", order=20, visible=_can_view))
    from analysis.demo import seed_analyses
    from ilp.demo import register_seeder

    register_seeder("analyses", seed_analyses)
    register_panel(
        Panel(
            "recent-analyses",
            "Recent analyses",
            "analysis/panels/recent_jobs.html",
            order=20,
            visible=_can_view,
            context=_recent_jobs,
        )
    )
