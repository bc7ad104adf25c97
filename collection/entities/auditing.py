"""Audit events of entity and incident searches and writes (ilp.audit). Opening one record is
audited by ilp.governance.access, with its purpose."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from ilp.audit import audit_record
from ilp.models import AuditEvent, User

# Paging parameters say where in a list, not what was looked for.
_PAGING = {"page", "cursor", "page_size", "format"}


def audit_search(
    *, actor: User, what: str, params: Mapping[str, Any], always: bool = False
) -> None:
    """Records were looked for: a list with filters, a search box, a map layer. A plain list
    without filters is not a search and is not recorded unless ``always``."""
    # PostgreSQL's jsonb cannot hold NUL characters, whatever a caller typed.
    criteria = {
        _clean(key): _clean(value)[:200]
        for key, value in params.items()
        if key not in _PAGING and value not in ("", None)
    }
    if criteria or always:
        audit_record(
            actor=actor, action=AuditEvent.Action.SEARCH, details={"what": what, **criteria}
        )


def _clean(value: Any) -> str:
    return str(value).replace("\x00", "")


def audit_write(
    *,
    actor: User,
    record: models.Model,
    created: bool,
    changed: list[str],
    values: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """A record was created or changed, and which fields; ``values`` adds the before and after
    of fields whose content the trail must show (e.g. the entry criteria of 28 CFR Part 23)."""
    action = AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE
    details: dict[str, Any] = {"fields": sorted(changed)}
    if values:
        details["changes"] = {name: dict(change) for name, change in sorted(values.items())}
    audit_record(actor=actor, action=action, obj=record, details=details)
