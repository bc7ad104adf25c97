"""OpenAPI naming for the imports API: the Import status enum gets a component of its own.

drf-spectacular names enums after the field ("status"), and several models have a status; a
named component keeps the schema free of collision warnings without a settings entry.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers


class ImportStatusField(serializers.ChoiceField):
    """The status of an Import, shown in the schema as ImportStatusEnum."""


class ImportStatusFieldExtension(OpenApiSerializerFieldExtension):
    """Describe ImportStatusField as the ImportStatusEnum component."""

    target_class = ImportStatusField

    def get_name(self) -> str | None:
        return "ImportStatusEnum"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        return schema
