"""API serializers of sources and intelligence requirements."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collection import selectors
from collection.models import IntelligenceRequirement, Source
from collection.reports import selectors as reads
from collection.reports.schema import VersionedPatch
from collection.reports.serializers import ScopedPrimaryKeyField, agency_users
from ilp.api.fields import ModelSerializer, NamedChoiceField, StrictCharField
from ilp.choices import Classification
from ilp.grading import HandlingCode


class GradeCountsSerializer(serializers.Serializer):
    """Reports counted by 3x5x2 grade."""

    total = serializers.IntegerField()
    by_assessment = serializers.DictField(child=serializers.IntegerField())
    by_evaluation = serializers.DictField(child=serializers.IntegerField())
    corroborated = serializers.IntegerField(help_text="Graded A or B.")
    corroborated_share = serializers.FloatField()
    false_share = serializers.FloatField(help_text="Share graded E.")


class TrackRecordSerializer(serializers.Serializer):
    """A source's reliability as shown by its submitted and approved reports."""

    counts = GradeCountsSerializer()
    last_received_at = serializers.DateTimeField(allow_null=True)


class SourceSerializer(ModelSerializer):
    """A source as listed: its sanitised reference, never who it is."""

    kind = NamedChoiceField("SourceKindEnum", choices=Source.Kind.choices, read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "reference",
            "kind",
            "is_active",
            "classification",
            "handling_code",
            "handling_conditions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourceDetailSerializer(SourceSerializer):
    """One source with its track record; identity, handlers and notes are null unless the
    caller may see who the source is (for a covert source: its handlers only)."""

    identity = serializers.SerializerMethodField()
    handlers = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    track_record = serializers.SerializerMethodField()

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "identity", "handlers", "notes", "track_record"]
        read_only_fields = fields

    def _visible(self, source: Source) -> bool:
        cache = self.context.setdefault("identity_visible", {})
        if source.pk not in cache:
            actor = self.context["request"].user
            cache[source.pk] = selectors.source_identity_visible(actor=actor, source=source)
        return bool(cache[source.pk])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_identity(self, source: Source) -> str | None:
        return source.identity if self._visible(source) else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(), allow_null=True))
    def get_handlers(self, source: Source) -> list[int] | None:
        if not self._visible(source):
            return None
        return list(source.handlers.order_by("pk").values_list("pk", flat=True))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_notes(self, source: Source) -> str | None:
        return source.notes if self._visible(source) or not source.is_covert else None

    @extend_schema_field(TrackRecordSerializer)
    def get_track_record(self, source: Source) -> dict[str, Any]:
        track = reads.source_track_record(actor=self.context["request"].user, source=source)
        return dict(TrackRecordSerializer(track).data)


class SourceCreateSerializer(serializers.Serializer):
    """Register a source of the caller's agency."""

    kind = NamedChoiceField("SourceKindEnum", choices=Source.Kind.choices)
    reference = StrictCharField(max_length=40)
    identity = StrictCharField(required=False, allow_blank=True, default="")
    handlers = ScopedPrimaryKeyField(agency_users, many=True, required=False)
    is_active = serializers.BooleanField(default=True)
    notes = StrictCharField(required=False, allow_blank=True, default="")
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.OFFICIAL
    )
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices, default=HandlingCode.P)
    handling_conditions = StrictCharField(required=False, allow_blank=True, default="")


class SourceUpdateSerializer(VersionedPatch):
    """Changes to a source from the copy at ``version``; send only what changes."""

    version = serializers.IntegerField(min_value=1)
    kind = NamedChoiceField("SourceKindEnum", choices=Source.Kind.choices, required=False)
    reference = StrictCharField(max_length=40, required=False)
    identity = StrictCharField(required=False, allow_blank=True)
    handlers = ScopedPrimaryKeyField(agency_users, many=True, required=False)
    is_active = serializers.BooleanField(required=False)
    notes = StrictCharField(required=False, allow_blank=True)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices, required=False)
    handling_conditions = StrictCharField(required=False, allow_blank=True)


class RequirementSerializer(ModelSerializer):
    """An intelligence requirement."""

    status = NamedChoiceField(
        "RequirementStatusEnum", choices=IntelligenceRequirement.Status.choices, read_only=True
    )

    class Meta:
        model = IntelligenceRequirement
        fields = [
            "id",
            "title",
            "question",
            "priority",
            "status",
            "due_date",
            "classification",
            "handling_code",
            "handling_conditions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RequirementSummarySerializer(serializers.Serializer):
    """How well a requirement is answered, and how much rests on one source."""

    counts = GradeCountsSerializer()
    sources = serializers.IntegerField(help_text="Distinct sources of the answers.")
    top_source = serializers.CharField(help_text="Reference of the source of most answers.")
    top_source_reports = serializers.IntegerField()
    top_source_share = serializers.FloatField()


class RequirementDetailSerializer(RequirementSerializer):
    """A requirement with the grading summary of the answers the caller may see."""

    summary = serializers.SerializerMethodField()

    class Meta(RequirementSerializer.Meta):
        fields = [*RequirementSerializer.Meta.fields, "summary"]
        read_only_fields = fields

    @extend_schema_field(RequirementSummarySerializer)
    def get_summary(self, requirement: IntelligenceRequirement) -> dict[str, Any]:
        actor = self.context["request"].user
        summary = reads.requirement_summary(actor=actor, requirement=requirement)
        return dict(RequirementSummarySerializer(summary).data)


class RequirementCreateSerializer(serializers.Serializer):
    """Open an intelligence requirement."""

    title = StrictCharField(max_length=200)
    question = StrictCharField()
    priority = serializers.ChoiceField(
        choices=IntelligenceRequirement.Priority.choices,
        default=IntelligenceRequirement.Priority.MEDIUM,
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.OFFICIAL
    )
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices, default=HandlingCode.P)
    handling_conditions = StrictCharField(required=False, allow_blank=True, default="")


class RequirementUpdateSerializer(VersionedPatch):
    """Changes to an open requirement from the copy at ``version`` (``due_date: null``
    clears it)."""

    version = serializers.IntegerField(min_value=1)
    title = StrictCharField(max_length=200, required=False)
    question = StrictCharField(required=False)
    priority = serializers.ChoiceField(
        choices=IntelligenceRequirement.Priority.choices, required=False
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices, required=False)
    handling_conditions = StrictCharField(required=False, allow_blank=True)
