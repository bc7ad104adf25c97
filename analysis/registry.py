"""What the analysis stage adds at start-up: role permissions (pages register as they land)."""

from ilp.roles import Role, grant


def register() -> None:
    """Analysts and supervisors run analyses; commanders and officers read results."""
    for role in (Role.ANALYST, Role.SUPERVISOR):
        grant(role, "analysis.add_analysisjob", "analysis.view_analysisjob")
    grant(Role.SUPERVISOR, "analysis.change_analysisjob")
    for role in (Role.COMMANDER, Role.OFFICER):
        grant(role, "analysis.view_analysisjob")
