"""Serializers of collection's imports."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collection.imports.schema import ImportStatusField
from collection.imports.services import MAX_API_ROWS
from collection.imports.spec import FIELDS
from collection.models import Import
from ilp.api.fields import ModelSerializer, StrictCharField


class ImportErrorSerializer(serializers.Serializer):
    """One rejected row: its number (spreadsheet numbering, header = 1; for JSON rows, the
    index in ``rows`` from 0) and why."""

    row = serializers.IntegerField()
    message = serializers.CharField()


class ImportSerializer(ModelSerializer):
    """An import (a bulk load of incidents) and what came of it."""

    status = ImportStatusField(choices=Import.Status.choices, read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    dry_run = serializers.SerializerMethodField()
    # DRF takes declared fields out of the class, so this does not shadow Serializer.errors.
    errors = ImportErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]
    bbox = serializers.ListField(
        child=serializers.FloatField(),
        min_length=4,
        max_length=4,
        allow_null=True,
        read_only=True,
        help_text="[min_lon, min_lat, max_lon, max_lat] of the incidents written.",
    )

    class Meta:
        model = Import
        fields = [
            "id",
            "file_name",
            "status",
            "progress",
            "dry_run",
            "created_by",
            "created_at",
            "finished_at",
            "mapping",
            "fixed_values",
            "options",
            "rows_total",
            "created",
            "updated",
            "rejected",
            "errors",
            "bbox",
            "error",
        ]
        read_only_fields = fields

    def get_dry_run(self, record: Import) -> bool:
        return bool((record.options or {}).get("dry_run"))


def _field_map(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) for k, v in value.items()
    ):
        raise serializers.ValidationError(f"Give {name} as a JSON object of field → text.")
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise serializers.ValidationError(
            f"Unknown field(s) {', '.join(unknown)}; the fields are {', '.join(FIELDS)}."
        )
    return {k: str(v) for k, v in value.items()}


class ImportUploadSerializer(serializers.Serializer):
    """A CSV file and how to read it (multipart/form-data)."""

    file = serializers.FileField(help_text="CSV with a header line.", allow_empty_file=True)
    mapping = serializers.JSONField(
        binary=True,
        help_text='Field → column, as JSON, e.g. {"reference": "uid", "occurred_at": '
        '"OCCUR_DATE+OCCUR_TIME"}. "+" joins columns; "#row" numbers references.',
    )
    set = serializers.JSONField(
        binary=True, required=False, help_text="Field → the same value for every row, as JSON."
    )
    crs = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    time_format = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    dry_run = serializers.BooleanField(required=False, default=False)

    def validate_mapping(self, value: Any) -> dict[str, str]:
        return _field_map(value, "mapping")

    def validate_set(self, value: Any) -> dict[str, str]:
        return _field_map(value, "set")


#: How many unknown row keys an import names in its notices.
MAX_NAMED_KEYS = 20


def _printable(key: str) -> str:
    """A key as text PostgreSQL can store and a person can read: control characters and lone
    surrogates dropped, at most 60 characters."""
    kept = "".join(ch for ch in key if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF)
    return (kept[:60] + "…" if len(kept) > 60 else kept) or "(unprintable)"


class JsonBooleanField(serializers.BooleanField):
    """true or false, as JSON has them: 0, 1, "yes" and friends are refused, not guessed."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class JsonTextField(StrictCharField):
    """Optional text as JSON has it: a number, true/false or an object is refused, not turned
    into text."""

    default_error_messages = {"invalid": "Give text (a JSON string)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_blank=True, allow_null=True, **kwargs)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}], "nullable": True})
class JsonTextOrNumberField(JsonTextField):
    """Text, or a JSON number kept as its text (coordinates and numeric references)."""

    default_error_messages = {"invalid": "Give text or a number."}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, int | float) and not isinstance(data, bool):
            data = repr(data) if isinstance(data, float) else str(data)
        return super().to_internal_value(data)


class ImportRowSerializer(serializers.Serializer):
    """One incident row: every field optional, as text (coordinates and the reference may also
    be numbers). A row that cannot be imported is reported in ``errors``, not refused with 400."""

    reference = JsonTextOrNumberField()
    offence = JsonTextField()
    occurred_at = JsonTextField(
        help_text="ISO 8601; without an offset it is the agency's local time."
    )
    occurred_from = JsonTextField()
    occurred_to = JsonTextField()
    reported_at = JsonTextField()
    latitude = JsonTextOrNumberField()
    longitude = JsonTextOrNumberField()
    address = JsonTextField()
    status = JsonTextField()


class ImportRowsSerializer(serializers.Serializer):
    """Incident rows as JSON objects keyed by field; times without a zone are read in the
    agency's time zone, as for a file. Keys that are not fields are ignored (and named in the
    result's notices)."""

    rows = serializers.ListField(child=ImportRowSerializer(), min_length=1, max_length=MAX_API_ROWS)
    dry_run = JsonBooleanField(required=False, default=False)

    def unknown_keys(self) -> list[str]:
        """Keys of the submitted rows that are not fields."""
        rows = self.initial_data.get("rows") if isinstance(self.initial_data, dict) else None
        if not isinstance(rows, list):
            return []
        keys = {key for row in rows if isinstance(row, dict) for key in row}
        unknown = sorted(keys - set(ImportRowSerializer().fields))
        # Named back in the result and stored with the import: printable text, kept short.
        return [_printable(key) for key in unknown[:MAX_NAMED_KEYS]]


class ImportResultSerializer(serializers.Serializer):
    """What an import (or dry run) did: the same object as `import_incidents --json`."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    rejected = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]
    bbox = serializers.ListField(
        child=serializers.FloatField(), min_length=4, max_length=4, allow_null=True
    )
    import_id = serializers.IntegerField(allow_null=True)
    rows = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    notices = serializers.ListField(child=serializers.CharField())
    new_offences = serializers.ListField(child=serializers.CharField())
