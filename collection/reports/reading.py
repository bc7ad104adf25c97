"""Reads of intelligence are audited like changes: each search of reports, sources or
requirements leaves an event in the audit trail. Opening one record is audited by
ilp.governance.access, with its purpose."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from ilp.audit import audit_record
from ilp.models import AuditEvent

SEARCH_KEYS = ("q",)


def _clean(text: str) -> str:
    # PostgreSQL's JSON cannot hold NUL; the trail keeps the rest of what was sent.
    return text.replace("\x00", "")[:500]


def audit_search(*, actor: Any, model: type[Model], params: Mapping[str, Any]) -> None:
    """Record a free-text search and the filters it ran with (nothing when there is no text)."""
    text = str(params.get("q", "")).strip()
    if not text:
        return
    filters = {
        _clean(k): _clean(str(v))
        for k, v in params.items()
        if v not in ("", None) and k != "cursor"
    }
    audit_record(
        actor=actor,
        action=AuditEvent.Action.SEARCH,
        details={"model": model._meta.label_lower, "filters": filters},
    )
