"""Reads of core objects, each decided for the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from ilp.models import Agency, ApiToken, Unit, User

Actor = User | AnonymousUser


@dataclass(frozen=True)
class AccountSummary:
    """What the dashboard shows a user about their own account."""

    username: str
    full_name: str
    agency: Agency | None
    unit: Unit | None
    roles: list[str]
    clearance: str
    active_tokens: int


def account_summary(*, actor: User) -> AccountSummary:
    """The signed-in user's own account, roles and token count."""
    return AccountSummary(
        username=actor.username,
        full_name=actor.get_full_name(),
        agency=actor.agency,
        unit=actor.unit,
        roles=actor.role_names,
        clearance=actor.get_clearance_display(),
        active_tokens=ApiToken.objects.active().filter(user=actor).count(),
    )


def unit_list(*, actor: Actor) -> QuerySet[Unit]:
    """Units the actor may see: those of their own agency (all of them for superusers)."""
    units = Unit.objects.select_related("agency")
    if not actor.is_authenticated:
        return units.none()
    if actor.is_superuser:
        return units
    return units.filter(agency_id=actor.agency_id) if actor.agency_id else units.none()


def token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own API tokens, newest first; nobody lists another user's tokens here."""
    if not actor.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=actor.pk)


def admin_counts(*, actor: User) -> dict[str, int]:
    """Headline counts for the administration panel (administrators only)."""
    if not actor.is_staff:
        return {}
    return {
        "agencies": Agency.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.filter(is_active=True).count(),
    }
