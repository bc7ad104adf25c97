"""API viewset of incidents: list (filters shared with the UI), retrieve, create, update with
``version``, and ``geojson/`` for maps. Reads start from the selector, writes call services."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from collection.entities.api_support import (
    FEATURE_COLLECTION_SCHEMA,
    RESOLUTION_PARAMETER,
    STALE_RESPONSE,
    AuditedReadMixin,
    resolution_from,
)
from collection.entities.auditing import audit_search
from collection.entities.filter_fields import StrictFilterBackend
from collection.entities.viewsets import stale_as_conflict
from collection.incidents import serializers, services
from collection.incidents.filters import IncidentFilterSet
from collection.incidents.geojson import PointLayer, feature_collection, incident_cell_counter
from collection.models import Incident, IncidentPerson
from collection.selectors import incident_list, incident_list_parts
from ilp import selectors as core_selectors
from ilp.actors import actor_of
from ilp.api.pagination import CursorPagination
from ilp.api.viewsets import SelectorGenericViewSet

INCIDENT_LAYER = PointLayer(
    columns=("reference", "offence__name", "occurred_from", "status"),
    properties=lambda row: {
        "reference": row[0],
        "offence": row[1],
        "occurred_from": row[2].isoformat(),
        "status": row[3],
    },
)


class IncidentPagination(CursorPagination):
    """Newest incident first (by when it started), as in the UI list."""

    ordering = ("-occurred_from", "-id")  # type: ignore[assignment]


def _involvements(people: list[dict[str, Any]] | None) -> list[services.Involvement] | None:
    if people is None:
        return None
    return [services.Involvement(p["person"], p["role"]) for p in people]


@extend_schema_view(
    create=extend_schema(
        request=serializers.IncidentCreateSerializer,
        responses={201: serializers.IncidentSerializer},
    ),
    partial_update=extend_schema(
        request=serializers.IncidentUpdateSerializer,
        responses={200: serializers.IncidentSerializer, 409: STALE_RESPONSE},
    ),
)
class IncidentViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet
):
    """Incidents of the caller's agency."""

    audit_what = "incidents"
    selector = staticmethod(incident_list)
    serializer_class = serializers.IncidentSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = IncidentFilterSet
    pagination_class = IncidentPagination

    def get_queryset(self) -> QuerySet[Incident]:
        queryset = super().get_queryset()
        if self.action == "geojson":
            return queryset
        people = core_selectors.person_list(actor=self.request.user)
        involvements = IncidentPerson.objects.filter(person__in=people).select_related("person")
        return queryset.select_related("offence").prefetch_related(
            Prefetch("involvements", queryset=involvements.order_by("id"))
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = serializers.IncidentCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        people = _involvements(fields.pop("people", [])) or []
        incident = services.incident_create(actor=actor_of(request), people=people, **fields)
        return Response(self._read(incident.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incident = self.get_object()
        payload = serializers.IncidentUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        version = changes.pop("version")
        people = _involvements(changes.pop("people", None))
        stale_as_conflict(
            lambda: services.incident_update(
                actor=actor_of(request),
                incident=incident,
                version=version,
                people=people,
                **changes,
            )
        )
        return Response(self._read(incident.pk))

    def _read(self, pk: int) -> dict[str, Any]:
        """The saved incident as the detail endpoint shows it."""
        return dict(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        parameters=[RESOLUTION_PARAMETER],
        filters=True,
        responses={200: FEATURE_COLLECTION_SCHEMA},
        description="The filtered incidents with a location, as a GeoJSON FeatureCollection: "
        "one Point each (properties reference, offence, occurred_from, status) or, above the "
        "point limit (20,000 by default), one H3 hexagon per cell with its count.",
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
    )
    def geojson(self, request: Request) -> Response:
        located = self.filter_queryset(self.get_queryset())
        audit_search(
            actor=actor_of(request), what="incident map", params=request.query_params, always=True
        )
        resolution = resolution_from(request)
        counter = incident_cell_counter(actor=request.user, located=located)
        # The counter answers only for exactly incident_list(actor), so its parts are located's.
        parts = incident_list_parts(actor=request.user) if counter is not None else None
        return Response(
            feature_collection(
                located, INCIDENT_LAYER, resolution=resolution, count_cells=counter, parts=parts
            )
        )
