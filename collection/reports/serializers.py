"""API serializers of reports, sources and requirements: read shapes, brief shapes for nesting,
and the write payloads the services take. Writable relations only accept what the caller may
see (``ScopedPrimaryKeyField``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from collection import selectors
from collection.entities.api_support import StrictBooleanField
from collection.models import IntelligenceRequirement, Report, ReportLink, Source
from collection.reports import selectors as reads
from collection.reports.entity_kinds import KIND_CHOICES
from collection.reports.schema import VersionedPatch
from ilp.api.fields import ModelSerializer, NamedChoiceField, StrictCharField, StrictDateTimeField
from ilp.choices import Classification
from ilp.grading import GradingScheme, HandlingCode
from ilp.models import User


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key that must name a record the caller may see (through a selector)."""

    def __init__(self, selector: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return self.selector(actor=request.user if request is not None else AnonymousUser())


def agency_users(*, actor: Any) -> QuerySet[User]:
    """Active users of the actor's agency (who may handle its sources)."""
    if not getattr(actor, "agency_id", None):
        return User.objects.none()
    return User.objects.filter(agency_id=actor.agency_id, is_active=True)


class UserBriefSerializer(ModelSerializer):
    """A user, for nesting: who wrote or approved a record."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.username


class SourceBriefSerializer(ModelSerializer):
    """A source by its sanitised reference only: never its identity."""

    kind = NamedChoiceField("SourceKindEnum", choices=Source.Kind.choices, read_only=True)

    class Meta:
        model = Source
        fields = ["id", "reference", "kind"]


class RequirementBriefSerializer(ModelSerializer):
    """A requirement, for nesting."""

    status = NamedChoiceField(
        "RequirementStatusEnum", choices=IntelligenceRequirement.Status.choices, read_only=True
    )

    class Meta:
        model = IntelligenceRequirement
        fields = ["id", "title", "status", "priority", "due_date"]


class ReportBriefSerializer(ModelSerializer):
    """A report, for nesting."""

    grade = serializers.CharField(read_only=True)
    status = NamedChoiceField("ReportStatusEnum", choices=Report.Status.choices, read_only=True)

    class Meta:
        model = Report
        fields = ["id", "reference", "title", "grade", "status", "received_at"]


class ReportLinkSerializer(serializers.Serializer):
    """A link from a report to one entity, in a role."""

    id = serializers.IntegerField()
    kind = NamedChoiceField("EntityKindEnum", choices=KIND_CHOICES)
    entity_id = serializers.IntegerField()
    entity = serializers.CharField(help_text="How the entity reads, e.g. 'SMITH, John'.")
    role = NamedChoiceField("ReportLinkRoleEnum", choices=ReportLink.Role.choices)


def link_data(link: ReportLink) -> dict[str, Any]:
    """One link as the API shows it."""
    kind = next(
        k for k in ("person", "location", "vehicle", "organisation") if getattr(link, f"{k}_id")
    )
    return {
        "id": link.pk,
        "kind": kind,
        "entity_id": getattr(link, f"{kind}_id"),
        "entity": str(link.entity),
        "role": link.role,
    }


RECORDS_VIEWS_HELP = (
    "The report records political, religious or social views, associations or activities: "
    "allowed only when they relate directly to criminal conduct (28 CFR Part 23 §23.20(b))."
)
VIEWS_JUSTIFICATION_HELP = (
    "How those views or activities relate directly to criminal conduct. Required (at least 20 "
    "characters) when records_views is true; without it the write is refused with 400 naming "
    "views_justification."
)


class ReportSerializer(ModelSerializer):
    """A report as listed: its grade in 3x5x2 and as originally given, handling and workflow."""

    records_views = serializers.BooleanField(read_only=True, help_text=RECORDS_VIEWS_HELP)
    views_justification = serializers.CharField(read_only=True, help_text=VIEWS_JUSTIFICATION_HELP)

    grade = serializers.CharField(read_only=True, help_text="3x5x2, e.g. '2B P'.")
    source = SourceBriefSerializer(read_only=True)  # type: ignore[assignment]
    author = UserBriefSerializer(read_only=True)
    approved_by = UserBriefSerializer(read_only=True, allow_null=True)
    requirements = RequirementBriefSerializer(many=True, read_only=True)
    status = NamedChoiceField("ReportStatusEnum", choices=Report.Status.choices, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "reference",
            "title",
            "body",
            "received_at",
            "source",
            "grade",
            "source_evaluation",
            "intelligence_assessment",
            "handling_code",
            "handling_conditions",
            "original_scheme",
            "original_grade",
            "classification",
            "status",
            "returned_reason",
            "author",
            "submitted_at",
            "approved_by",
            "approved_at",
            "requirements",
            "records_views",
            "views_justification",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    """A report with the entities it mentions (those the caller may see)."""

    links = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "links"]
        read_only_fields = fields

    @extend_schema_field(ReportLinkSerializer(many=True))
    def get_links(self, report: Report) -> list[dict[str, Any]]:
        actor = self.context["request"].user
        groups = reads.report_links(actor=actor, report=report)
        return [link_data(link) for group in groups for link, _url in group.items]


class GradeFields(serializers.Serializer):
    """The grade in any scheme (see collection.reports.grading for the layout)."""

    original_scheme = serializers.ChoiceField(
        choices=GradingScheme.choices,
        required=False,
        help_text="3x5x2 (default), 5x5x5 or admiralty.",
    )
    source_evaluation = StrictCharField(
        required=False, allow_blank=True, max_length=1, help_text="3x5x2 only: 1, 2 or 3."
    )
    intelligence_assessment = StrictCharField(
        required=False, allow_blank=True, max_length=1, help_text="3x5x2 only: A to E."
    )
    original_grade = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text="5x5x5: source A–E, intelligence 1–5, handling 1–5, e.g. 'B24'. "
        "Admiralty: reliability A–F, credibility 1–6, e.g. 'B2'.",
    )
    handling_code = serializers.ChoiceField(
        choices=HandlingCode.choices,
        required=False,
        help_text="3x5x2 and Admiralty: P or C. 5x5x5 derives it from the grade.",
    )
    handling_conditions = StrictCharField(
        required=False, allow_blank=True, help_text="Required with handling code C."
    )

    GRADE_FIELDS = (
        "original_scheme",
        "source_evaluation",
        "intelligence_assessment",
        "original_grade",
        "handling_code",
        "handling_conditions",
    )


class ReportCreateSerializer(GradeFields):
    """What a caller sends to log a report (saved as their draft)."""

    title = StrictCharField(max_length=200)
    body = StrictCharField()
    received_at = StrictDateTimeField()
    source = ScopedPrimaryKeyField(selectors.source_list)  # type: ignore[assignment]
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.OFFICIAL
    )
    requirements = ScopedPrimaryKeyField(selectors.requirement_list, many=True, required=False)
    records_views = StrictBooleanField(required=False, help_text=RECORDS_VIEWS_HELP)
    views_justification = StrictCharField(
        required=False, allow_blank=True, max_length=2000, help_text=VIEWS_JUSTIFICATION_HELP
    )


class ReportUpdateSerializer(ReportCreateSerializer, VersionedPatch):
    """Changes to a draft or returned report, from the copy at ``version``. Send only what
    changes; to change the grade send ``original_scheme`` with the parts of its grade."""

    version = serializers.IntegerField(min_value=1)
    title = StrictCharField(max_length=200, required=False)
    body = StrictCharField(required=False)
    received_at = StrictDateTimeField(required=False)
    source = ScopedPrimaryKeyField(selectors.source_list, required=False)  # type: ignore[assignment]
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)


class ReportActionSerializer(serializers.Serializer):
    """A workflow step, optionally refused if the report is no longer at ``version``."""

    version = serializers.IntegerField(min_value=1, required=False)


class ReportReturnSerializer(ReportActionSerializer):
    """Return a report to its author, saying why."""

    reason = StrictCharField(max_length=2000)


class ReportLinkCreateSerializer(serializers.Serializer):
    """Link an entity the caller may see to a draft or returned report of theirs."""

    kind = NamedChoiceField("EntityKindEnum", choices=KIND_CHOICES)
    entity = serializers.IntegerField(min_value=1, help_text="The id of the person, location…")
    role = NamedChoiceField(
        "ReportLinkRoleEnum", choices=ReportLink.Role.choices, default=ReportLink.Role.MENTIONED
    )
