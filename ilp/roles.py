"""Roles are Django groups with permissions; this module is their single definition.

Stage apps add the permissions of their own models with :func:`grant`, from their AppConfig.ready,
so this core module never names a later stage. The groups are brought in line after every migrate.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class Role(models.TextChoices):
    """The platform's roles (see docs/permissions.md)."""

    ANALYST = "analyst", "Intelligence analyst"
    SUPERVISOR = "supervisor", "Supervisor / intelligence manager"
    COMMANDER = "commander", "Commander"
    OFFICER = "officer", "Officer"
    PARTNER = "partner", "Partner agency user"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


# The roles that can see restricted material: they must pass a second factor (TOTP) at sign-in
# when ILP_REQUIRE_2FA is on (see ilp.twofactor). Officers and partners are not asked.
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    {
        Role.ANALYST.value,
        Role.SUPERVISOR.value,
        Role.COMMANDER.value,
        Role.AUDITOR.value,
        Role.ADMINISTRATOR.value,
    }
)

# role -> set of "app_label.codename" permissions
_GRANTS: dict[str, set[str]] = {role.value: set() for role in Role}
_GRANTS[Role.ADMINISTRATOR].update(
    {
        "ilp.view_agency",
        "ilp.add_agency",
        "ilp.change_agency",
        "ilp.view_unit",
        "ilp.add_unit",
        "ilp.change_unit",
        "ilp.delete_unit",
        "ilp.view_user",
        "ilp.add_user",
        "ilp.change_user",
        "ilp.view_apitoken",
        "ilp.change_apitoken",
        "auth.view_group",
    }
)
for _role in (Role.ANALYST, Role.SUPERVISOR, Role.COMMANDER, Role.OFFICER, Role.AUDITOR):
    _GRANTS[_role].add("ilp.view_unit")
# Auditors read the trail (not the intelligence itself); administrators may too.
_GRANTS[Role.AUDITOR].add("ilp.view_auditevent")
_GRANTS[Role.ADMINISTRATOR].add("ilp.view_auditevent")
# Supervisors run the review queue (validate or purge).
_GRANTS[Role.SUPERVISOR].update({"ilp.add_reviewdecision", "ilp.view_reviewdecision"})


def grant(role: Role | str, *permissions: str) -> None:
    """Give a role more permissions ("app_label.codename"); called by stage apps at start-up."""
    _GRANTS[str(role)].update(permissions)


def permissions_for(role: Role | str) -> frozenset[str]:
    """The permissions a role carries."""
    return frozenset(_GRANTS[str(role)])


def sync_role_groups() -> None:
    """Create one group per role and set exactly its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in sorted(_GRANTS[role.value]):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def sync_role_groups_after_migrate(**kwargs: Any) -> None:
    """post_migrate receiver: keep the role groups in line with the code.

    It acts once, on the signal for the last installed app, when every app's permissions exist.
    """
    from django.apps import apps

    if kwargs.get("app_config") is list(apps.get_app_configs())[-1]:
        sync_role_groups()
