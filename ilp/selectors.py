"""Reads of core objects, each decided for the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast

from ilp.models import (
    Agency,
    ApiToken,
    Area,
    AuditEvent,
    Dissemination,
    Location,
    Organisation,
    Person,
    Unit,
    User,
    Vehicle,
)

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


def record_scope(*, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Narrow any queryset of intelligence records (subclasses of Record) to what the actor
    may see. Every stage's selectors start from this, so every page, API object, list, search,
    export, map layer and analysis input follows the same rules (docs/permissions.md):

    - never above the actor's clearance;
    - their own agency's records, if their role may read that kind of record at all (an
      auditor's may not), unless a record is restricted: then only to the people and units it
      names and whoever restricted it;
    - another agency's records only as disseminated to the actor's agency or to them.
    """
    rule = _scope_rule(actor, queryset.model)
    if rule is None:
        return queryset.none()
    visible = Q(pk__in=rule.one_by_one)
    if rule.wholesale is not None:
        visible |= rule.wholesale
    return queryset.filter(visible, classification__lte=rule.clearance)


@dataclass(frozen=True)
class ScopeParts:
    """``record_scope`` of a queryset as two disjoint querysets whose union it is.

    ``wholesale`` is a plain filter on agency, restriction and classification, which the
    indexes on those columns serve; ``one_by_one`` is everything else the actor may see (records
    granted to them or their unit, or shared with their agency or them), found through the ids
    the grants and disseminations name. Counting each part on its own lets PostgreSQL use an
    index for each, where the single OR of ``record_scope`` makes it read every row."""

    wholesale: QuerySet[Any]
    one_by_one: QuerySet[Any]


def record_scope_parts(*, actor: Actor, queryset: QuerySet[Any]) -> ScopeParts:
    """``record_scope(actor=actor, queryset=queryset)`` split in two (see ScopeParts)."""
    rule = _scope_rule(actor, queryset.model)
    if rule is None:
        return ScopeParts(queryset.none(), queryset.none())
    cleared = queryset.filter(classification__lte=rule.clearance)
    one_by_one = cleared.filter(pk__in=rule.one_by_one)
    if rule.wholesale is None:
        return ScopeParts(queryset.none(), one_by_one)
    return ScopeParts(cleared.filter(rule.wholesale), one_by_one.exclude(rule.wholesale))


@dataclass(frozen=True)
class _ScopeRule:
    clearance: int
    wholesale: Q | None
    one_by_one: QuerySet[Any]  # ids, as one UNION


def _scope_rule(actor: Actor, model: type[Any]) -> _ScopeRule | None:
    """The access rule of record_scope, for its two forms (None: the actor sees nothing).

    Records granted to the actor (by name or through their unit) are visible whatever else
    holds, restricted ones included. With the view permission for the kind of record, the
    actor also sees their agency's unrestricted records wholesale, and records disseminated
    to their agency as a whole or to them by name."""
    if not isinstance(actor, User) or not actor.is_active or actor.agency_id is None:
        return None
    content_type = ContentType.objects.get_for_model(model)
    by_name, by_unit = _granted_ids(actor, content_type.pk, f"view_{model._meta.model_name}")
    wholesale = wholesale_scope(actor=actor, model=model)
    if wholesale is None:
        return _ScopeRule(int(actor.clearance), None, by_name.union(by_unit))
    shared = (
        Dissemination.objects.filter(
            content_type_id=content_type.pk, recipient_agency_id=actor.agency_id
        )
        .filter(Q(recipient_user__isnull=True) | Q(recipient_user_id=actor.pk))
        .order_by()
        .values_list("object_id")
    )
    return _ScopeRule(
        int(actor.clearance),
        Q(agency_id=wholesale.agency_id, restricted=False),
        by_name.union(by_unit, shared),
    )


@dataclass(frozen=True)
class WholesaleScope:
    """Every unrestricted record of one agency up to a classification."""

    agency_id: int
    max_classification: int


def wholesale_scope(*, actor: Actor, model: type[Any]) -> WholesaleScope | None:
    """The part of ``record_scope`` that covers whole classes of records rather than single
    ones: the actor's own agency's unrestricted records of ``model`` up to their clearance, when
    their role may read that kind. Counts kept ahead of time (the incident map's cell counts)
    may stand in for this part only; restricted, granted and shared records are always decided
    row by row through ``record_scope``. None when the actor has no such part."""
    if not isinstance(actor, User) or not actor.is_active or actor.agency_id is None:
        return None
    if not actor.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        return None
    return WholesaleScope(agency_id=actor.agency_id, max_classification=int(actor.clearance))


def _granted_ids(actor: User, content_type_id: int, codename: str) -> list[QuerySet[Any]]:
    """Ids of the records granted to the actor by name, and those granted to their unit."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    as_ids = Cast("object_pk", BigIntegerField())
    by_name = UserObjectPermission.objects.filter(
        user_id=actor.pk, content_type_id=content_type_id, permission__codename=codename
    )
    by_unit = GroupObjectPermission.objects.filter(
        group__name=f"unit-{actor.unit_id}",
        content_type_id=content_type_id,
        permission__codename=codename,
    )
    return [
        grants.order_by().annotate(ref=as_ids).values_list("ref") for grants in (by_name, by_unit)
    ]


def person_list(*, actor: Actor) -> QuerySet[Person]:
    """People the actor may see."""
    return record_scope(actor=actor, queryset=Person.objects.all())


def location_list(*, actor: Actor) -> QuerySet[Location]:
    """Locations the actor may see."""
    return record_scope(actor=actor, queryset=Location.objects.all())


def vehicle_list(*, actor: Actor) -> QuerySet[Vehicle]:
    """Vehicles the actor may see."""
    return record_scope(actor=actor, queryset=Vehicle.objects.all())


def organisation_list(*, actor: Actor) -> QuerySet[Organisation]:
    """Organisations the actor may see."""
    return record_scope(actor=actor, queryset=Organisation.objects.all())


def area_list(*, actor: Actor) -> QuerySet[Area]:
    """Areas the actor may see."""
    return record_scope(actor=actor, queryset=Area.objects.all())


def audit_event_list(*, actor: Actor) -> QuerySet[AuditEvent]:
    """The audit trail, for users allowed to read it (auditors, administrators): those of an
    agency see events by its users or about its records."""
    if not isinstance(actor, User) or not actor.has_perm("ilp.view_auditevent"):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if actor.is_superuser:
        return events
    return events.filter(Q(agency_id=actor.agency_id) | Q(actor__agency_id=actor.agency_id))
