"""Writes of people, locations, vehicles and organisations.

Every function is keyword-only and transactional; it checks the actor's role, validates the
whole record (service rules first, then the model's own) before saving, takes the agency and
author from the actor, and refuses an update made from a stale ``version``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, Required, Unpack

from django.db import transaction
from django.utils import timezone

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
from ilp import selectors
from ilp.models import Location, Organisation, Person, User, Vehicle

MAX_ALIASES = 50
COORDINATE_PLACES = Decimal("0.000001")
# 28 CFR Part 23 §23.20(a): a subject is kept only on reasonable suspicion, written down.
JUSTIFICATION_MIN_LENGTH = 20
SUBJECT_FIELDS = ("is_subject", "subject_justification")


class PersonFields(MarkingFields, total=False):
    """What describes a person (nominal)."""

    surname: Required[str]
    forenames: str
    aliases: list[str]
    date_of_birth: date | None
    identifiers: dict[str, str]
    description: str
    is_subject: bool
    subject_justification: str


class PersonChanges(MarkingFields, total=False):
    """Fields an update may change (any subset)."""

    surname: str
    forenames: str
    aliases: list[str]
    date_of_birth: date | None
    identifiers: dict[str, str]
    description: str
    is_subject: bool
    subject_justification: str


class LocationFields(MarkingFields, total=False):
    """What describes a place: a name, an address and/or a WGS84 point."""

    name: str
    address: str
    latitude: Decimal | float | None
    longitude: Decimal | float | None


class VehicleFields(MarkingFields, total=False):
    """What describes a vehicle."""

    registration: str
    make: str
    model: str
    colour: str
    description: str


class OrganisationFields(MarkingFields, total=False):
    """What describes an organisation."""

    name: str
    kind: str
    description: str


# --- people ---------------------------------------------------------------------------------


@transaction.atomic
def person_create(*, actor: User, **fields: Unpack[PersonFields]) -> Person:
    """Record a new person for the actor's agency. Marking them an intelligence subject needs
    a written reasonable-suspicion justification (28 CFR Part 23 §23.20(a))."""
    agency_id = require_permission(actor, "ilp.add_person", "add people")
    person = Person(agency_id=agency_id, created_by=actor)
    return _save_person(actor, person, dict(fields))


@transaction.atomic
def person_update(
    *, actor: User, person: Person, version: int, **changes: Unpack[PersonChanges]
) -> Person:
    """Change a person; refused when ``version`` is not the stored one (a stale copy). A person
    who is (or becomes) an intelligence subject must keep a reasonable-suspicion justification;
    the trail keeps the before and after of both."""
    require_permission(actor, "ilp.change_person", "change people")
    current = lock_current(
        selectors.person_list(actor=actor), pk=person.pk, version=version, noun="person"
    )
    current.version += 1
    return _save_person(actor, current, dict(changes))


def _save_person(actor: User, person: Person, fields: dict[str, Any]) -> Person:
    errors: ErrorDict = {}
    check_marking(actor, fields, errors)
    if "aliases" in fields:
        fields["aliases"] = _names(fields["aliases"], "aliases", errors)
    if "identifiers" in fields:
        fields["identifiers"] = _identifiers(fields["identifiers"], errors)
    before = {name: getattr(person, name) for name in SUBJECT_FIELDS}
    text = {"surname", "forenames", "description", "subject_justification", *MARKING_TEXT}
    changed = set_fields(person, fields, text)
    if not person.surname:
        errors.setdefault("surname", []).append("Give the surname (family name).")
    if person.date_of_birth and person.date_of_birth > timezone.localdate():
        errors.setdefault("date_of_birth", []).append("The date of birth is in the future.")
    if person.is_subject and len(person.subject_justification) < JUSTIFICATION_MIN_LENGTH:
        errors.setdefault("subject_justification", []).append(
            "A person may be marked as an intelligence subject only with a reasonable-suspicion "
            "justification (28 CFR Part 23): write what ties them to criminal activity, in at "
            f"least {JUSTIFICATION_MIN_LENGTH} characters."
        )
    return clean_and_save(person, errors, actor=actor, changed=changed, tracked=before)


def _names(values: Iterable[Any], field: str, errors: ErrorDict) -> list[str]:
    """Distinct non-blank names, in the order given."""
    names = list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    if len(names) > MAX_ALIASES:
        errors.setdefault(field, []).append(f"Give at most {MAX_ALIASES} names.")
    if any(len(name) > 150 for name in names):
        errors.setdefault(field, []).append("Each name may be at most 150 characters.")
    return names


def _identifiers(values: Mapping[Any, Any], errors: ErrorDict) -> dict[str, str]:
    """Reference numbers by system, both trimmed; a system without a number is dropped."""
    cleaned = {str(k).strip(): str(v).strip() for k, v in values.items() if str(v).strip()}
    if "" in cleaned:
        errors.setdefault("identifiers", []).append("Name the system of every reference number.")
    if any(len(k) > 40 or len(v) > 100 for k, v in cleaned.items()):
        errors.setdefault("identifiers", []).append(
            "Systems may be at most 40 characters and numbers at most 100."
        )
    return cleaned


# --- locations ------------------------------------------------------------------------------


@transaction.atomic
def location_create(*, actor: User, **fields: Unpack[LocationFields]) -> Location:
    """Record a new location; its H3 cell is derived from the point when saved."""
    agency_id = require_permission(actor, "ilp.add_location", "add locations")
    location = Location(agency_id=agency_id, created_by=actor)
    return _save_location(actor, location, dict(fields))


@transaction.atomic
def location_update(
    *, actor: User, location: Location, version: int, **changes: Unpack[LocationFields]
) -> Location:
    """Change a location; refused when ``version`` is not the stored one (a stale copy)."""
    require_permission(actor, "ilp.change_location", "change locations")
    current = lock_current(
        selectors.location_list(actor=actor), pk=location.pk, version=version, noun="location"
    )
    current.version += 1
    return _save_location(actor, current, dict(changes))


def _save_location(actor: User, location: Location, fields: dict[str, Any]) -> Location:
    errors: ErrorDict = {}
    check_marking(actor, fields, errors)
    for name, limit in (("latitude", 90), ("longitude", 180)):
        if name in fields:
            fields[name] = coordinate(fields[name], name, limit, errors)
    changed = set_fields(location, fields, {"name", "address", *MARKING_TEXT})
    if (location.latitude is None) != (location.longitude is None) and not errors.keys() & {
        "latitude",
        "longitude",
    }:
        missing = "latitude" if location.latitude is None else "longitude"
        errors.setdefault(missing, []).append("Give both latitude and longitude, or neither.")
    return clean_and_save(location, errors, actor=actor, changed=changed)


def coordinate(value: Any, name: str, limit: int, errors: ErrorDict) -> Decimal | None:
    """A latitude or longitude as stored (6 decimal places, about 0.1 m), or None if blank."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.setdefault(name, []).append(f"The {name} must be a number.")
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors.setdefault(name, []).append(
            f"The {name} must be between -{limit} and {limit} (decimal degrees, WGS84)."
        )
        return None
    return number.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_EVEN)


