"""Core API endpoints: the caller's account, units and API tokens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ilp import selectors, services
from ilp.actors import actor_of
from ilp.api.serializers import (
    ApiTokenCreateSerializer,
    ApiTokenIssuedSerializer,
    ApiTokenSerializer,
    MeSerializer,
    UnitSerializer,
)
from ilp.api.viewsets import SelectorGenericViewSet, SelectorReadOnlyViewSet
from ilp.twofactor.services import require_verified_session


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema; its errors (e.g. 401) come in the common JSON format, not YAML."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response


class MeView(APIView):
    """The authenticated user's own account: agency, unit, roles and clearance."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class UnitViewSet(SelectorReadOnlyViewSet):
    """Units of the caller's agency."""

    selector = staticmethod(selectors.unit_list)
    serializer_class = UnitSerializer
    ordering = "name"


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet):
    """The caller's own API tokens: list, issue (the key is shown once) and revoke."""

    selector = staticmethod(selectors.token_list)
    serializer_class = ApiTokenSerializer

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenIssuedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_verified_session(request)
        payload = ApiTokenCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        issued = services.token_create(actor=actor_of(request), **payload.validated_data)
        data = ApiTokenIssuedSerializer(issued.token).data | {"key": issued.key}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        token = services.token_revoke(actor=actor_of(request), token=self.get_object())
        return Response(ApiTokenSerializer(token).data)
