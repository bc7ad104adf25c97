"""The "Links" section of a report page: search entities as you type, link one in a role,
create one in place, remove a link. Each POST answers with the section again for HTMX, or
redirects to the report page without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from collection import selectors
from collection.models import Report, ReportLink
from collection.reports import selectors as reads
from collection.reports import services
from collection.reports.entity_kinds import KINDS
from collection.reports.forms import EntityCreateForm, LinkAddForm, add_service_errors
from ilp.actors import actor_of

LINKS_TEMPLATE = "collection/reports/partials/links.html"


def links_context(
    request: HttpRequest,
    report: Report,
    add_form: LinkAddForm | None = None,
    create_form: EntityCreateForm | None = None,
) -> dict[str, Any]:
    """What the Links section needs: the grouped links, and the forms while it is editable."""
    actor = actor_of(request)
    editable = reads.report_actions(actor=actor, report=report).edit
    return {
        "report": report,
        "link_groups": reads.report_links(actor=actor, report=report),
        "links_editable": editable,
        "can_create_entities": editable
        and any(actor.has_perm(f"ilp.add_{kind}") for kind in KINDS),
        "add_form": add_form or LinkAddForm(),
        "create_form": create_form or EntityCreateForm(),
    }


def _answer(
    request: HttpRequest,
    report: Report,
    add_form: LinkAddForm | None = None,
    create_form: EntityCreateForm | None = None,
) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(
            request, LINKS_TEMPLATE, links_context(request, report, add_form, create_form)
        )
    for form in (add_form, create_form):
        if form is not None and form.errors:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, str(message))
    return redirect("collection:report_detail", pk=report.pk)


class EntitySearchView(LoginRequiredMixin, View):
    """Entities of one kind matching what the user typed, among those they may see."""

    def get(self, request: HttpRequest) -> HttpResponse:
        kind = KINDS.get(request.GET.get("kind", ""))
        text = request.GET.get("q", "")
        results = kind.search(actor_of(request), text) if kind is not None else []
        context = {"results": results, "kind": kind, "q": text}
        return render(request, "collection/reports/partials/entity_results.html", context)


class ReportLinkAddView(LoginRequiredMixin, View):
    """Link an existing entity chosen from the search results."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        report = get_object_or_404(selectors.report_list(actor=actor), pk=pk)
        form = LinkAddForm(request.POST)
        if form.is_valid():
            kind = KINDS[form.cleaned_data["kind"]]
            entity = kind.visible(actor).filter(pk=form.cleaned_data["entity"]).first()
            if entity is None:
                form.add_error("entity", f"Choose a {kind.key} you can see.")
            else:
                try:
                    services.report_link_add(
                        actor=actor,
                        report=report,
                        kind=kind.key,
                        entity=entity,
                        role=form.cleaned_data["role"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc, {})
                else:
                    return _answer(request, report)
        return _answer(request, report, add_form=form)


class ReportLinkCreateView(LoginRequiredMixin, View):
    """Create a new entity in place and link it."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        report = get_object_or_404(selectors.report_list(actor=actor), pk=pk)
        form = EntityCreateForm(request.POST)
        if form.is_valid():
            try:
                services.report_link_add_new(
                    actor=actor,
                    report=report,
                    kind=form.cleaned_data["kind"],
                    fields=form.entity_fields(),
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, form.aliases())
            else:
                return _answer(request, report)
        return _answer(request, report, create_form=form)


class ReportLinkRemoveView(LoginRequiredMixin, View):
    """Remove one link."""

    def post(self, request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
        actor = actor_of(request)
        report = get_object_or_404(selectors.report_list(actor=actor), pk=pk)
        link = get_object_or_404(ReportLink.objects.filter(report=report), pk=link_pk)
        try:
            services.report_link_remove(actor=actor, report=report, link=link)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return _answer(request, report)
