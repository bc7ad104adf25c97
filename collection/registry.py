"""What collection adds to the platform at start-up: role permissions (and, as its pages land,
navigation entries and dashboard panels)."""

from __future__ import annotations

from ilp.roles import Role, grant

_MODELS = ["source", "report", "incident", "intelligencerequirement", "import", "offencetype"]


def register() -> None:
    """Grant collection permissions to roles, then let each part add its pages."""
    from collection.entities import registry as entities
    from collection.imports import registry as imports
    from collection.incidents import registry as incidents
    from collection.reports import registry as reports

    for part in (reports, incidents, imports, entities):
        part.register()
    from collection.models import Incident, Report, Source
    from ilp.governance.review import register_reviewable

    for model in (Report, Incident, Source):
        register_reviewable(model)
    view_all = [f"collection.view_{m}" for m in _MODELS]
    entity_view = [
        f"ilp.view_{m}" for m in ("person", "location", "vehicle", "organisation", "area")
    ]
    entity_write = [
        f"ilp.{verb}_{m}"
        for verb in ("add", "change")
        for m in ("person", "location", "vehicle", "organisation", "area")
    ]
    for role in (Role.ANALYST, Role.SUPERVISOR, Role.COMMANDER, Role.OFFICER):
        grant(role, *view_all, *entity_view)
    for role in (Role.ANALYST, Role.SUPERVISOR):
        grant(
            role,
            *entity_write,
            "collection.add_report",
            "collection.change_report",
            "collection.add_source",
            "collection.change_source",
            "collection.add_incident",
            "collection.change_incident",
            "collection.add_import",
            "collection.add_intelligencerequirement",
            "collection.change_intelligencerequirement",
        )
    # Partners read only what is disseminated to them (record_scope), but need the role to.
    grant(Role.PARTNER, "collection.view_report", "collection.view_incident", *entity_view)
    # Supervisors decide what is shared outside the agency (28 CFR Part 23 dissemination).
    grant(Role.SUPERVISOR, "ilp.add_dissemination", "ilp.view_dissemination")
    # Only supervisors approve or return reports (a custom permission on Report).
    grant(Role.SUPERVISOR, "collection.approve_report")
    grant(Role.OFFICER, "collection.add_report")
    grant(Role.ADMINISTRATOR, "collection.change_offencetype", "collection.view_offencetype")
