"""API serializers of entities: full (read), brief (for nesting), and the write payloads.

Writes are validated here for shape only; the services apply the rules (and say why).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from collection.entities.api_support import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictFloatField,
    StrictIntegerField,
)
from ilp.api.fields import ModelSerializer
from ilp.choices import Classification
from ilp.grading import HandlingCode
from ilp.models import Location, Organisation, Person, Vehicle

MARKING = ["classification", "handling_code", "handling_conditions"]
RECORD = [*MARKING, "version", "created_at", "updated_at"]


class _ReadSerializer(ModelSerializer):
    # The field shadows Field.label only in the stubs: DRF pops declared fields off the class.
    label = serializers.CharField(  # type: ignore[assignment]
        source="__str__", read_only=True, help_text="How it is named."
    )


SUBJECT_HELP = (
    "An intelligence subject: someone there is reasonable suspicion of being involved in "
    "criminal activity (28 CFR Part 23 §23.20(a))."
)
SUBJECT_JUSTIFICATION_HELP = (
    "The reasonable-suspicion justification: the facts that tie the person to criminal "
    "activity. Required (at least 20 characters) when is_subject is true; without it the write "
    "is refused with 400 naming subject_justification."
)


class PersonSerializer(_ReadSerializer):
    """A person (nominal)."""

    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    identifiers = serializers.DictField(child=serializers.CharField(), read_only=True)
    is_subject = serializers.BooleanField(read_only=True, help_text=SUBJECT_HELP)
    subject_justification = serializers.CharField(
        read_only=True, help_text=SUBJECT_JUSTIFICATION_HELP
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "label",
            "surname",
            "forenames",
            "aliases",
            "date_of_birth",
            "identifiers",
            "description",
            "is_subject",
            "subject_justification",
            *RECORD,
        ]
        read_only_fields = fields


class PersonBriefSerializer(_ReadSerializer):
    """A person, for nesting."""

    class Meta:
        model = Person
        fields = ["id", "label", "surname", "forenames", "date_of_birth"]
        read_only_fields = fields


class LocationSerializer(_ReadSerializer):
    """A place: name, address, WGS84 point and its H3 cell (resolution 9)."""

    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Location
        fields = ["id", "label", "name", "address", "latitude", "longitude", "h3_cell", *RECORD]
        read_only_fields = fields


class LocationBriefSerializer(LocationSerializer):
    """A location, for nesting."""

    class Meta(LocationSerializer.Meta):
        fields = ["id", "label", "latitude", "longitude", "h3_cell"]
        read_only_fields = fields


class VehicleSerializer(_ReadSerializer):
    """A vehicle."""

    class Meta:
        model = Vehicle
        fields = ["id", "label", "registration", "make", "model", "colour", "description", *RECORD]
        read_only_fields = fields


class VehicleBriefSerializer(_ReadSerializer):
    """A vehicle, for nesting."""

    class Meta:
        model = Vehicle
        fields = ["id", "label", "registration"]
        read_only_fields = fields


class OrganisationSerializer(_ReadSerializer):
    """An organisation."""

    class Meta:
        model = Organisation
        fields = ["id", "label", "name", "kind", "description", *RECORD]
        read_only_fields = fields


class OrganisationBriefSerializer(_ReadSerializer):
    """An organisation, for nesting."""

    class Meta:
        model = Organisation
        fields = ["id", "label", "name", "kind"]
        read_only_fields = fields


# --- writes ---------------------------------------------------------------------------------


class MarkingWriteSerializer(serializers.Serializer):
    """The marking of a record being written."""

    classification = StrictChoiceField(choices=Classification.choices, required=False)
    handling_code = StrictChoiceField(choices=HandlingCode.choices, required=False)
    handling_conditions = StrictCharField(required=False, allow_blank=True)


class UpdateMixin(serializers.Serializer):
    """Every field optional except ``version``: the version the change was made from."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name == "version"


class VersionedUpdateSchema(OpenApiSerializerExtension):
    """In the OpenAPI schema a PATCH body has no required fields, but these updates need the
    ``version`` they were made from: say so, so that clients (and the fuzzer) send it."""

    target_class = UpdateMixin
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        schema["required"] = ["version"]
        return schema


VERSION_HELP = "The version of the record the change was made from (a stale one is refused: 409)."


class PersonCreateSerializer(MarkingWriteSerializer):
    """A new person."""

    surname = StrictCharField(max_length=100)
    forenames = StrictCharField(max_length=150, required=False, allow_blank=True)
    aliases = serializers.ListField(
        child=StrictCharField(max_length=150), required=False, max_length=50
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    identifiers = serializers.DictField(
        child=StrictCharField(max_length=100),
        required=False,
        help_text='Reference numbers by system, e.g. {"PNC": "12/345678A"}.',
    )
    description = StrictCharField(required=False, allow_blank=True)
    is_subject = StrictBooleanField(required=False, help_text=SUBJECT_HELP)
    subject_justification = StrictCharField(
        required=False, allow_blank=True, max_length=2000, help_text=SUBJECT_JUSTIFICATION_HELP
    )

    def validate_identifiers(self, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not 1 <= len(key.strip()) <= 40 or "\x00" in key:
                raise serializers.ValidationError("Name each system in 1-40 characters.")
        return value


class PersonUpdateSerializer(UpdateMixin, PersonCreateSerializer):
    """A change to a person."""

    version = StrictIntegerField(min_value=1, help_text=VERSION_HELP)


class LocationCreateSerializer(MarkingWriteSerializer):
    """A new location: a name, an address and/or a point (both coordinates or neither)."""

    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    address = StrictCharField(max_length=300, required=False, allow_blank=True)
    latitude = StrictFloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = StrictFloatField(required=False, allow_null=True, min_value=-180, max_value=180)


class LocationUpdateSerializer(UpdateMixin, LocationCreateSerializer):
    """A change to a location."""

    version = StrictIntegerField(min_value=1, help_text=VERSION_HELP)


class VehicleCreateSerializer(MarkingWriteSerializer):
    """A new vehicle (the registration is stored without spaces, upper case)."""

    registration = StrictCharField(
        max_length=16,
        trim_whitespace=False,
        validators=[
            RegexValidator(
                r"^\s*[A-Za-z0-9-]+(\s+[A-Za-z0-9-]+)*\s*$",
                "A registration mark has letters, digits and hyphens only.",
            )
        ],
    )
    make = StrictCharField(max_length=60, required=False, allow_blank=True)
    model = StrictCharField(max_length=60, required=False, allow_blank=True)
    colour = StrictCharField(max_length=40, required=False, allow_blank=True)
    description = StrictCharField(required=False, allow_blank=True)


class VehicleUpdateSerializer(UpdateMixin, VehicleCreateSerializer):
    """A change to a vehicle."""

    version = StrictIntegerField(min_value=1, help_text=VERSION_HELP)


class OrganisationCreateSerializer(MarkingWriteSerializer):
    """A new organisation."""

    name = StrictCharField(max_length=200)
    kind = StrictChoiceField(choices=Organisation.Kind.choices, required=False)
    description = StrictCharField(required=False, allow_blank=True)


class OrganisationUpdateSerializer(UpdateMixin, OrganisationCreateSerializer):
    """A change to an organisation."""

    version = StrictIntegerField(min_value=1, help_text=VERSION_HELP)
