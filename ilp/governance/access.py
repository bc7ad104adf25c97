"""Opening a record: every view of an intelligence record is audited, and a restricted record
asks for the purpose first (remembered for the rest of the session). Detail pages and API
objects of every stage go through here, so each opening is audited once, with its purpose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request

from ilp.audit import audit_record
from ilp.models import AuditEvent, Record

PURPOSE_HEADER = "X-ILP-Purpose"
PURPOSE_MIN_LENGTH = 10
_SESSION_KEY = "ilp_purposes"

PURPOSE_PARAMETER = OpenApiParameter(
    PURPOSE_HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Why you open this record, kept in the audit trail. Needed (at least "
        f"{PURPOSE_MIN_LENGTH} characters) only when the record is restricted: without it a "
        "restricted record is answered with 403. Optional for any other record, where it is "
        "recorded if given."
    ),
)


class PurposeForm(forms.Form):
    """Why the user is opening a restricted record."""

    purpose = forms.CharField(
        min_length=PURPOSE_MIN_LENGTH,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="This record is restricted. Your reason is kept in the audit trail.",
    )


def _key(record: Record) -> str:
    return f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"


def asks_purpose(user: Any, record: Record) -> bool:
    """Whether opening ``record`` needs a stated purpose: a restricted record does, except for
    the person who made it (an analysis made from restricted inputs is its requester's own)."""
    return bool(record.restricted) and record.created_by_id != getattr(user, "pk", None)


def purpose_given(request: HttpRequest, record: Record) -> str:
    """The purpose given for this record earlier in the session ('' if none)."""
    purposes: dict[str, str] = request.session.get(_SESSION_KEY, {})
    return purposes.get(_key(record), "")


def _remember(request: HttpRequest, record: Record, purpose: str) -> None:
    purposes: dict[str, str] = dict(request.session.get(_SESSION_KEY, {}))
    purposes[_key(record)] = purpose
    request.session[_SESSION_KEY] = purposes


def _safe_back_url(request: HttpRequest, back_url: str | None) -> str:
    if back_url:
        return back_url
    referer = str(request.META.get("HTTP_REFERER", ""))
    same_page = referer.endswith(request.get_full_path())
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if referer and allowed and not same_page else reverse("home")


def record_opened(
    request: HttpRequest,
    record: Record,
    *,
    details: dict[str, Any] | None = None,
    back_url: str | None = None,
) -> HttpResponse | None:
    """Audit a record page being opened (once, with the purpose and ``details``). For a
    restricted record with no purpose given yet in this session, answer with the purpose form
    instead; the view returns any response given here as it is.

    The purpose form posts back to the record's own page, so a detail view hands its POST here
    too: a valid purpose is remembered and the page redirects to itself (the GET that follows
    shows the record and is the audited view); a bad one is the form again with a 400."""
    purpose = purpose_given(request, record)
    if asks_purpose(request.user, record) and not purpose:
        form = PurposeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            _remember(request, record, form.cleaned_data["purpose"].strip())
            return redirect(request.get_full_path())
        context = {"record": record, "form": form, "back_url": _safe_back_url(request, back_url)}
        return render(
            request, "ilp/governance/purpose.html", context, status=400 if form.is_bound else 200
        )
    if request.method == "POST":
        # Only the purpose form posts to a record's page; with the purpose known, show it.
        return redirect(request.get_full_path())
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            obj=record,
            purpose=purpose,
            details=details,
        )
    return None


def api_record_opened(
    request: Request, record: Record, *, details: dict[str, Any] | None = None
) -> None:
    """Audit an API read of one record (once, with the purpose and ``details``); a restricted
    one needs the X-ILP-Purpose header, else 403 saying so."""
    purpose = str(request.headers.get(PURPOSE_HEADER, "")).strip()[:500]
    if asks_purpose(request.user, record) and len(purpose) < PURPOSE_MIN_LENGTH:
        raise exceptions.PermissionDenied(
            f"This record is restricted: say why you open it in the {PURPOSE_HEADER} header "
            f"(at least {PURPOSE_MIN_LENGTH} characters)."
        )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=record,
        purpose=purpose,
        details=details,
    )


def search_audited(request: HttpRequest | Request, *, what: str, terms: dict[str, Any]) -> None:
    """Audit a search: what was searched and with which terms (empty terms are not a search)."""
    used = {k: v for k, v in terms.items() if v not in (None, "", [])}
    if used:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            details={"what": what, "terms": used},
        )


def change_audited(
    *, actor: Any, record: Record, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Audit a change with the fields that differ, before and after."""
    changed = {
        k: {"before": before.get(k), "after": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=record, details={"changes": changed}
    )
