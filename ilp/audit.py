"""Recording audit events, with the request's origin (IP address, user agent, path) taken from
a context variable that the audit middleware sets for each request."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from ilp.models import AuditEvent, User


@dataclass(frozen=True)
class Origin:
    """Where a request came from."""

    ip_address: str | None
    user_agent: str
    path: str


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar(
    "audit_origin", default=None
)


def origin_of(request: HttpRequest) -> Origin:
    """The request's client address (as Django sees it), user agent and path."""
    return Origin(
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
        path=request.get_full_path()[:500],
    )


class AuditOriginMiddleware:
    """Make the current request's origin available to audit_record anywhere below."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def _event(
    actor: Any,
    action: str,
    obj: models.Model | None,
    purpose: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    origin = _origin.get()
    user = actor if isinstance(actor, User) else None
    # PostgreSQL's JSON refuses NUL characters; search terms typed by users may carry them.
    details = _without_nul(details or {})
    event = AuditEvent(
        actor=user,
        actor_username=user.username if user else str((details or {}).get("username", "")),
        action=action,
        purpose=purpose,
        details=details,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        path=origin.path if origin else "",
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:300]
        event.agency_id = getattr(obj, "agency_id", None)
    return event


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    purpose: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail. ``actor`` may be anonymous (failed sign-ins)."""
    event = _event(actor, action, obj, purpose, details)
    event.save()
    return event


def audit_many(
    *, actor: User, action: str, objects: list[models.Model], details: dict[str, Any]
) -> None:
    """One event per record (e.g. each record in an export), written in one statement."""
    AuditEvent.objects.bulk_create([_event(actor, action, obj, "", details) for obj in objects])


def on_user_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Receiver of Django's user_logged_in: sign-ins are audited."""
    audit_record(actor=user, action=AuditEvent.Action.LOGIN)


def on_user_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    """Receiver of Django's user_logged_out."""
    if user is not None:
        audit_record(actor=user, action=AuditEvent.Action.LOGOUT)


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Receiver of Django's user_login_failed: the username tried, never the password."""
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        details={"username": str(credentials.get("username", ""))[:150]},
    )
