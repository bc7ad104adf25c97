"""UI views of intelligence reports: list (page or HTMX fragment), detail, create, edit and
the review workflow. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from collection import selectors
from collection.entities.paging import page_of
from collection.models import Report
from collection.reports import search, services
from collection.reports import selectors as reads
from collection.reports.filters import ReportFilterSet, non_empty
from collection.reports.forms import ReportForm, ReturnForm, VersionForm, add_service_errors
from collection.reports.grading import original_label
from collection.reports.links import links_context
from collection.reports.reading import audit_search
from ilp.actors import actor_of
from ilp.governance.access import record_opened

PAGE_SIZE = 25


def is_htmx(request: HttpRequest) -> bool:
    """Whether HTMX made the request (then a fragment is enough)."""
    return bool(getattr(request, "htmx", False))


def querystring_without_page(request: HttpRequest) -> str:
    """The list's filters, to carry over to other pages."""
    params = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values if v]
    return urlencode(params)


class ReportListView(LoginRequiredMixin, View):
    """Reports the user may see, filtered (shared FilterSet) and searched, page by page. One
    view: the whole page, or just the table for HTMX."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        visible = selectors.report_list(actor=actor)
        filterset = ReportFilterSet(non_empty(request.GET), queryset=visible, request=request)
        reports = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
        if filterset.is_bound and not filterset.is_valid():
            reports = visible.none()
        elif filterset.is_bound:
            audit_search(actor=actor, model=Report, params=request.GET.dict())
        # No COUNT(*): at a million reports a full count would cost more than the page.
        page = page_of(reports, request, PAGE_SIZE)
        context = {
            "filter": filterset,
            "page": page,
            "reports": page.items,
            "querystring": querystring_without_page(request),
            "can_add": actor.has_perm("collection.add_report"),
            "linked_filters": ReportFilterSet.LINKED,
            "ranked": search.ranked(),
            "linked_filter_used": any(request.GET.get(name) for name in ReportFilterSet.LINKED),
        }
        template = (
            "collection/reports/partials/report_table.html"
            if is_htmx(request)
            else "collection/reports/report_list.html"
        )
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class ReportDetailView(LoginRequiredMixin, View):
    """One report: grade, handling, source reference, links, requirements, workflow buttons."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_of(request)
        report = get_object_or_404(selectors.report_list(actor=actor), pk=pk)
        opened = record_opened(request, report, back_url=reverse("collection:report_list"))
        if opened is not None:
            return opened
        context = {
            "report": report,
            "original_grade": original_label(report.original_scheme, report.original_grade),
            "actions": reads.report_actions(actor=actor, report=report),
            "requirements": reads.report_requirements(actor=actor, report=report),
            "source_visible": selectors.source_list(actor=actor)
            .filter(pk=report.source_id)
            .exists(),
            "return_form": ReturnForm(initial={"version": report.version}),
            **links_context(request, report),
        }
        return render(request, "collection/reports/report_detail.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The purpose form of a restricted report posts here (see record_opened)."""
        return self.get(request, pk)


class ReportCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Log a new report (saved as a draft of its author)."""

    permission_required = "collection.add_report"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(ReportForm(actor=actor_of(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)
        form = ReportForm(request.POST, actor=actor)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_create(
                    actor=actor,
                    title=data["title"],
                    body=data["body"],
                    received_at=data["received_at"],
                    source=data["source"],
                    grade=form.grade_input(),
                    classification=data["classification"],
                    requirements=data["requirements"],
                    records_views=data["records_views"],
                    views_justification=data["views_justification"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, ReportForm.ALIASES)
            else:
                messages.success(request, f"Report {report.reference} saved as a draft.")
                return redirect("collection:report_detail", pk=report.pk)
        return self.render_form(form, status=400)

    def render_form(self, form: ReportForm, status: int = 200, **extra: Any) -> HttpResponse:
        context = {"form": form, **extra}
        return render(self.request, "collection/reports/report_form.html", context, status=status)


class ReportUpdateView(ReportCreateView):
    """Edit a draft or returned report of one's own; a save from a stale copy is refused."""

    permission_required = "collection.add_report"

    def get_report(self, request: HttpRequest, pk: int) -> Report:
        actor = actor_of(request)
        report = get_object_or_404(selectors.report_list(actor=actor), pk=pk)
        if not reads.report_actions(actor=actor, report=report).edit:
            raise PermissionDenied("Only the author can edit a draft or returned report.")
        return report

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        report = self.get_report(request, pk)
        return self.render_form(ReportForm(actor=actor_of(request), report=report), report=report)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        actor = actor_of(request)
        report = self.get_report(request, pk)
        form = ReportForm(request.POST, actor=actor, report=report)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_update(
                    actor=actor,
                    report=report,
                    version=data["version"],
                    title=data["title"],
                    body=data["body"],
                    received_at=data["received_at"],
                    source=data["source"],
                    grade=form.grade_input(),
                    classification=data["classification"],
                    requirements=data["requirements"],
                    records_views=data["records_views"],
                    views_justification=data["views_justification"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, ReportForm.ALIASES)
            else:
                messages.success(request, f"Report {report.reference} saved.")
                return redirect("collection:report_detail", pk=report.pk)
        return self.render_form(form, status=400, report=report)


class ReportActionView(LoginRequiredMixin, View):
    """Base of the workflow buttons: POST, call one service, go back to the report."""

    done = ""

    def act(self, request: HttpRequest, report: Report, version: int | None) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(selectors.report_list(actor=actor_of(request)), pk=pk)
        form = VersionForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            target = self.act(request, report, version)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("collection:report_detail", pk=report.pk)
        messages.success(request, f"Report {report.reference} {self.done}.")
        return redirect(target)


class ReportSubmitView(ReportActionView):
    """The author sends the report for review."""

    done = "submitted for review"

    def act(self, request: HttpRequest, report: Report, version: int | None) -> str:
        services.report_submit(actor=actor_of(request), report=report, version=version)
        return _detail(report)


class ReportApproveView(ReportActionView):
    """A supervisor approves a submitted report."""

    done = "approved"

    def act(self, request: HttpRequest, report: Report, version: int | None) -> str:
        services.report_approve(actor=actor_of(request), report=report, version=version)
        return _detail(report)


class ReportReturnView(ReportActionView):
    """A supervisor returns a submitted report to its author, saying why."""

    done = "returned to its author"

    def act(self, request: HttpRequest, report: Report, version: int | None) -> str:
        reason = str(request.POST.get("reason", ""))
        services.report_return(
            actor=actor_of(request), report=report, reason=reason, version=version
        )
        # A returned report is its author's again: the reviewer goes back to the queue.
        return f"{reverse('collection:report_list')}?status=submitted"


def _detail(report: Report) -> str:
    return reverse("collection:report_detail", args=[report.pk])
