"""API pieces shared by the entity and incident endpoints: the 409 of a stale save, relations
scoped to what the caller may see, and the GeoJSON schema (served as application/json, so
the one error format and content negotiation stay as everywhere else)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from collection.entities.auditing import audit_search
from ilp.actors import actor_of
from ilp.governance.access import PURPOSE_PARAMETER, api_record_opened
from ilp.models.entities import H3_RESOLUTION

ERROR_REF = {"$ref": "#/components/schemas/Error"}

STALE_RESPONSE = OpenApiResponse(
    response=ERROR_REF,
    description="The record changed since the caller's copy (``version`` is not current): "
    "nothing was saved. Fetch it again and reapply the change.",
)


class StrictCharField(serializers.CharField):
    """Text that must be sent as a JSON string (DRF would turn 0 or false into "0", "False")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false (DRF would take "yes", 1 and "on")."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictFloatField(serializers.FloatField):
    """A JSON number (DRF would take "1.5" and read true as 1.0)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return float(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer (DRF would take "1", 1.0 and true)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StrictChoiceField(serializers.ChoiceField):
    """A choice sent with the type of its value (DRF would match 1 to "1" and true to 1)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not any(
            type(data) is type(key) and data == key for key in self.choices
        ):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class Conflict(exceptions.APIException):
    """409: the save was made from a stale copy of the record."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"
    default_detail = "The record has changed since your copy: nothing was saved."


class AuditedReadMixin:
    """List and retrieve that write the audit trail: a retrieve is a view, a filtered list a
    search (an API read of intelligence is audited like a browser read). A restricted record
    is read only with a purpose (the X-ILP-Purpose header, ilp.governance.access)."""

    audit_what: str
    request: Any

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audit_search(actor=actor_of(request), what=self.audit_what, params=request.query_params)
        return super().list(request, *args, **kwargs)  # type: ignore[misc]

    @extend_schema(parameters=[PURPOSE_PARAMETER])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        api_record_opened(request, record)
        return Response(self.get_serializer(record).data)  # type: ignore[attr-defined]


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A writable relation whose choices are what the caller may see (its selector): a record
    outside it is refused as if it did not exist."""

    def __init__(self, selector: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        actor = getattr(request, "user", None) or AnonymousUser()
        return self.selector(actor=actor)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value: Any) -> Any:
        return value.pk


_POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}

FEATURE_COLLECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "A GeoJSON FeatureCollection (RFC 7946, WGS84 lon/lat). ``mode`` says what the "
        "features are: ``points`` (one Point per record) or, above the point limit, ``cells`` "
        "(one H3 hexagon Polygon per cell with the number of records in it)."
    ),
    "required": ["type", "mode", "total", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "mode": {"type": "string", "enum": ["points", "cells"]},
        "resolution": {
            "type": "integer",
            "nullable": True,
            "minimum": 0,
            "maximum": H3_RESOLUTION,
            "description": "H3 resolution of the cells (null for points).",
        },
        "total": {"type": "integer", "description": "Records the features represent."},
        "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {
                            "type": {"type": "string", "enum": ["Point", "Polygon"]},
                            "coordinates": {
                                "description": "A position (Point) or rings of positions "
                                "(Polygon).",
                                "oneOf": [
                                    _POSITION,
                                    {
                                        "type": "array",
                                        "items": {"type": "array", "items": _POSITION},
                                    },
                                ],
                            },
                        },
                    },
                    "properties": {"type": "object", "additionalProperties": True},
                },
            },
        },
    },
}

RESOLUTION_PARAMETER = OpenApiParameter(
    "resolution",
    {"type": "integer", "minimum": 0, "maximum": H3_RESOLUTION},
    description=(
        "H3 resolution (0-9) of the cells when the result is aggregated; default 7. Ignored "
        "when the records are few enough to return as points."
    ),
    required=False,
)


def resolution_from(request: Request) -> int | None:
    """The ``resolution`` query parameter (None when absent), or a 400 naming it."""
    values = request.query_params.getlist("resolution")
    if not values:
        return None
    try:
        resolution = int(values[0]) if len(values) == 1 else -1
    except ValueError:
        resolution = -1
    if not 0 <= resolution <= H3_RESOLUTION:
        raise exceptions.ValidationError(
            {"resolution": [f"Give a whole number from 0 to {H3_RESOLUTION}."]}
        )
    return resolution
