"""Serializer fields that refuse ambiguous input instead of guessing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string that must be sent as a JSON string (DRF would turn 0 or 1.5 into text)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        # The schema's maxLength is of the string as sent: check it before whitespace is
        # trimmed, or a string one space too long would be accepted against the schema.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return str(super().to_internal_value(data))


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set appears in the schema as the component ``enum_name``:
    field names such as "status", "kind" or "role" recur across models with other choices, and
    the generated enum names would collide (which the schema check refuses)."""

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


class StrictDateTimeField(serializers.DateTimeField):
    """ISO 8601 date-time that must carry its offset and a plausible year.

    DRF would silently read a zone-less time in the server's zone; for intelligence records that
    guess can move an event across midnight, so it is refused.
    """

    default_error_messages = {
        "naive": "Give the date-time with a time zone, e.g. 2024-05-01T14:30:00+01:00 or ...Z.",
        "year": "The year {year} is outside {min_year}-{max_year}; check the date.",
    }

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
        result = super().to_internal_value(value)
        if not settings.ILP_MIN_YEAR <= result.year <= settings.ILP_MAX_YEAR:
            self.fail(
                "year",
                year=f"{result.year:04d}",
                min_year=settings.ILP_MIN_YEAR,
                max_year=settings.ILP_MAX_YEAR,
            )
        return result


class ModelSerializer(serializers.ModelSerializer):
    """Base model serializer for the platform: every date-time field is strict."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: StrictDateTimeField,
    }
