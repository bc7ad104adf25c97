"""Governance pages: the review queue, sharing and restricting any record, notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from ilp.actors import actor_of
from ilp.governance import dissemination, restriction, review
from ilp.governance.forms import RestrictForm, ReviewForm, ShareForm
from ilp.models import Record


def _record(request: HttpRequest, content_type_id: int, pk: int) -> Record:
    """A record the user may see, of any kind; otherwise 404."""
    from ilp.selectors import record_scope

    model = (
        ContentType.objects.get_for_id(content_type_id).model_class()
        if ContentType.objects.filter(pk=content_type_id).exists()
        else None
    )
    if model is None or not issubclass(model, Record):
        raise Http404
    return get_object_or_404(
        record_scope(actor=actor_of(request), queryset=model.objects.all()), pk=pk
    )


def _shareable(request: HttpRequest, content_type_id: int, pk: int) -> Record:
    """A record the user may see (else 404) and share (else 403): sharing is a supervisor's act
    (ilp.add_dissemination), and the page lists every earlier recipient and purpose."""
    record = _record(request, content_type_id, pk)
    if not actor_of(request).has_perm("ilp.add_dissemination"):
        raise PermissionDenied("Your role may not share records.")
    return record


def _own_agencys(request: HttpRequest, content_type_id: int, pk: int) -> Record:
    """A record the user may see (else 404) of their own agency (else 403): a partner who was
    shared a record may not restrict it, nor read the owning agency's staff on this page."""
    record = _record(request, content_type_id, pk)
    if record.agency_id != actor_of(request).agency_id:
        raise PermissionDenied("Only the agency that owns a record may restrict it.")
    return record


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ReviewQueueView(LoginRequiredMixin, View):
    """Records due for review, with a decision form on each (supervisors only)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        if not actor.has_perm("ilp.add_reviewdecision"):
            raise Http404
        return render(
            request,
            "ilp/governance/review_queue.html",
            {"due": review.review_queue(actor=actor), "form": ReviewForm()},
        )


class ReviewDecideView(LoginRequiredMixin, View):
    """Validate or purge one record."""

    def post(self, request: HttpRequest, content_type_id: int, pk: int) -> HttpResponse:
        actor = actor_of(request)
        if not actor.has_perm("ilp.add_reviewdecision"):
            raise Http404
        form = ReviewForm(request.POST)
        try:
            model = review.model_for(content_type_id)
            if form.is_valid():
                data = form.cleaned_data
                if data["decision"] == "purge":
                    review.record_purge(
                        actor=actor, model=model, pk=pk, rationale=data["rationale"]
                    )
                    messages.success(request, "Record purged; the decision is on record.")
                else:
                    review.record_validate(
                        actor=actor,
                        model=model,
                        pk=pk,
                        rationale=data["rationale"],
                        next_review=data["next_review"],
                    )
                    messages.success(request, "Record validated and retained.")
                return redirect("governance:review_queue")
        except ValidationError as exc:
            _add_errors(form, exc)
        problems = [" ".join(str(e) for e in errors) for errors in form.errors.values()]
        messages.error(request, "Not decided: " + "; ".join(problems))
        return redirect("governance:review_queue")


class ShareView(LoginRequiredMixin, View):
    """Disseminate a record (28 CFR Part 23): recipient, purpose, conditions shown."""

    template = "ilp/governance/share.html"

    def get(self, request: HttpRequest, content_type_id: int, pk: int) -> HttpResponse:
        record = _shareable(request, content_type_id, pk)
        form = ShareForm(actor=actor_of(request))
        return render(request, self.template, self._context(record, form))

    def _context(self, record: Record, form: ShareForm) -> dict[str, Any]:
        return {"record": record, "form": form, "shared": dissemination.disseminations_of(record)}

    def post(self, request: HttpRequest, content_type_id: int, pk: int) -> HttpResponse:
        actor = actor_of(request)
        record = _shareable(request, content_type_id, pk)
        form = ShareForm(request.POST, actor=actor)
        if form.is_valid():
            try:
                dissemination.record_disseminate(actor=actor, record=record, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Shared; the dissemination is recorded.")
                return redirect(request.path)
        return render(request, self.template, self._context(record, form), status=400)


class RestrictView(LoginRequiredMixin, View):
    """Restrict a record to named people and units."""

    template = "ilp/governance/restrict.html"

    def get(self, request: HttpRequest, content_type_id: int, pk: int) -> HttpResponse:
        record = _own_agencys(request, content_type_id, pk)
        form = RestrictForm(agency_id=record.agency_id)
        return render(
            request,
            self.template,
            {"record": record, "form": form, "open_to": restriction.restriction_of(record)},
        )

    def post(self, request: HttpRequest, content_type_id: int, pk: int) -> HttpResponse:
        actor = actor_of(request)
        record = _own_agencys(request, content_type_id, pk)
        form = RestrictForm(request.POST, agency_id=record.agency_id)
        if form.is_valid():
            try:
                restriction.record_restrict(
                    actor=actor,
                    record=record,
                    users=form.cleaned_data["users"],
                    units=form.cleaned_data["units"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Restricted.")
                return redirect(request.path)
        return render(
            request,
            self.template,
            {"record": record, "form": form, "open_to": restriction.restriction_of(record)},
            status=400,
        )


class NotificationListView(LoginRequiredMixin, View):
    """The user's notifications; opening the page marks them read."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        notifications = list(dissemination.notification_list(actor=actor)[:200])
        response = render(
            request, "ilp/governance/notifications.html", {"notifications": notifications}
        )
        for notification in notifications:
            dissemination.notification_mark_read(actor=actor, notification=notification)
        return response
