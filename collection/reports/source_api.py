"""API viewset of sources: identity only ever in the detail, and only for who may see it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from collection import selectors
from collection.models import Source
from collection.reports import services
from collection.reports.api_common import CONFLICT, AuditedReadsMixin, conflict_on_stale
from collection.reports.filters import SourceFilterSet
from collection.reports.source_serializers import (
    SourceCreateSerializer,
    SourceDetailSerializer,
    SourceSerializer,
    SourceUpdateSerializer,
)
from ilp.actors import actor_of
from ilp.api.viewsets import SelectorGenericViewSet


class SourceViewSet(
    AuditedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet
):
    """Sources the caller may see, by sanitised reference; register and edit them."""

    selector = staticmethod(selectors.source_list)
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet

    def get_serializer_class(self) -> Any:
        return SourceSerializer if self.action == "list" else SourceDetailSerializer

    def view_details(self, instance: Any) -> dict[str, Any]:
        shown = selectors.source_identity_visible(actor=self.request.user, source=instance)
        return {"identity_shown": shown}

    def _detail(self, source: Source, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=source.pk)
        context = self.get_serializer_context()
        return Response(SourceDetailSerializer(fresh, context=context).data, status=code)

    @extend_schema(request=SourceCreateSerializer, responses={201: SourceDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = SourceCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        source = services.source_create(actor=actor_of(request), **payload.validated_data)
        return self._detail(source, status.HTTP_201_CREATED)

    @extend_schema(
        request=SourceUpdateSerializer, responses={200: SourceDetailSerializer, 409: CONFLICT}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        source = self.get_object()
        payload = SourceUpdateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        with conflict_on_stale():
            services.source_update(actor=actor_of(request), source=source, **payload.validated_data)
        return self._detail(source)
