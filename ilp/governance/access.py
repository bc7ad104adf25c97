"""Opening a record: every view of an intelligence record is audited, and a restricted record
asks for the purpose first (remembered for the rest of the session). Detail pages and API
objects of every stage go through here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from rest_framework import exceptions
from rest_framework.request import Request

from ilp.audit import audit_record
from ilp.models import AuditEvent, Record

PURPOSE_HEADER = "X-ILP-Purpose"
_SESSION_KEY = "ilp_purposes"


class PurposeForm(forms.Form):
    """Why the user is opening a restricted record."""

    purpose = forms.CharField(
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="This record is restricted. Your reason is kept in the audit trail.",
    )


def _key(record: Record) -> str:
    return f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"


def record_opened(request: HttpRequest, record: Record) -> HttpResponse | None:
    """Audit a record page being opened. For a restricted record with no purpose given yet in
    this session, answer with the purpose form instead (return it from the view)."""
    purposes: dict[str, str] = request.session.get(_SESSION_KEY, {})
    purpose = purposes.get(_key(record), "")
    if record.restricted and not purpose:
        form = PurposeForm(
            request.POST if request.method == "POST" and "purpose" in request.POST else None
        )
        if form.is_bound and form.is_valid():
            purposes[_key(record)] = form.cleaned_data["purpose"]
            request.session[_SESSION_KEY] = purposes
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                obj=record,
                purpose=form.cleaned_data["purpose"],
            )
            return redirect(request.get_full_path())
        return render(
            request,
            "ilp/governance/purpose.html",
            {"record": record, "form": form},
            status=400 if form.is_bound else 200,
        )
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, obj=record, purpose=purpose)
    return None


def api_record_opened(request: Request, record: Record) -> None:
    """Audit an API read of one record; a restricted one needs the X-ILP-Purpose header."""
    purpose = str(request.headers.get(PURPOSE_HEADER, "")).strip()
    if record.restricted and len(purpose) < 10:
        raise exceptions.PermissionDenied(
            f"This record is restricted: say why you open it in the {PURPOSE_HEADER} header "
            "(at least 10 characters)."
        )
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, obj=record, purpose=purpose)


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
