"""Create a person, place, vehicle or organisation in place, while linking it to a report.

A deliberately small create (the fields someone knows while writing a report); the full entity
pages belong to collection's entities part.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from collection.reports.entity_kinds import KINDS
from ilp.audit import audit_record
from ilp.models import AuditEvent, User

QUICK_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("surname", "forenames", "date_of_birth"),
    "location": ("name", "address", "latitude", "longitude"),
    "vehicle": ("registration", "make", "model", "colour"),
    "organisation": ("name", "kind"),
}


@transaction.atomic
def entity_create(*, actor: User, kind: str, fields: dict[str, Any]) -> Model:
    """Create an entity of ``kind`` owned by the actor's agency from the quick-create fields."""
    described = KINDS.get(kind)
    if described is None:
        raise ValidationError({"kind": "Choose person, location, vehicle or organisation."})
    if not actor.has_perm(f"ilp.add_{kind}") or actor.agency_id is None:
        raise PermissionDenied(f"You may not create a {kind}.")
    unknown = set(fields) - set(QUICK_FIELDS[kind])
    if unknown:
        raise ValidationError(f"Unknown fields for a {kind}: {', '.join(sorted(unknown))}.")
    values = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    entity = described.model(agency_id=actor.agency_id, created_by=actor, **values)
    entity.full_clean()
    entity.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=entity)
    return entity
