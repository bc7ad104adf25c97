"""Writes of sources and intelligence requirements.

Sanitisation: what identifies a covert source never leaves the source record, so only its
handlers may change its identity, its handlers or its kind (making it non-covert would show the
identity to everyone who may see the source).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import Enum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404

from collection import selectors
from collection.models import IntelligenceRequirement, Source
from collection.reports.versioning import check_version, save_versioned
from ilp.audit import audit_record
from ilp.choices import Classification
from ilp.grading import HandlingCode
from ilp.models import AuditEvent, Record, User


class Unset(Enum):
    """Marks an optional argument that was not given (where ``None`` is a real value)."""

    UNSET = 0


UNSET = Unset.UNSET


def _someone(record: Record) -> str:
    # The model records no last editor of sources and requirements (see notes on updated_by).
    return "another user"


def _check_classification(actor: User, classification: int, errors: dict[str, str]) -> None:
    if classification > actor.clearance:
        errors["classification"] = (
            f"You are cleared to {Classification(actor.clearance).label}: a record cannot be "
            "classified above your clearance."
        )


def _check_handlers(actor: User, handlers: list[User], kind: str, errors: dict[str, str]) -> None:
    if any(h.agency_id != actor.agency_id or not h.is_active for h in handlers):
        errors["handlers"] = "Handlers must be active users of your agency."
    elif kind == Source.Kind.COVERT_HUMAN and not handlers:
        errors["handlers"] = "A covert source needs at least one handler."


def _check_reference(reference: str, identity: str, errors: dict[str, str]) -> None:
    if identity.strip() and identity.strip().lower() in reference.lower():
        errors["reference"] = "The reference must not contain the identity: use a sanitised code."


@transaction.atomic
def source_create(
    *,
    actor: User,
    kind: str,
    reference: str,
    identity: str = "",
    handlers: Iterable[User] = (),
    is_active: bool = True,
    notes: str = "",
    classification: int = Classification.OFFICIAL,
    handling_code: str = HandlingCode.P,
    handling_conditions: str = "",
) -> Source:
    """Register a source of the actor's agency under a sanitised reference."""
    if not actor.has_perm("collection.add_source") or actor.agency_id is None:
        raise PermissionDenied("You may not register sources.")
    handlers = list(handlers)
    errors: dict[str, str] = {}
    _check_classification(actor, classification, errors)
    _check_handlers(actor, handlers, kind, errors)
    _check_reference(reference, identity, errors)
    if errors:
        raise ValidationError(errors)
    source = Source(
        agency_id=actor.agency_id,
        kind=kind,
        reference=reference.strip(),
        identity=identity.strip(),
        is_active=is_active,
        notes=notes.strip(),
        classification=classification,
        handling_code=handling_code,
        handling_conditions=handling_conditions.strip(),
        created_by=actor,
    )
    source.full_clean()
    source.save()
    source.handlers.set(handlers)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=source)
    return source


@transaction.atomic
def source_update(
    *,
    actor: User,
    source: Source,
    version: int,
    kind: str | None = None,
    reference: str | None = None,
    identity: str | None = None,
    handlers: Iterable[User] | None = None,
    is_active: bool | None = None,
    notes: str | None = None,
    classification: int | None = None,
    handling_code: str | None = None,
    handling_conditions: str | None = None,
) -> Source:
    """Edit a source from the copy at ``version``; ``None`` leaves a field alone. Identity,
    handlers and the kind of a covert source are for its handlers only."""
    if not actor.has_perm("collection.change_source"):
        raise PermissionDenied("You may not change sources.")
    current = get_object_or_404(selectors.source_list(actor=actor), pk=source.pk)
    check_version("source", "another user", current, version)
    new_handlers = None if handlers is None else list(handlers)
    sensitive = (
        (identity is not None and identity.strip() != current.identity)
        or (new_handlers is not None and {h.pk for h in new_handlers} != set(_handler_ids(current)))
        or (kind is not None and kind != current.kind)
    )
    if (
        current.is_covert
        and sensitive
        and not selectors.source_identity_visible(actor=actor, source=current)
    ):
        raise PermissionDenied("Only a handler can change the identity, handlers or kind.")
    changes: dict[str, Any] = {
        name: value.strip() if isinstance(value, str) and name != "kind" else value
        for name, value in (
            ("kind", kind),
            ("reference", reference),
            ("identity", identity),
            ("is_active", is_active),
            ("notes", notes),
            ("classification", classification),
            ("handling_code", handling_code),
            ("handling_conditions", handling_conditions),
        )
        if value is not None
    }
    for name, value in changes.items():
        setattr(current, name, value)
    errors: dict[str, str] = {}
    _check_classification(actor, current.classification, errors)
    handler_list = new_handlers if new_handlers is not None else list(current.handlers.all())
    _check_handlers(actor, handler_list, current.kind, errors)
    _check_reference(current.reference, current.identity, errors)
    if errors:
        raise ValidationError(errors)
    current.full_clean()
    save_versioned(current, version=version, fields=changes, kind="source", who=_someone)
    if new_handlers is not None:
        current.handlers.set(new_handlers)
    # Field names only: the identity itself never goes into the trail.
    fields = sorted(changes) + (["handlers"] if new_handlers is not None else [])
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=current, details={"fields": fields}
    )
    return current


