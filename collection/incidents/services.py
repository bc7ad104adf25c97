"""Writes of incidents entered or corrected by hand (bulk loads go through the imports).

Keyword-only and transactional; the agency and author come from the actor; the whole record is
validated before it is saved; an update from a stale ``version`` is refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, Required, Unpack

from django.db import transaction
from django.utils import timezone

from collection import selectors as collection_selectors
from collection.entities.writes import (
    MARKING_TEXT,
    ErrorDict,
    MarkingFields,
    check_marking,
    clean_and_save,
    lock_current,
    require_permission,
    set_fields,
)
from collection.models import Incident, IncidentPerson, OffenceType
from ilp import selectors as core_selectors
from ilp.models import Person, User
from ilp.models.entities import h3_cell_for


class _IncidentDetails(MarkingFields, total=False):
    """Fields of an incident that are never required."""

    occurred_to: datetime | None
    reported_at: datetime | None
    latitude: float | None
    longitude: float | None
    address: str
    status: str


class IncidentFields(_IncidentDetails, total=False):
    """What a new incident needs: a reference, an offence and when it (started to) happen."""

    reference: Required[str]
    offence: Required[OffenceType]
    occurred_from: Required[datetime]


class IncidentChanges(_IncidentDetails, total=False):
    """Fields of an incident an update may change (any subset)."""

    reference: str
    offence: OffenceType
    occurred_from: datetime


class Involvement(NamedTuple):
    """A person involved in an incident, and how (IncidentPerson.Role)."""

    person: Person
    role: str


@transaction.atomic
def incident_create(
    *, actor: User, people: Sequence[Involvement] = (), **fields: Unpack[IncidentFields]
) -> Incident:
    """Record an incident by hand, with the people involved in it."""
    agency_id = require_permission(actor, "collection.add_incident", "add incidents")
    incident = Incident(agency_id=agency_id, created_by=actor)
    return _save(actor, incident, dict(fields), people)


@transaction.atomic
def incident_update(
    *,
    actor: User,
    incident: Incident,
    version: int,
    people: Sequence[Involvement] | None = None,
    **changes: Unpack[IncidentChanges],
) -> Incident:
    """Correct an incident; ``people`` (when given) replaces who was involved. Refused when
    ``version`` is not the stored one (a stale copy)."""
    require_permission(actor, "collection.change_incident", "change incidents")
    current = lock_current(
        collection_selectors.incident_list(actor=actor),
        pk=incident.pk,
        version=version,
        noun="incident",
    )
    current.version += 1
    return _save(actor, current, dict(changes), people)


def _save(
    actor: User, incident: Incident, fields: dict[str, Any], people: Sequence[Involvement] | None
) -> Incident:
    errors: ErrorDict = {}
    check_marking(actor, fields, errors)
    # A single time is a window of no length.
    if fields.get("occurred_to") is None and ("occurred_to" in fields or incident.pk is None):
        fields["occurred_to"] = fields.get("occurred_from", incident.occurred_from)
    for name in ("latitude", "longitude"):
        if name in fields:
            fields[name] = _number(fields[name], name, errors)
    changed = set_fields(incident, fields, {"reference", "address", "status", *MARKING_TEXT})
    _check_reference(actor, incident, errors)
    _check_offence(actor, incident, errors)
    _check_times(incident, errors)
    _check_point(incident, errors)
    if people is not None:
        people = _check_people(actor, people, errors)
        if incident.pk is None or _people_differ(incident, people):
            changed.append("people")
    # The service checks the reference and the window itself, with clearer messages.
    clean_and_save(incident, errors, actor=actor, changed=changed, validate_constraints=False)
    if people is not None:
        _replace_people(incident, people)
    return incident


def _check_reference(actor: User, incident: Incident, errors: ErrorDict) -> None:
    if not incident.reference:
        errors.setdefault("reference", []).append("Give the records system's reference.")
        return
    taken = Incident.objects.filter(agency_id=incident.agency_id, reference=incident.reference)
    if taken.exclude(pk=incident.pk).exists():
        errors.setdefault("reference", []).append(
            "Your agency already has an incident with this reference."
        )


def _check_offence(actor: User, incident: Incident, errors: ErrorDict) -> None:
    offences = collection_selectors.offence_type_list(actor=actor)
    if incident.offence_id is None or not offences.filter(pk=incident.offence_id).exists():
        errors.setdefault("offence", []).append("Choose the offence from the list.")


def _number(value: Any, name: str, errors: ErrorDict) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(f"The {name} must be a number.")
        return None


def _check_times(incident: Incident, errors: ErrorDict) -> None:
    now = timezone.now()
    stamps = {
        "occurred_from": incident.occurred_from,
        "occurred_to": incident.occurred_to,
        "reported_at": incident.reported_at,
    }
    for name, value in stamps.items():
        if value is None:
            continue
        if timezone.is_naive(value):
            errors.setdefault(name, []).append("Give the time with its time zone.")
            return
        if value > now:
            errors.setdefault(name, []).append("This time is in the future.")
    start, end, reported = stamps.values()
    if start is None:
        errors.setdefault("occurred_from", []).append("Give when the incident happened.")
        return
    if end is not None and end < start:
        errors.setdefault("occurred_to", []).append("The window ends before it starts.")
    if reported is not None and reported < start:
        errors.setdefault("reported_at", []).append("The incident was reported before it happened.")


def _check_point(incident: Incident, errors: ErrorDict) -> None:
    point = {"latitude": (incident.latitude, 90), "longitude": (incident.longitude, 180)}
    for name, (value, limit) in point.items():
        if value is None:
            continue
        if not math.isfinite(value) or abs(value) > limit:
            errors.setdefault(name, []).append(
                f"The {name} must be between -{limit} and {limit} (decimal degrees, WGS84)."
            )
    if errors.keys() & point.keys():
        return
    if (incident.latitude is None) != (incident.longitude is None):
        missing = "latitude" if incident.latitude is None else "longitude"
        errors.setdefault(missing, []).append("Give both latitude and longitude, or neither.")
        return
    # The H3 cell is derived from the point, never entered.
    if incident.latitude is None or incident.longitude is None:
        incident.h3_cell = ""
    else:
        incident.h3_cell = h3_cell_for(incident.latitude, incident.longitude)


def _check_people(
    actor: User, people: Sequence[Involvement], errors: ErrorDict
) -> list[Involvement]:
    """The involvements, de-duplicated, if every person is one the actor may see."""
    wanted = list(dict.fromkeys(Involvement(p.person, p.role) for p in people))
    roles = set(IncidentPerson.Role.values)
    if any(involvement.role not in roles for involvement in wanted):
        errors.setdefault("people", []).append(
            "Each person's role must be suspect, offender, victim or witness."
        )
    ids = {involvement.person.pk for involvement in wanted}
    visible = set(
        core_selectors.person_list(actor=actor).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if ids - visible:
        errors.setdefault("people", []).append("Choose people from your agency's records.")
    return wanted


def _people_differ(incident: Incident, people: list[Involvement]) -> bool:
    current = set(incident.involvements.values_list("person_id", "role"))
    return current != {(p.person.pk, p.role) for p in people}


def _replace_people(incident: Incident, people: list[Involvement]) -> None:
    wanted = {(p.person.pk, p.role) for p in people}
    existing = {(i.person_id, i.role): i.pk for i in incident.involvements.all()}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    IncidentPerson.objects.filter(pk__in=stale).delete()
    IncidentPerson.objects.bulk_create(
        IncidentPerson(incident=incident, person_id=person_id, role=role)
        for person_id, role in sorted(wanted - existing.keys())
    )
