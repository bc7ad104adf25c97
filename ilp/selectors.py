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
    if not isinstance(actor, User) or not actor.is_active or actor.agency_id is None:
        return queryset.none()
    model = queryset.model
    content_type = ContentType.objects.get_for_model(model)
    codename = f"view_{model._meta.model_name}"
    granted = _object_grants(actor, content_type.pk, codename)
    visible = granted
    wholesale = wholesale_scope(actor=actor, model=model)
    if wholesale is not None:
        own = Q(agency_id=wholesale.agency_id) & (Q(restricted=False) | granted)
        shared = Q(
            pk__in=Dissemination.objects.filter(
                content_type_id=content_type.pk, recipient_agency_id=actor.agency_id
            )
            .filter(Q(recipient_user__isnull=True) | Q(recipient_user_id=actor.pk))
            .values("object_id")
        )
        visible |= own | shared
    return queryset.filter(visible, classification__lte=actor.clearance)


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


def _object_grants(actor: User, content_type_id: int, codename: str) -> Q:
    """Records granted to the actor by name or through their unit."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    by_name = UserObjectPermission.objects.filter(
        user_id=actor.pk, content_type_id=content_type_id, permission__codename=codename
    )
    by_unit = GroupObjectPermission.objects.filter(
        group__name=f"unit-{actor.unit_id}",
        content_type_id=content_type_id,
        permission__codename=codename,
    )
    as_ids = Cast("object_pk", BigIntegerField())
    return Q(pk__in=by_name.annotate(ref=as_ids).values("ref")) | Q(
        pk__in=by_unit.annotate(ref=as_ids).values("ref")
    )


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
