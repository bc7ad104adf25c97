"""API viewsets of entities: list (``?q=`` searches), retrieve, create and update (PATCH with
the ``version`` the change was made from). Reads start from the selectors, writes call the
services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from collection.entities import filters, serializers
from collection.entities.api_support import (
    FEATURE_COLLECTION_SCHEMA,
    RESOLUTION_PARAMETER,
    STALE_RESPONSE,
    AuditedReadMixin,
    Conflict,
    resolution_from,
)
from collection.entities.auditing import audit_search
from collection.entities.filter_fields import StrictFilterBackend
from collection.entities.kinds import KINDS, EntityKind
from collection.entities.writes import StaleVersionError
from collection.incidents.geojson import PointLayer, feature_collection
from ilp import selectors
from ilp.actors import actor_of
from ilp.api.viewsets import SelectorGenericViewSet
from ilp.models import Record


class EntityViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorGenericViewSet
):
    """Base of the entity endpoints; subclasses name their kind and serializers."""

    kind: EntityKind
    filter_backends = [StrictFilterBackend]

    @property
    def audit_what(self) -> str:  # type: ignore[override]
        return self.kind.plural

    create_serializer_class: type[Serializer]
    update_serializer_class: type[Serializer]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = self.create_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        record = self.kind.create(actor=actor_of(request), **payload.validated_data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        payload = self.update_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        version = changes.pop("version")
        updated = stale_as_conflict(
            lambda: self.kind.update(
                actor=actor_of(request), record=record, version=version, **changes
            )
        )
        return Response(self.get_serializer(updated).data)


def stale_as_conflict(save: Callable[[], Record]) -> Any:
    """Run a save; a stale version becomes the API's 409."""
    try:
        return save()
    except StaleVersionError as exc:
        raise Conflict(exc.messages[0]) from exc


def _entity_schema(
    read: type[Serializer],
    create: type[Serializer],
    update: type[Serializer],
) -> Callable[[type], type]:
    return extend_schema_view(
        create=extend_schema(request=create, responses={201: read}),
        partial_update=extend_schema(request=update, responses={200: read, 409: STALE_RESPONSE}),
    )


@_entity_schema(
    serializers.PersonSerializer,
    serializers.PersonCreateSerializer,
    serializers.PersonUpdateSerializer,
)
class PersonViewSet(EntityViewSet):
    """People (nominals) of the caller's agency."""

    kind = KINDS["person"]
    selector = staticmethod(selectors.person_list)
    serializer_class = serializers.PersonSerializer
    create_serializer_class = serializers.PersonCreateSerializer
    update_serializer_class = serializers.PersonUpdateSerializer
    filterset_class = filters.PersonFilterSet


LOCATION_LAYER = PointLayer(
    columns=("name", "address", "h3_cell"),
    properties=lambda row: {"label": row[0] or row[1], "address": row[1], "h3_cell": row[2]},
)


@_entity_schema(
    serializers.LocationSerializer,
    serializers.LocationCreateSerializer,
    serializers.LocationUpdateSerializer,
)
class LocationViewSet(EntityViewSet):
    """Locations of the caller's agency; ``geojson/`` draws them on a map."""

    kind = KINDS["location"]
    selector = staticmethod(selectors.location_list)
    serializer_class = serializers.LocationSerializer
    create_serializer_class = serializers.LocationCreateSerializer
    update_serializer_class = serializers.LocationUpdateSerializer
    filterset_class = filters.LocationFilterSet

    @extend_schema(
        parameters=[RESOLUTION_PARAMETER],
        filters=True,
        responses={200: FEATURE_COLLECTION_SCHEMA},
        description="The filtered locations with a point, as a GeoJSON FeatureCollection: "
        "points, or H3 hexagons with counts when there are very many.",
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
    )
    def geojson(self, request: Request) -> Response:
        located = self.filter_queryset(self.get_queryset())
        audit_search(
            actor=actor_of(request), what="location map", params=request.query_params, always=True
        )
        resolution = resolution_from(request)
        return Response(feature_collection(located, LOCATION_LAYER, resolution=resolution))


@_entity_schema(
    serializers.VehicleSerializer,
    serializers.VehicleCreateSerializer,
    serializers.VehicleUpdateSerializer,
)
class VehicleViewSet(EntityViewSet):
    """Vehicles of the caller's agency (``?q=`` matches registrations ignoring spaces)."""

    kind = KINDS["vehicle"]
    selector = staticmethod(selectors.vehicle_list)
    serializer_class = serializers.VehicleSerializer
    create_serializer_class = serializers.VehicleCreateSerializer
    update_serializer_class = serializers.VehicleUpdateSerializer
    filterset_class = filters.VehicleFilterSet


@_entity_schema(
    serializers.OrganisationSerializer,
    serializers.OrganisationCreateSerializer,
    serializers.OrganisationUpdateSerializer,
)
class OrganisationViewSet(EntityViewSet):
    """Organisations of the caller's agency."""

    kind = KINDS["organisation"]
    selector = staticmethod(selectors.organisation_list)
    serializer_class = serializers.OrganisationSerializer
    create_serializer_class = serializers.OrganisationCreateSerializer
    update_serializer_class = serializers.OrganisationUpdateSerializer
    filterset_class = filters.OrganisationFilterSet
