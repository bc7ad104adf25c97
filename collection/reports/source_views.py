"""UI views of sources: list, detail (with the track record), register and edit.

A source's identity appears on its own page only, and for a covert source only to its handlers;
lists and report pages show the sanitised reference alone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from collection import selectors
from collection.models import Source
from collection.reports import selectors as reads
from collection.reports import services
from collection.reports.filters import SourceFilterSet, non_empty
from collection.reports.forms import add_service_errors
from collection.reports.reading import audit_search
from collection.reports.source_forms import SourceForm
from collection.reports.views import PAGE_SIZE, is_htmx, querystring_without_page
from ilp.actors import actor_of
from ilp.governance.access import record_opened


class SourceListView(LoginRequiredMixin, View):
    """Sources the user may see, by sanitised reference (never identity)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        visible = selectors.source_list(actor=actor)
        filterset = SourceFilterSet(non_empty(request.GET), queryset=visible, request=request)
        sources = visible
        if filterset.is_bound:
            sources = filterset.qs if filterset.is_valid() else visible.none()
            audit_search(actor=actor, model=Source, params=request.GET.dict())
        page = Paginator(sources, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "filter": filterset,
            "page": page,
            "sources": page.object_list,
            "querystring": querystring_without_page(request),
            "can_add": actor.has_perm("collection.add_source"),
        }
        template = (
            "collection/reports/partials/source_table.html"
            if is_htmx(request)
            else "collection/reports/source_list.html"
        )
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class SourceDetailView(LoginRequiredMixin, View):
    """A source, its track record and its latest reports; identity and handlers only to those
    who may see them."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        source = get_object_or_404(selectors.source_list(actor=actor), pk=pk)
        identity_visible = selectors.source_identity_visible(actor=actor, source=source)
        opened = record_opened(
            request,
            source,
            details={"identity_shown": identity_visible},
            back_url=reverse("collection:source_list"),
        )
        if opened is not None:
            return opened
        context = {
            "source": source,
            "identity_visible": identity_visible,
            "handlers": source.handlers.order_by("last_name") if identity_visible else [],
            "track": reads.source_track_record(actor=actor, source=source),
            "reports": selectors.report_list(actor=actor).filter(source=source)[:10],
            "can_change": actor.has_perm("collection.change_source"),
        }
        return render(request, "collection/reports/source_detail.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The purpose form of a restricted source posts here (see record_opened)."""
        return self.get(request, pk)


class SourceCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Register a source."""

    permission_required = "collection.add_source"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(SourceForm(actor=actor_of(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        form = SourceForm(request.POST, actor=actor)
        if form.is_valid():
            data = form.cleaned_data
            try:
                source = services.source_create(
                    actor=actor,
                    kind=data["kind"],
                    reference=data["reference"],
                    identity=data["identity"],
                    handlers=data["handlers"],
                    is_active=data["is_active"],
                    notes=data["notes"],
                    classification=data["classification"],
                    handling_code=data["handling_code"],
                    handling_conditions=data["handling_conditions"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(request, f"Source {source.reference} registered.")
                return redirect("collection:source_detail", pk=source.pk)
        return self.render_form(form, status=400)

    def render_form(self, form: SourceForm, status: int = 200, **extra: Any) -> HttpResponse:
        context = {"form": form, **extra}
        return render(self.request, "collection/reports/source_form.html", context, status=status)


class SourceUpdateView(SourceCreateView):
    """Edit a source; identity, handlers and kind of a covert source only by its handlers."""

    permission_required = "collection.change_source"

    def get_source(self, request: HttpRequest, pk: int) -> tuple[Source, bool]:
        actor = actor_of(request)
        source = get_object_or_404(selectors.source_list(actor=actor), pk=pk)
        return source, selectors.source_identity_visible(actor=actor, source=source)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        source, sensitive = self.get_source(request, pk)
        form = SourceForm(actor=actor_of(request), source=source, sensitive=sensitive)
        return self.render_form(form, source=source)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        actor = actor_of(request)
        source, sensitive = self.get_source(request, pk)
        form = SourceForm(request.POST, actor=actor, source=source, sensitive=sensitive)
        if form.is_valid():
            data = form.cleaned_data
            extra = {name: data[name] for name in SourceForm.SENSITIVE if name in data}
            try:
                services.source_update(
                    actor=actor,
                    source=source,
                    version=data["version"],
                    kind=data["kind"],
                    reference=data["reference"],
                    is_active=data["is_active"],
                    notes=data["notes"],
                    classification=data["classification"],
                    handling_code=data["handling_code"],
                    handling_conditions=data["handling_conditions"],
                    **extra,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(request, f"Source {data['reference']} saved.")
                return redirect("collection:source_detail", pk=source.pk)
        return self.render_form(form, status=400, source=source)