def _handler_ids(source: Source) -> list[int]:
    return list(source.handlers.values_list("pk", flat=True))


def _requirement_permission(actor: User, verb: str) -> None:
    codename = "add" if verb == "create" else "change"
    if not actor.has_perm(f"collection.{codename}_intelligencerequirement"):
        raise PermissionDenied(f"You may not {verb} intelligence requirements.")


@transaction.atomic
def requirement_create(
    *,
    actor: User,
    title: str,
    question: str,
    priority: str = IntelligenceRequirement.Priority.MEDIUM,
    due_date: date | None = None,
    classification: int = Classification.OFFICIAL,
    handling_code: str = HandlingCode.P,
    handling_conditions: str = "",
) -> IntelligenceRequirement:
    """Open an intelligence requirement: what the agency needs to know, and by when."""
    _requirement_permission(actor, "create")
    if actor.agency_id is None:
        raise PermissionDenied("You need an agency to open requirements.")
    errors: dict[str, str] = {}
    _check_classification(actor, classification, errors)
    if errors:
        raise ValidationError(errors)
    requirement = IntelligenceRequirement(
        agency_id=actor.agency_id,
        title=title.strip(),
        question=question.strip(),
        priority=priority,
        due_date=due_date,
        classification=classification,
        handling_code=handling_code,
        handling_conditions=handling_conditions.strip(),
        created_by=actor,
    )
    requirement.full_clean()
    requirement.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=requirement)
    return requirement


@transaction.atomic
def requirement_update(
    *,
    actor: User,
    requirement: IntelligenceRequirement,
    version: int,
    title: str | None = None,
    question: str | None = None,
    priority: str | None = None,
    due_date: date | Unset | None = UNSET,
    classification: int | None = None,
    handling_code: str | None = None,
    handling_conditions: str | None = None,
) -> IntelligenceRequirement:
    """Edit an open requirement from the copy at ``version`` (``due_date=None`` clears it)."""
    _requirement_permission(actor, "change")
    current = get_object_or_404(selectors.requirement_list(actor=actor), pk=requirement.pk)
    check_version("requirement", "another user", current, version)
    if current.status == IntelligenceRequirement.Status.CLOSED:
        raise ValidationError("A closed requirement cannot be edited.")
    changes: dict[str, Any] = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in (
            ("title", title),
            ("question", question),
            ("priority", priority),
            ("classification", classification),
            ("handling_code", handling_code),
            ("handling_conditions", handling_conditions),
        )
        if value is not None
    }
    if not isinstance(due_date, Unset):
        changes["due_date"] = due_date
    for name, value in changes.items():
        setattr(current, name, value)
    errors: dict[str, str] = {}
    _check_classification(actor, current.classification, errors)
    if errors:
        raise ValidationError(errors)
    current.full_clean()
    save_versioned(current, version=version, fields=changes, kind="requirement", who=_someone)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=current,
        details={"fields": sorted(changes)},
    )
    return current


@transaction.atomic
def requirement_close(
    *, actor: User, requirement: IntelligenceRequirement, version: int | None = None
) -> IntelligenceRequirement:
    """Close a requirement: it is answered or no longer needed; reports keep answering it."""
    _requirement_permission(actor, "close")
    current = get_object_or_404(selectors.requirement_list(actor=actor), pk=requirement.pk)
    check_version("requirement", "another user", current, version)
    if current.status == IntelligenceRequirement.Status.CLOSED:
        raise ValidationError("This requirement is already closed.")
    save_versioned(
        current,
        version=current.version,
        fields={"status": IntelligenceRequirement.Status.CLOSED},
        kind="requirement",
        who=_someone,
    )
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=current, details={"step": "close"}
    )
    return current
