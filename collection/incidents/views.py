"""UI views of incidents: list, detail, map, and entry or correction by hand. Thin: reads go
through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from collection.entities.auditing import audit_search
from collection.entities.forms import apply_errors
from collection.entities.paging import page_of, without_page
from collection.entities.ui import optional_url, style_form
from collection.incidents import selectors, services
from collection.incidents.filters import UI_HIDDEN, IncidentFilterSet, choices_with_any
from collection.incidents.forms import (
    BaseInvolvementFormSet,
    IncidentForm,
    InvolvementFormSet,
    involvement_initial,
)
from collection.models import Incident
from collection.selectors import offence_type_list
from ilp.actors import actor_of
from ilp.governance.access import record_opened


def _filterset(request: HttpRequest) -> IncidentFilterSet:
    """The list and map filters, bound to the query string, styled for the page."""
    actor = actor_of(request)
    filterset = IncidentFilterSet(
        request.GET or None, queryset=selectors.incident_rows(actor=actor), request=request
    )
    form = filterset.form
    for name in UI_HIDDEN:
        form.fields.pop(name, None)
    # The API takes any offence id and category text; the page offers those in use.
    categories = [(c, c) for c in selectors.offence_categories(actor=actor)]
    offences = [(o.pk, o.name) for o in offence_type_list(actor=actor)]
    form.fields["offence_category"].widget = forms.Select(choices=choices_with_any(categories))
    form.fields["offence"].widget = forms.Select(choices=choices_with_any(offences))
    style_form(form)
    return filterset


class IncidentListView(LoginRequiredMixin, View):
    """Incidents, filtered and paged, newest first; HTMX gets only the results fragment."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = _filterset(request)
        actor = actor_of(request)
        page = page_of(filterset.qs, request)
        audit_search(actor=actor, what="incidents", params=request.GET)
        context = {
            "filterset": filterset,
            "page": page,
            "query": without_page(request.GET),
            "list_url": reverse("collection:incident_list"),
            "can_add": actor.has_perm("collection.add_incident"),
        }
        template = "collection/incidents/partials/results.html"
        if not request.htmx:  # type: ignore[attr-defined]
            template = "collection/incidents/list.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class IncidentDetailView(LoginRequiredMixin, View):
    """One incident: offence and harm weight, window, place, people, provenance."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        incident = get_object_or_404(selectors.incident_detail(actor=actor), pk=pk)
        opened = record_opened(request, incident, back_url=reverse("collection:incident_list"))
        if opened is not None:
            return opened
        source = selectors.incident_import(actor=actor, incident=incident)
        import_url = optional_url("collection:import_detail")
        context = {
            "incident": incident,
            "involvements": selectors.incident_involvements(actor=actor, incident=incident),
            "source_import": source,
            "import_url": import_url(source.pk) if source and import_url else None,
            "can_change": actor.has_perm("collection.change_incident"),
        }
        return render(request, "collection/incidents/detail.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The purpose form of a restricted incident posts here (see record_opened)."""
        return self.get(request, pk)


class IncidentMapView(LoginRequiredMixin, View):
    """The filtered incidents on a map: clustered points, or H3 hexagons when there are many.

    Works with no tile server (a plain background with a graticule) so closed networks can use
    it; the data comes from the API's GeoJSON endpoint with the same filters.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = _filterset(request)
        query = without_page(request.GET)
        geojson = reverse("api:collection:incident-geojson")
        config = {
            "geojson_url": f"{geojson}?{query}" if query else geojson,
            "detail_url": reverse("collection:incident_detail", args=[0]).replace("/0/", "/{id}/"),
            "list_url": reverse("collection:incident_list"),
            "tile_url": settings.ILP_TILE_URL,
            "tile_attribution": settings.ILP_TILE_ATTRIBUTION,
        }
        context = {
            "filterset": filterset,
            "map_config": config,
            "query": query,
            "list_url": config["list_url"],
        }
        return render(request, "collection/incidents/map.html", context)


class IncidentFormView(LoginRequiredMixin, View):
    """Enter or correct an incident with the people involved; the services hold the rules."""

    permission = "collection.add_incident"

    def check(self, request: HttpRequest, pk: int | None) -> Incident | None:
        actor = actor_of(request)
        incident = None
        if pk is not None:
            incident = get_object_or_404(selectors.incident_detail(actor=actor), pk=pk)
        if not actor.has_perm(self.permission):
            raise PermissionDenied("Your role does not allow you to enter or correct incidents.")
        return incident

    def render_form(
        self,
        request: HttpRequest,
        form: IncidentForm,
        people: Any,
        incident: Incident | None,
        status: int = 200,
    ) -> HttpResponse:
        style_form(form)
        for row in people.forms:
            style_form(row)
        context = {"form": form, "people": people, "incident": incident}
        return render(request, "collection/incidents/form.html", context, status=status)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        incident = self.check(request, pk)
        actor = actor_of(request)
        if incident is None:
            form = IncidentForm(actor=actor)
            people = InvolvementFormSet(prefix="people", form_kwargs={"actor": actor})
        else:
            form = IncidentForm(actor=actor, initial=IncidentForm.initial_from(incident))
            people = InvolvementFormSet(
                prefix="people",
                form_kwargs={"actor": actor},
                initial=involvement_initial(incident),
            )
        return self.render_form(request, form, people, incident)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        incident = self.check(request, pk)
        actor = actor_of(request)
        form = IncidentForm(request.POST, actor=actor)
        people = cast(
            BaseInvolvementFormSet,
            InvolvementFormSet(request.POST, prefix="people", form_kwargs={"actor": actor}),
        )
        if not (form.is_valid() and people.is_valid()):
            return self.render_form(request, form, people, incident, status=400)
        fields = form.service_fields()
        try:
            if incident is None:
                saved = services.incident_create(
                    actor=actor, people=people.involvements(), **fields
                )
            else:
                saved = services.incident_update(
                    actor=actor,
                    incident=incident,
                    version=form.cleaned_data.get("version") or 0,
                    people=people.involvements(),
                    **fields,
                )
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 409 if getattr(exc, "code", None) == "stale" else 400
            return self.render_form(request, form, people, incident, status=status)
        verb = "recorded" if incident is None else "saved"
        messages.success(request, f"Incident {saved.reference} {verb}.")
        return redirect("collection:incident_detail", pk=saved.pk)


class IncidentEditView(IncidentFormView):
    """Correct an incident; a save from a stale copy is refused and nothing is overwritten."""

    permission = "collection.change_incident"
