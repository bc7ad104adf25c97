"""Serializers of analysis jobs: as listed, with their result, and what a caller sends to run
one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers

from analysis.models import AnalysisJob
from analysis.runners import RUNNERS
from ilp.api.fields import ModelSerializer, NamedChoiceField, StrictDateTimeField

_KIND_LABELS = dict(AnalysisJob.Kind.choices)


class JobSerializer(ModelSerializer):
    """A job as listed: settings, status and timings, without its (possibly large) result."""

    kind = NamedChoiceField("AnalysisJobKindEnum", choices=AnalysisJob.Kind.choices, read_only=True)
    status = NamedChoiceField(
        "AnalysisJobStatusEnum", choices=AnalysisJob.Status.choices, read_only=True
    )
    created_by = serializers.CharField(
        source="created_by.username",
        read_only=True,
        allow_null=True,
        help_text="Username of the analyst who ran it.",
    )
    duration_seconds = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Run time, once finished."
    )

    class Meta:
        model = AnalysisJob
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "progress",
            "parameters",
            "inputs",
            "seed",
            "input_count",
            "error",
            "cancel_requested",
            "classification",
            "created_by",
            "queued_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        ]
        read_only_fields = fields


class JobDetailSerializer(JobSerializer):
    """A job with its result (cells for kde and gistar, band tables for near_repeat)."""

    result = serializers.JSONField(
        read_only=True, allow_null=True, help_text="Set once the job has succeeded."
    )

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "result"]
        read_only_fields = fields


class JobInputsSerializer(serializers.Serializer):
    """Which incidents a job reads (all the caller may see when empty)."""

    occurred_from = StrictDateTimeField(required=False, help_text="Incidents from this time.")
    occurred_to = StrictDateTimeField(required=False, help_text="Incidents before this time.")
    offences = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="Offence type ids; all when absent.",
    )
    area = serializers.IntegerField(required=False, min_value=1, help_text="An area id.")
    polygon = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="A GeoJSON Polygon or MultiPolygon (WGS84) to clip to; null for none.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # The service refuses inputs it does not know; say so here rather than drop them.
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown input."] for name in sorted(unknown)}
                )
        return dict(super().to_internal_value(data))


def inputs_for_service(inputs: dict[str, Any]) -> dict[str, Any]:
    """Validated inputs as the service stores them: times as ISO 8601 with their offset."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in inputs.items()
    }


class JobCreateSerializer(serializers.Serializer):
    """What a caller sends to run an analysis."""

    kind = NamedChoiceField(
        "AnalysisRunnableKindEnum",
        choices=[(kind, _KIND_LABELS.get(kind, kind)) for kind in RUNNERS],
        help_text="The analyses the platform can run now.",
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    parameters = serializers.DictField(
        required=False,
        default=dict,
        help_text="The method's parameters; defaults for any left out. kde: cell_size, "
        "bandwidth (metres), kernel (quartic, gaussian, epanechnikov). gistar: grid (h3, "
        "square), resolution (h3, 5-11) or cell_size (metres) and neighbours (queen, rook). "
        "near_repeat: spatial_bands (metres) and temporal_bands (days) as increasing break "
        "points, metric (manhattan, euclidean), permutations (1-9999). "
        "temporal: aoristic (equal, proportional, none), max_window_hours, baseline_weeks "
        "(1-52), alpha, correction (none, bh, bonferroni). forecast: grid (h3, square), "
        "resolution (6-11) or cell_size (metres), period_days, method (last, moving_average "
        "with window, ewma with half_life), selection (top_k, area_share in percent), evaluate "
        "(holdout, next). temporal and forecast read clock times in the agency's time zone, "
        "stored as time_zone.",
    )
    inputs = JobInputsSerializer(required=False)
    seed = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Random seed; the same seed and parameters give the same numbers.",
    )
