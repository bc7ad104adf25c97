"""UI views of entities: one set of thin generic views, given the kind in ``urls.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from collection.entities import selectors
from collection.entities.auditing import audit_search
from collection.entities.forms import RecordForm, apply_errors
from collection.entities.kinds import KINDS, EntityKind
from collection.entities.paging import page_of, without_page
from collection.entities.ui import optional_url, style_form
from ilp.actors import actor_of
from ilp.governance.access import record_opened
from ilp.models import Record


class EntityView(LoginRequiredMixin, View):
    """Base of the entity pages: ``kind`` is set in ``urls.py``."""

    # Set per route by as_view(kind=…) in urls.py.
    kind: EntityKind = None  # type: ignore[assignment]

    def get_record(self, request: HttpRequest, pk: int) -> Record:
        """The record if the actor may see it; 404 otherwise (never 403: nothing leaks)."""
        return get_object_or_404(self.kind.selector(actor=actor_of(request)), pk=pk)

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "list_url": reverse(self.kind.url_name("list")),
            "create_url": reverse(self.kind.url_name("create")),
            **extra,
        }


class EntityIndexView(LoginRequiredMixin, View):
    """The four kinds of entity with how many of each the user may see."""

    def get(self, request: HttpRequest) -> HttpResponse:
        counts = selectors.entity_counts(actor=actor_of(request))
        rows = [(KINDS[key], count) for key, count in counts.items()]
        return render(request, "collection/entities/index.html", {"rows": rows})


class EntityListView(EntityView):
    """A filtered, paged list; an HTMX request gets only the results fragment."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        filterset = self.kind.filterset(
            request.GET or None, queryset=self.kind.selector(actor=actor), request=request
        )
        style_form(filterset.form)
        page = page_of(filterset.qs, request)
        audit_search(actor=actor, what=self.kind.plural, params=request.GET)
        context = self.context(
            filterset=filterset,
            page=page,
            query=without_page(request.GET),
            can_add=actor.has_perm(self.kind.add_permission),
            table_template=f"collection/entities/partials/{self.kind.key}_table.html",
        )
        template = "collection/entities/partials/list_results.html"
        if not request.htmx:  # type: ignore[attr-defined]
            template = "collection/entities/list.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class EntityDetailView(EntityView):
    """An entity, and every report and incident the user may see that mentions it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        record = self.get_record(request, pk)
        opened = record_opened(request, record, back_url=reverse(self.kind.url_name("list")))
        if opened is not None:
            return opened
        activity = selectors.entity_activity(actor=actor, entity=record)  # type: ignore[arg-type]
        context = self.context(
            record=record,
            activity=activity,
            timeline=_with_urls(activity.timeline),
            reports=_with_urls(activity.reports),
            incidents=_with_urls(activity.incidents),
            can_change=actor.has_perm(self.kind.change_permission),
            edit_url=reverse(self.kind.url_name("edit"), args=[record.pk]),
            facts_template=f"collection/entities/partials/{self.kind.key}_facts.html",
        )
        return render(request, "collection/entities/detail.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The purpose form of a restricted entity posts here (see record_opened)."""
        return self.get(request, pk)


def _with_urls(mentions: list[selectors.Mention]) -> list[tuple[selectors.Mention, str | None]]:
    urls = {
        "report": optional_url("collection:report_detail"),
        "incident": optional_url("collection:incident_detail"),
    }
    rows = []
    for mention in mentions:
        url_of = urls[mention.kind]
        rows.append((mention, url_of(mention.record.pk) if url_of else None))
    return rows


class EntityFormView(EntityView):
    """Create or edit through the services; errors of the services show on the form."""

    template_name = "collection/entities/form.html"

    def render_form(
        self, request: HttpRequest, form: RecordForm, record: Record | None, status: int = 200
    ) -> HttpResponse:
        style_form(form)
        record_url = reverse(self.kind.url_name("detail"), args=[record.pk]) if record else None
        context = self.context(form=form, record=record, record_url=record_url)
        return render(request, self.template_name, context, status=status)

    def save(self, request: HttpRequest, form: RecordForm, record: Record | None) -> HttpResponse:
        if not form.is_valid():
            return self.render_form(request, form, record, status=400)
        actor = actor_of(request)
        try:
            if record is None:
                saved = self.kind.create(actor=actor, **form.service_fields())
            else:
                version = form.cleaned_data.get("version") or 0
                saved = self.kind.update(
                    actor=actor, record=record, version=version, **form.service_fields()
                )
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.render_form(request, form, record, status=409 if _stale(exc) else 400)
        verb = "added" if record is None else "saved"
        messages.success(request, f"{self.kind.noun.capitalize()} “{saved}” {verb}.")
        return redirect(self.kind.url_name("detail"), pk=saved.pk)


def _stale(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "stale"


class EntityCreateView(EntityFormView):
    """Add an entity of the kind."""

    def check(self, request: HttpRequest) -> None:
        if not actor_of(request).has_perm(self.kind.add_permission):
            raise PermissionDenied(f"Your role does not allow you to add {self.kind.plural}.")

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check(request)
        return self.render_form(request, self.kind.form(), None)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check(request)
        return self.save(request, self.kind.form(request.POST), None)


class EntityEditView(EntityFormView):
    """Edit an entity; a save from a stale copy is refused and nothing is overwritten."""

    def check(self, request: HttpRequest, pk: int) -> Record:
        record = self.get_record(request, pk)
        if not actor_of(request).has_perm(self.kind.change_permission):
            raise PermissionDenied(f"Your role does not allow you to change {self.kind.plural}.")
        return record

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.check(request, pk)
        form = self.kind.form(initial=self.kind.form.initial_from(record))
        return self.render_form(request, form, record)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.check(request, pk)
        return self.save(request, self.kind.form(request.POST), record)


class EntitySearchView(LoginRequiredMixin, View):
    """Autocomplete: an HTML fragment of at most 10 matching entities the user may see, each a
    button carrying ``data-id`` and ``data-label`` (see static/collection/entity-picker.js)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        kind = request.GET.get("kind", "")
        q = request.GET.get("q", "")
        if kind not in KINDS:
            error = "Choose what to search: person, location, vehicle or organisation."
            return render(
                request,
                "collection/entities/partials/search_results.html",
                {"error": error},
                status=400,
            )
        actor = actor_of(request)
        results = selectors.entity_search(actor=actor, kind=kind, q=q)
        audit_search(actor=actor, what=KINDS[kind].plural, params={"q": q})
        context: dict[str, Any] = {"kind": KINDS[kind], "results": results, "q": q}
        return render(request, "collection/entities/partials/search_results.html", context)
