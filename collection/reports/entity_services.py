"""Create a person, place, vehicle or organisation in place, while linking it to a report.

A deliberately small create (the fields someone knows while writing a report) through the same
services as the full entity pages, so validation, marking and auditing are the same.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from collection.entities import services
from ilp.models import User

CREATORS: dict[str, Any] = {
    "person": services.person_create,
    "location": services.location_create,
    "vehicle": services.vehicle_create,
    "organisation": services.organisation_create,
}

QUICK_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("surname", "forenames", "date_of_birth"),
    "location": ("name", "address", "latitude", "longitude"),
    "vehicle": ("registration", "make", "model", "colour"),
    "organisation": ("name", "kind"),
}


@transaction.atomic
def entity_create(*, actor: User, kind: str, fields: dict[str, Any]) -> Model:
    """Create an entity of ``kind`` owned by the actor's agency from the quick-create fields."""
    create = CREATORS.get(kind)
    if create is None:
        raise ValidationError({"kind": "Choose person, location, vehicle or organisation."})
    unknown = set(fields) - set(QUICK_FIELDS[kind])
    if unknown:
        raise ValidationError(f"Unknown fields for a {kind}: {', '.join(sorted(unknown))}.")
    entity: Model = create(actor=actor, **fields)
    return entity
