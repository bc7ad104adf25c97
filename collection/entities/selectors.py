"""Reads about entities for the acting user: search, counts, and what mentions an entity.

The base lists (``person_list`` …) live in ``ilp.selectors``; reports and incidents come only
through ``collection.selectors.report_list`` / ``incident_list``, so an entity page never shows
a report or incident its reader could not open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from collection import selectors as collection_selectors
from collection.entities import search
from collection.models import Incident, IncidentPerson, Report, ReportLink
from ilp import selectors as core_selectors
from ilp.models import Location, Organisation, Person, Record, Vehicle
from ilp.selectors import Actor

# How many of the most recent reports and incidents an entity page lists.
ACTIVITY_LIMIT = 200
SEARCH_LIMIT = 10

Entity = Person | Location | Vehicle | Organisation

_KINDS: dict[str, tuple[Callable[..., QuerySet[Any]], Callable[[Any, str], QuerySet[Any]]]] = {
    "person": (core_selectors.person_list, search.search_people),
    "location": (core_selectors.location_list, search.search_locations),
    "vehicle": (core_selectors.vehicle_list, search.search_vehicles),
    "organisation": (core_selectors.organisation_list, search.search_organisations),
}
ENTITY_KINDS = tuple(_KINDS)

INCIDENT_RULE_LOCATION = (
    "Incidents recorded in the same H3 cell as this location (resolution 9, about 0.1 km², "
    "a street segment) or at the same address (ignoring case)."
)
INCIDENT_RULE_PERSON = "Incidents that name this person, with their role in each."


def entity_search(*, actor: Actor, kind: str, q: str, limit: int = SEARCH_LIMIT) -> list[Record]:
    """Entities of one kind matching ``q`` that the actor may see, at most ``limit``.

    Raises ``ValueError`` for an unknown kind.
    """
    if kind not in _KINDS:
        raise ValueError(f"Unknown entity kind {kind!r}; use one of {', '.join(_KINDS)}.")
    if not search.terms(q):
        return []
    selector, matcher = _KINDS[kind]
    return list(matcher(selector(actor=actor), q)[:limit])


def entity_counts(*, actor: Actor) -> dict[str, int]:
    """How many entities of each kind the actor may see."""
    return {kind: selector(actor=actor).count() for kind, (selector, _) in _KINDS.items()}


@dataclass(frozen=True)
class Mention:
    """A report or incident that mentions an entity, and how (roles, or the matching rule)."""

    kind: str  # "report" or "incident"
    record: Report | Incident
    roles: tuple[str, ...]

    @property
    def when(self) -> datetime:
        """The time the timeline orders by: received (reports), started (incidents)."""
        if isinstance(self.record, Report):
            return self.record.received_at
        return self.record.occurred_from


@dataclass(frozen=True)
class EntityActivity:
    """Everything the actor may see that mentions one entity."""

    reports: list[Mention]
    reports_total: int
    incidents: list[Mention]
    incidents_total: int
    incident_rule: str

    @property
    def timeline(self) -> list[Mention]:
        """Reports and incidents merged, oldest first."""
        return sorted([*self.reports, *self.incidents], key=lambda m: (m.when, m.kind))


def entity_activity(*, actor: Actor, entity: Entity, limit: int = ACTIVITY_LIMIT) -> EntityActivity:
    """The reports (through their links) and incidents that mention ``entity``, newest first,
    at most ``limit`` of each, with their totals."""
    reports, reports_total = _reports_mentioning(actor, entity, limit)
    if isinstance(entity, Person):
        incidents, incidents_total = _incidents_naming(actor, entity, limit)
        rule = INCIDENT_RULE_PERSON
    elif isinstance(entity, Location):
        incidents, incidents_total = _incidents_at(actor, entity, limit)
        rule = INCIDENT_RULE_LOCATION
    else:
        incidents, incidents_total, rule = [], 0, ""
    return EntityActivity(reports, reports_total, incidents, incidents_total, rule)


def _link_field(entity: Entity) -> str:
    return type(entity).__name__.lower()


def _reports_mentioning(actor: Actor, entity: Entity, limit: int) -> tuple[list[Mention], int]:
    field = _link_field(entity)
    visible = collection_selectors.report_list(actor=actor)
    reports = list(
        visible.filter(**{f"links__{field}": entity})
        .distinct()
        .select_related("source")
        .order_by("-received_at", "-id")[:limit]
    )
    total = len(reports)
    if total == limit:
        total = visible.filter(**{f"links__{field}": entity}).distinct().count()
    roles: dict[int, list[str]] = {}
    links = ReportLink.objects.filter(**{field: entity}, report__in=[r.pk for r in reports])
    for link in links.order_by("id"):
        roles.setdefault(link.report_id, []).append(link.get_role_display())
    return [Mention("report", r, tuple(dict.fromkeys(roles.get(r.pk, [])))) for r in reports], total


def _incidents_naming(actor: Actor, person: Person, limit: int) -> tuple[list[Mention], int]:
    visible = collection_selectors.incident_list(actor=actor).filter(involvements__person=person)
    incidents = list(
        visible.distinct().select_related("offence").order_by("-occurred_from", "-id")[:limit]
    )
    total = len(incidents)
    if total == limit:
        total = visible.distinct().count()
    roles: dict[int, list[str]] = {}
    involvements = IncidentPerson.objects.filter(
        person=person, incident__in=[i.pk for i in incidents]
    )
    for involvement in involvements.order_by("id"):
        roles.setdefault(involvement.incident_id, []).append(involvement.get_role_display())
    return [Mention("incident", i, tuple(roles.get(i.pk, []))) for i in incidents], total


def location_incidents(*, actor: Actor, location: Location) -> QuerySet[Incident]:
    """Incidents the actor may see in the location's H3 cell or at its address (see
    ``INCIDENT_RULE_LOCATION``); none for a location with neither."""
    match = Q()
    if location.h3_cell:
        match |= Q(h3_cell=location.h3_cell)
    if location.address:
        match |= Q(address__iexact=location.address)
    if not match:
        return Incident.objects.none()
    return collection_selectors.incident_list(actor=actor).filter(match)


def _incidents_at(actor: Actor, location: Location, limit: int) -> tuple[list[Mention], int]:
    matched = location_incidents(actor=actor, location=location)
    incidents = list(matched.select_related("offence").order_by("-occurred_from", "-id")[:limit])
    total = len(incidents)
    if total == limit:
        total = matched.count()
    address = location.address.casefold()
    mentions = []
    for incident in incidents:
        basis = []
        if location.h3_cell and incident.h3_cell == location.h3_cell:
            basis.append("Same H3 cell")
        if address and incident.address.casefold() == address:
            basis.append("Same address")
        mentions.append(Mention("incident", incident, tuple(basis)))
    return mentions, total
