"""OpenAPI details of the reports API: choice sets that share a field name with other models'
("status", "kind", "role") get their own named enum components, strings refuse non-strings, and
PATCH payloads keep their required ``version``."""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set appears in the schema as the component ``enum_name``."""

    def __init__(self, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """Break each NamedChoiceField's choices out into its own enum component."""

    target_class = NamedChoiceField

    def get_name(self) -> str | None:
        return str(self.target.enum_name)

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        return schema


class StrictCharField(serializers.CharField):
    """A string that must be sent as a JSON string (DRF would turn 0 or 1.5 into text)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class VersionedPatch(serializers.Serializer):
    """Base of PATCH payloads: everything optional except the ``version`` being changed."""


class VersionedPatchExtension(OpenApiSerializerExtension):
    """drf-spectacular marks every field of a PATCH body optional; ``version`` is not."""

    target_class = VersionedPatch
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        whole = copy.copy(self.target)
        whole.partial = False
        schema: dict[str, Any] = auto_schema._map_serializer(
            whole, direction, bypass_extensions=True
        )
        return schema