# --- vehicles -------------------------------------------------------------------------------


@transaction.atomic
def vehicle_create(*, actor: User, **fields: Unpack[VehicleFields]) -> Vehicle:
    """Record a new vehicle; its registration is stored without spaces, upper case."""
    agency_id = require_permission(actor, "ilp.add_vehicle", "add vehicles")
    vehicle = Vehicle(agency_id=agency_id, created_by=actor)
    return _save_vehicle(actor, vehicle, dict(fields))


@transaction.atomic
def vehicle_update(
    *, actor: User, vehicle: Vehicle, version: int, **changes: Unpack[VehicleFields]
) -> Vehicle:
    """Change a vehicle; refused when ``version`` is not the stored one (a stale copy)."""
    require_permission(actor, "ilp.change_vehicle", "change vehicles")
    current = lock_current(
        selectors.vehicle_list(actor=actor), pk=vehicle.pk, version=version, noun="vehicle"
    )
    current.version += 1
    return _save_vehicle(actor, current, dict(changes))


def normalise_registration(value: str) -> str:
    """A registration mark as stored and searched: no spaces, upper case."""
    return "".join(str(value).split()).upper()


def _save_vehicle(actor: User, vehicle: Vehicle, fields: dict[str, Any]) -> Vehicle:
    errors: ErrorDict = {}
    check_marking(actor, fields, errors)
    if "registration" in fields:
        fields["registration"] = normalise_registration(fields["registration"])
    changed = set_fields(vehicle, fields, {"make", "model", "colour", "description", *MARKING_TEXT})
    if not vehicle.registration:
        errors.setdefault("registration", []).append("Give the registration mark.")
    elif not all(ch.isalnum() or ch == "-" for ch in vehicle.registration):
        errors.setdefault("registration", []).append(
            "A registration mark has letters, digits and hyphens only."
        )
    return clean_and_save(vehicle, errors, actor=actor, changed=changed)


# --- organisations --------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor: User, **fields: Unpack[OrganisationFields]) -> Organisation:
    """Record a new organisation (crime group, gang, business …)."""
    agency_id = require_permission(actor, "ilp.add_organisation", "add organisations")
    organisation = Organisation(agency_id=agency_id, created_by=actor)
    return _save_organisation(actor, organisation, dict(fields))


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    version: int,
    **changes: Unpack[OrganisationFields],
) -> Organisation:
    """Change an organisation; refused when ``version`` is not the stored one."""
    require_permission(actor, "ilp.change_organisation", "change organisations")
    current = lock_current(
        selectors.organisation_list(actor=actor),
        pk=organisation.pk,
        version=version,
        noun="organisation",
    )
    current.version += 1
    return _save_organisation(actor, current, dict(changes))


def _save_organisation(
    actor: User, organisation: Organisation, fields: dict[str, Any]
) -> Organisation:
    errors: ErrorDict = {}
    check_marking(actor, fields, errors)
    changed = set_fields(organisation, fields, {"name", "kind", "description", *MARKING_TEXT})
    if not organisation.name:
        errors.setdefault("name", []).append("Give the organisation's name.")
    return clean_and_save(organisation, errors, actor=actor, changed=changed)
