"""Optimistic concurrency for records edited in forms: a save from a stale copy is refused.

Every intelligence record carries ``version``. A form or API call sends back the version it was
loaded with; the write is one ``UPDATE … WHERE id = … AND version = n`` that also bumps the
version, so of two people saving the same copy only the first succeeds and nothing is lost.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from ilp.models import Record


class StaleVersionError(ValidationError):
    """The record changed since the caller loaded it; nothing was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="stale")


def stale_message(kind: str, who: str, record: Record) -> str:
    """'changed by X at T since you opened it; reload' in words a user can act on."""
    when = date_format(timezone.localtime(record.updated_at), "DATETIME_FORMAT")
    return (
        f"This {kind} was changed by {who} at {when} since you opened it; reload to see the "
        "changes and make yours again. Nothing was saved."
    )


def check_version(kind: str, who: str, record: Record, version: int | None) -> None:
    """Refuse at once when the caller's version is already behind the loaded record."""
    if version is not None and version != record.version:
        raise StaleVersionError(stale_message(kind, who, record))


def save_versioned(
    record: Record, *, version: int, fields: dict[str, Any], kind: str, who: Any
) -> None:
    """Write ``fields`` only if the row is still at ``version``, bumping it by one.

    ``who`` is a callable giving the name of the last editor of the fresh row, for the message.
    """
    now = timezone.now()
    updated = (
        type(record)
        ._default_manager.filter(pk=record.pk, version=version)
        .update(**fields, version=F("version") + 1, updated_at=now)
    )
    if updated != 1:
        fresh = type(record)._default_manager.get(pk=record.pk)
        raise StaleVersionError(stale_message(kind, who(fresh), fresh))
    for name, value in fields.items():
        setattr(record, name, value)
    record.version = version + 1
    record.updated_at = now
