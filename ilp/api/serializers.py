"""Serializers of core objects."""

from __future__ import annotations

from rest_framework import serializers

from ilp.api.fields import ModelSerializer, StrictDateTimeField
from ilp.models import Agency, ApiToken, Unit, User


class AgencyBriefSerializer(ModelSerializer):
    """An agency, for nesting."""

    class Meta:
        model = Agency
        fields = ["id", "code", "name"]


class UnitSerializer(ModelSerializer):
    """A unit and its agency."""

    agency = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "agency"]


class UnitBriefSerializer(ModelSerializer):
    """A unit, for nesting."""

    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class MeSerializer(ModelSerializer):
    """The authenticated user's own account."""

    agency = AgencyBriefSerializer(read_only=True)
    unit = UnitBriefSerializer(read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), source="role_names")
    clearance = serializers.CharField(source="get_clearance_display")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "agency",
            "unit",
            "roles",
            "clearance",
        ]
        read_only_fields = fields


class ApiTokenSerializer(ModelSerializer):
    """A token as listed: never its key."""

    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "is_active",
        ]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    """What a caller sends to make a token."""

    name = serializers.CharField(max_length=100, allow_blank=False, trim_whitespace=True)
    expires_at = StrictDateTimeField(required=False)


class ApiTokenIssuedSerializer(ApiTokenSerializer):
    """A token just made, with its key, shown only this once."""

    key = serializers.CharField(read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields
