"""OpenAPI details of the reports API: PATCH payloads keep their required ``version`` (named
choice sets and strict strings are in ilp.api.fields)."""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers


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
