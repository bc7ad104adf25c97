"""API of collection's reports, sources and requirements: viewsets that start from the
selectors and write through the services (routes registered in ``register_routes``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from collection import selectors
from collection.models import Report, ReportLink
from collection.reports import search, services
from collection.reports.api_common import CONFLICT, AuditedReadsMixin, conflict_on_stale
from collection.reports.entity_kinds import KINDS
from collection.reports.filters import ReportFilterSet
from collection.reports.grading import GradeInput, added_conditions
from collection.reports.requirement_api import RequirementViewSet
from collection.reports.serializers import (
    GradeFields,
    ReportActionSerializer,
    ReportBriefSerializer,
    ReportCreateSerializer,
    ReportDetailSerializer,
    ReportLinkCreateSerializer,
    ReportLinkSerializer,
    ReportReturnSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
    link_data,
)
from collection.reports.source_api import SourceViewSet
from ilp.actors import actor_of
from ilp.api.pagination import CursorPagination
from ilp.api.viewsets import SelectorGenericViewSet


class ReportPagination(CursorPagination):
    """Newest first; best match first when searching on PostgreSQL (by the integer rank)."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        if search.ranked() and request.query_params.get("q", "").strip():
            return ("-search_order", "-pk")
        return tuple(super().get_ordering(request, queryset, view))


def grade_input(data: dict[str, Any], report: Report | None = None) -> GradeInput | None:
    """The grade from a payload; on an update, parts not sent keep the report's values."""
    if report is not None and not any(name in data for name in GradeFields.GRADE_FIELDS):
        return None
    scheme = data.get("original_scheme") or (report.original_scheme if report else "3x5x2")
    same = report is not None and scheme == report.original_scheme

    def part(name: str, current: str) -> str:
        return str(data[name]) if name in data else (current if same else "")

    return GradeInput(
        scheme=scheme,
        source_evaluation=part("source_evaluation", report.source_evaluation if report else ""),
        intelligence_assessment=part(
            "intelligence_assessment", report.intelligence_assessment if report else ""
        ),
        original_grade=part("original_grade", report.original_grade if report else ""),
        handling_code=part("handling_code", report.handling_code if report else ""),
        handling_conditions=part(
            "handling_conditions",
            added_conditions(report.original_scheme, report.handling_conditions) if report else "",
        ),
    )


class ReportViewSet(
    AuditedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet
):
    """Intelligence reports the caller may see: list (filters shared with the UI, ``q`` ranked
    full-text search), read, log, edit from a version, and the review workflow."""

    selector = staticmethod(selectors.report_list)
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    pagination_class = ReportPagination

    def get_queryset(self) -> QuerySet[Report]:
        requirements = selectors.requirement_list(actor=self.request.user)
        return (
            super()
            .get_queryset()
            .select_related("approved_by")
            .prefetch_related(Prefetch("requirements", queryset=requirements))
        )

    def get_serializer_class(self) -> Any:
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def _detail(self, report: Report, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        context = self.get_serializer_context()
        return Response(ReportDetailSerializer(fresh, context=context).data, status=code)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ReportCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        grade = grade_input(data)
        assert grade is not None
        report = services.report_create(
            actor=actor_of(request),
            title=data["title"],
            body=data["body"],
            received_at=data["received_at"],
            source=data["source"],
            grade=grade,
            classification=data["classification"],
            requirements=data.get("requirements", []),
            records_views=data.get("records_views", False),
            views_justification=data.get("views_justification", ""),
        )
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReportUpdateSerializer, responses={200: ReportDetailSerializer, 409: CONFLICT}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        payload = ReportUpdateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with conflict_on_stale():
            services.report_update(
                actor=actor_of(request),
                report=report,
                version=data["version"],
                title=data.get("title"),
                body=data.get("body"),
                received_at=data.get("received_at"),
                source=data.get("source"),
                grade=grade_input(data, report),
                classification=data.get("classification"),
                requirements=data.get("requirements"),
                records_views=data.get("records_views"),
                views_justification=data.get("views_justification"),
            )
        return self._detail(report)

    def _step(self, request: Request, service: Any, **extra: Any) -> Response:
        report = self.get_object()
        payload = ReportActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with conflict_on_stale():
            service(
                actor=actor_of(request),
                report=report,
                version=payload.validated_data.get("version"),
                **extra,
            )
        return self._detail(report)

    @extend_schema(
        request=ReportActionSerializer, responses={200: ReportDetailSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The author sends a draft or returned report for review."""
        return self._step(request, services.report_submit)

    @extend_schema(
        request=ReportActionSerializer, responses={200: ReportDetailSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor, not the author, approves a submitted report."""
        return self._step(request, services.report_approve)

    @extend_schema(
        request=ReportReturnSerializer, responses={200: ReportBriefSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_author(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor, not the author, returns a submitted report with a reason. The report
        is its author's again afterwards, so the answer is only its brief form."""
        report = self.get_object()
        payload = ReportReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with conflict_on_stale():
            returned = services.report_return(
                actor=actor_of(request),
                report=report,
                reason=payload.validated_data["reason"],
                version=payload.validated_data.get("version"),
            )
        return Response(ReportBriefSerializer(returned).data)

    @extend_schema(request=ReportLinkCreateSerializer, responses={201: ReportLinkSerializer})
    @action(detail=True, methods=["post"])
    def links(self, request: Request, pk: str | None = None) -> Response:
        """Link a person, location, vehicle or organisation the caller may see, in a role."""
        report = self.get_object()
        payload = ReportLinkCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor = actor_of(request)
        entity = get_object_or_404(KINDS[data["kind"]].visible(actor), pk=data["entity"])
        link = services.report_link_add(
            actor=actor, report=report, kind=data["kind"], entity=entity, role=data["role"]
        )
        return Response(link_data(link), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("link_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"links/(?P<link_id>[0-9]+)",
        url_name="link-remove",
    )
    def link_remove(
        self, request: Request, pk: str | None = None, link_id: str | None = None
    ) -> Response:
        """Remove one link from a draft or returned report of the caller's."""
        report = self.get_object()
        link = get_object_or_404(ReportLink.objects.filter(report=report), pk=link_id)
        services.report_link_remove(actor=actor_of(request), report=report, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register_routes(router: DefaultRouter) -> None:
    """Add this part's viewsets to the collection API router."""
    router.register("reports", ReportViewSet, basename="report")
    router.register("sources", SourceViewSet, basename="source")
    router.register("requirements", RequirementViewSet, basename="requirement")
