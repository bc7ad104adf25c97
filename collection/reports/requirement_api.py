"""API viewset of intelligence requirements."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from collection import selectors
from collection.models import IntelligenceRequirement
from collection.reports import services
from collection.reports.api_common import CONFLICT, AuditedReadsMixin, conflict_on_stale
from collection.reports.filters import RequirementFilterSet
from collection.reports.serializers import ReportActionSerializer
from collection.reports.source_serializers import (
    RequirementCreateSerializer,
    RequirementDetailSerializer,
    RequirementSerializer,
    RequirementUpdateSerializer,
)
from ilp.actors import actor_of
from ilp.api.viewsets import SelectorGenericViewSet


class RequirementViewSet(
    AuditedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet
):
    """Intelligence requirements the caller may see: list, read, open, edit and close."""

    selector = staticmethod(selectors.requirement_list)
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet

    def get_serializer_class(self) -> Any:
        return RequirementSerializer if self.action == "list" else RequirementDetailSerializer

    def _detail(
        self, requirement: IntelligenceRequirement, code: int = status.HTTP_200_OK
    ) -> Response:
        fresh = self.get_queryset().get(pk=requirement.pk)
        context = self.get_serializer_context()
        return Response(RequirementDetailSerializer(fresh, context=context).data, status=code)

    @extend_schema(
        request=RequirementCreateSerializer, responses={201: RequirementDetailSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = RequirementCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        requirement = services.requirement_create(actor=actor_of(request), **payload.validated_data)
        return self._detail(requirement, status.HTTP_201_CREATED)

    @extend_schema(
        request=RequirementUpdateSerializer,
        responses={200: RequirementDetailSerializer, 409: CONFLICT},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        requirement = self.get_object()
        payload = RequirementUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with conflict_on_stale():
            services.requirement_update(
                actor=actor_of(request), requirement=requirement, **payload.validated_data
            )
        return self._detail(requirement)

    @extend_schema(
        request=ReportActionSerializer,
        responses={200: RequirementDetailSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close a requirement: answered, or no longer needed."""
        requirement = self.get_object()
        payload = ReportActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with conflict_on_stale():
            services.requirement_close(
                actor=actor_of(request),
                requirement=requirement,
                version=payload.validated_data.get("version"),
            )
        return self._detail(requirement)
