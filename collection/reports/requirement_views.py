"""UI views of intelligence requirements: list, detail (with how well they are answered),
open, edit and close."""

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
from collection.models import IntelligenceRequirement
from collection.reports import selectors as reads
from collection.reports import services
from collection.reports.filters import RequirementFilterSet, non_empty
from collection.reports.forms import VersionForm, add_service_errors
from collection.reports.reading import audit_search
from collection.reports.source_forms import RequirementForm
from collection.reports.views import PAGE_SIZE, is_htmx, querystring_without_page
from ilp.actors import actor_of
from ilp.governance.access import record_opened

FIELDS = (
    "title",
    "question",
    "priority",
    "due_date",
    "classification",
    "handling_code",
    "handling_conditions",
)


class RequirementListView(LoginRequiredMixin, View):
    """Requirements the user may see, open ones first, soonest due first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        visible = selectors.requirement_list(actor=actor)
        filterset = RequirementFilterSet(non_empty(request.GET), queryset=visible, request=request)
        requirements = visible
        if filterset.is_bound:
            requirements = filterset.qs if filterset.is_valid() else visible.none()
            audit_search(actor=actor, model=IntelligenceRequirement, params=request.GET.dict())
        page = Paginator(requirements, 25).get_page(request.GET.get("page"))
        context = {
            "filter": filterset,
            "page": page,
            "requirements": page.object_list,
            "querystring": querystring_without_page(request),
            "can_add": actor.has_perm("collection.add_intelligencerequirement"),
        }
        template = (
            "collection/reports/partials/requirement_table.html"
            if is_htmx(request)
            else "collection/reports/requirement_list.html"
        )
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class RequirementDetailView(LoginRequiredMixin, View):
    """A requirement, the reports answering it and how much rests on one source."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        requirement = get_object_or_404(selectors.requirement_list(actor=actor), pk=pk)
        opened = record_opened(
            request, requirement, back_url=reverse("collection:requirement_list")
        )
        if opened is not None:
            return opened
        answers = reads.requirement_answers(actor=actor, requirement=requirement)
        context = {
            "requirement": requirement,
            "summary": reads.requirement_summary(actor=actor, requirement=requirement),
            "answers": answers[: PAGE_SIZE * 2],
            "can_change": actor.has_perm("collection.change_intelligencerequirement")
            and requirement.status == IntelligenceRequirement.Status.OPEN,
        }
        return render(request, "collection/reports/requirement_detail.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The purpose form of a restricted requirement posts here (see record_opened)."""
        return self.get(request, pk)


class RequirementCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Open a requirement."""

    permission_required = "collection.add_intelligencerequirement"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(RequirementForm(actor=actor_of(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        form = RequirementForm(request.POST, actor=actor)
        if form.is_valid():
            try:
                requirement = services.requirement_create(
                    actor=actor, **{name: form.cleaned_data[name] for name in FIELDS}
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(request, f"Requirement “{requirement.title}” opened.")
                return redirect("collection:requirement_detail", pk=requirement.pk)
        return self.render_form(form, status=400)

    def render_form(self, form: RequirementForm, status: int = 200, **extra: Any) -> HttpResponse:
        context = {"form": form, **extra}
        return render(
            self.request, "collection/reports/requirement_form.html", context, status=status
        )


class RequirementUpdateView(RequirementCreateView):
    """Edit an open requirement (from the copy at its version)."""

    permission_required = "collection.change_intelligencerequirement"

    def get_requirement(self, request: HttpRequest, pk: int) -> IntelligenceRequirement:
        return get_object_or_404(selectors.requirement_list(actor=actor_of(request)), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        requirement = self.get_requirement(request, pk)
        form = RequirementForm(actor=actor_of(request), requirement=requirement)
        return self.render_form(form, requirement=requirement)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        actor = actor_of(request)
        requirement = self.get_requirement(request, pk)
        form = RequirementForm(request.POST, actor=actor, requirement=requirement)
        if form.is_valid():
            try:
                services.requirement_update(
                    actor=actor,
                    requirement=requirement,
                    version=form.cleaned_data["version"],
                    **{name: form.cleaned_data[name] for name in FIELDS},
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(request, "Requirement saved.")
                return redirect("collection:requirement_detail", pk=requirement.pk)
        return self.render_form(form, status=400, requirement=requirement)


class RequirementCloseView(LoginRequiredMixin, View):
    """Close a requirement."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        requirement = get_object_or_404(selectors.requirement_list(actor=actor), pk=pk)
        form = VersionForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            services.requirement_close(actor=actor, requirement=requirement, version=version)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Requirement “{requirement.title}” closed.")
        return redirect("collection:requirement_detail", pk=requirement.pk)
