"""The auditor's view of the trail: filter and export as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views import View

from ilp import selectors
from ilp.audit import audit_record
from ilp.filters import AuditEventFilter
from ilp.models import AuditEvent

CSV_COLUMNS = [
    "at",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "agency_id",
    "purpose",
    "ip_address",
    "user_agent",
    "path",
    "details",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


class AuditEventListView(LoginRequiredMixin, View):
    """Filterable audit trail; the table alone for HTMX requests. Not an auditor → 404."""

    def filtered(self, request: HttpRequest) -> AuditEventFilter:
        events = selectors.audit_event_list(actor=request.user)
        if not request.user.has_perm("ilp.view_auditevent"):
            raise Http404
        return AuditEventFilter(request.GET, queryset=events)

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = self.filtered(request)
        page = Paginator(filterset.qs, 100).get_page(request.GET.get("page"))
        template = (
            "ilp/partials/audit_table.html"
            if getattr(request, "htmx", False)
            else "ilp/audit_list.html"
        )
        status = 400 if filterset.errors else 200
        return render(request, template, {"filter": filterset, "page": page}, status=status)


class AuditEventExportView(AuditEventListView):
    """The filtered trail as CSV (the export is itself audited)."""

    def get(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:  # type: ignore[override]
        filterset = self.filtered(request)
        if filterset.errors:
            return render(
                request, "ilp/audit_list.html", {"filter": filterset, "page": None}, status=400
            )
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            details={"what": "audit trail", "filters": request.GET.dict()},
        )
        writer = csv.writer(_Echo())

        def rows() -> Any:
            yield writer.writerow(CSV_COLUMNS)
            for event in filterset.qs.iterator(chunk_size=2000):
                yield writer.writerow([getattr(event, c) for c in CSV_COLUMNS])

        response = StreamingHttpResponse(rows(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        return response
