"""API serializers of incidents: full (read), brief (for nesting), and the write payloads."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from collection.entities.api_support import (
    ScopedPrimaryKeyField,
    StrictCharField,
    StrictChoiceField,
    StrictFloatField,
    StrictIntegerField,
)
from collection.entities.serializers import (
    MARKING,
    RECORD,
    VERSION_HELP,
    PersonBriefSerializer,
    UpdateMixin,
)
from collection.models import Incident, IncidentPerson, OffenceType
from collection.selectors import offence_type_list
from ilp import selectors as core_selectors
from ilp.api.fields import ModelSerializer


class OffenceTypeBriefSerializer(ModelSerializer):
    """An offence and its harm weight (null until an administrator weights it)."""

    harm_weight = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = OffenceType
        fields = ["id", "name", "category", "harm_weight", "needs_review"]
        read_only_fields = fields


class InvolvementSerializer(ModelSerializer):
    """A person involved in an incident, and their role."""

    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = IncidentPerson
        fields = ["person", "role"]
        read_only_fields = fields


class IncidentSerializer(ModelSerializer):
    """An incident (crime record)."""

    offence = OffenceTypeBriefSerializer(read_only=True)
    people = InvolvementSerializer(source="involvements", many=True, read_only=True)
    source_import = serializers.IntegerField(
        source="source_import_id", read_only=True, allow_null=True, help_text="Import id."
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "offence",
            "occurred_from",
            "occurred_to",
            "reported_at",
            "latitude",
            "longitude",
            "h3_cell",
            "address",
            "status",
            "source_import",
            "people",
            *RECORD,
        ]
        read_only_fields = fields


class IncidentBriefSerializer(ModelSerializer):
    """An incident, for nesting."""

    offence = serializers.CharField(source="offence.name", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "reference", "offence", "occurred_from", "status"]
        read_only_fields = fields


class InvolvementWriteSerializer(serializers.Serializer):
    """A person (one the caller may see) and their role."""

    person = ScopedPrimaryKeyField(core_selectors.person_list)
    role = StrictChoiceField(choices=IncidentPerson.Role.choices)


class IncidentCreateSerializer(ModelSerializer):
    """A new incident. ``occurred_to`` defaults to ``occurred_from`` (a single time)."""

    serializer_field_mapping = {
        **ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    serializer_choice_field = StrictChoiceField

    offence = ScopedPrimaryKeyField(offence_type_list)
    latitude = StrictFloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = StrictFloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    people = InvolvementWriteSerializer(many=True, required=False, max_length=50)  # type: ignore[call-arg]

    class Meta:
        model = Incident
        fields = [
            "reference",
            "offence",
            "occurred_from",
            "occurred_to",
            "reported_at",
            "latitude",
            "longitude",
            "address",
            "status",
            "people",
            *MARKING,
        ]
        extra_kwargs = {"occurred_to": {"required": False, "allow_null": True}}

    def validate_reference(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the records system's reference.")
        return value


class IncidentUpdateSerializer(UpdateMixin, IncidentCreateSerializer):
    """A change to an incident; ``people``, when given, replaces who was involved."""

    version = StrictIntegerField(min_value=1, help_text=VERSION_HELP)

    class Meta(IncidentCreateSerializer.Meta):
        fields = [*IncidentCreateSerializer.Meta.fields, "version"]
