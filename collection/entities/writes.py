"""What every write of an intelligence record shares: who may write, the marking, optimistic
concurrency on ``version``, and validation before save.

Used by the entity and incident services (and open to any other collection service).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from collection.entities.auditing import audit_write
from ilp.choices import Classification
from ilp.models import Record, User

R = TypeVar("R", bound=Record)

ErrorDict = dict[str, list[str]]


class MarkingFields(TypedDict, total=False):
    """The security marking every record carries (see ilp.models.Record)."""

    classification: int
    handling_code: str
    handling_conditions: str


class StaleVersionError(ValidationError):
    """A save made from a copy of the record that someone else has changed since.

    Nothing is written: the caller must reload, see the other change and make theirs again.
    """

    def __init__(self, *, noun: str, given: int, current: int) -> None:
        self.given = given
        self.current = current
        super().__init__(
            f"Someone else changed this {noun} after you opened it (your copy is version "
            f"{given}, the record is now version {current}). Nothing was saved: reload it to "
            "see their changes, then make yours again.",
            code="stale",
        )


def require_permission(actor: User, permission: str, doing: str) -> int:
    """The actor's agency (which owns what they write), or PermissionError when their roles do
    not carry ``permission`` or they belong to no agency."""
    if not actor.is_authenticated or not actor.is_active or not actor.has_perm(permission):
        raise PermissionError(f"Your role does not allow you to {doing}.")
    if actor.agency_id is None:
        raise PermissionError("Records belong to an agency, and your account has none.")
    return actor.agency_id


def check_marking(actor: User, fields: Mapping[str, Any], errors: ErrorDict) -> None:
    """A user may not mark a record above their own clearance: they could not read it back."""
    classification = fields.get("classification")
    if classification is not None and int(classification) > actor.clearance:
        label = Classification(actor.clearance).label
        errors.setdefault("classification", []).append(
            f"You may not mark a record above your own clearance ({label})."
        )


def lock_current(visible: QuerySet[R], *, pk: int, version: int, noun: str) -> R:
    """The record as it is now, locked until the transaction ends, if ``version`` is current.

    ``visible`` is the actor's selector: a record outside it cannot be changed by them.
    """
    current = visible.select_for_update().filter(pk=pk).first()
    if current is None:
        raise PermissionError(f"This {noun} is not visible to you.")
    if current.version != version:
        raise StaleVersionError(noun=noun, given=version, current=current.version)
    return current


def clean_text(value: Any) -> str:
    """A text field as stored: surrounding whitespace removed, never None."""
    return "" if value is None else str(value).strip()


def set_fields(instance: Record, fields: dict[str, Any], text_fields: set[str]) -> list[str]:
    """Copy given fields onto the instance, trimming text fields; the names that changed."""
    changed = []
    for name, value in fields.items():
        before = getattr(instance, name, None)
        setattr(instance, name, clean_text(value) if name in text_fields else value)
        if getattr(instance, name, None) != before:
            changed.append(name)
    return changed


def before_and_after(instance: Record, before: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields of ``before`` (a snapshot taken before the change) whose value changed, with
    both values, for the audit trail."""
    return {
        name: {"before": value, "after": getattr(instance, name)}
        for name, value in before.items()
        if getattr(instance, name) != value
    }


def clean_and_save(
    instance: R,
    errors: ErrorDict,
    *,
    actor: User,
    changed: list[str],
    validate_constraints: bool = True,
    tracked: Mapping[str, Any] | None = None,
) -> R:
    """Run the model's own validation on top of the service's, then save and audit the write;
    one error for all.

    A service that checks the model's constraints itself (with clearer messages) passes
    ``validate_constraints=False``; the database still enforces them. ``tracked`` is a snapshot
    of fields taken before the change whose before and after go into the audit event.
    """
    try:
        instance.full_clean(validate_constraints=validate_constraints)
    except ValidationError as exc:
        # The service's own message is the clearer one: keep it, not both.
        given = {message for messages in errors.values() for message in messages}
        for field, messages in exc.message_dict.items():
            if field in errors:
                continue
            fresh = [message for message in messages if message not in given]
            if fresh:
                errors[field] = fresh
    if errors:
        raise ValidationError({field: messages for field, messages in errors.items() if messages})
    created = instance._state.adding
    instance.save()
    values = before_and_after(instance, tracked) if tracked else None
    audit_write(actor=actor, record=instance, created=created, changed=changed, values=values)
    return instance


MARKING_TEXT = {"handling_code", "handling_conditions"}
