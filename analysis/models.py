"""Analysis jobs: a method run over the records a user may see, watched as it runs."""

from __future__ import annotations

from django.db import models

from ilp.models import Record


class AnalysisJob(Record):
    """One run of an analysis method: parameters, seed, inputs, progress and result.

    The job's classification is the highest of its inputs', so its result is shown only to users
    who could see every input. Rerunning with the stored parameters and seed gives the same
    numbers.
    """

    class Kind(models.TextChoices):
        KDE = "kde", "Kernel density (hotspot surface)"
        GISTAR = "gistar", "Getis-Ord Gi* hotspots"
        NEAR_REPEAT = "near_repeat", "Near repeat (Knox test)"
        REPEATS = "repeats", "Repeats and concentration"
        RANKING = "ranking", "Offender ranking (recency, frequency, harm)"
        NETWORK = "network", "Co-offending network"
        TEMPORAL = "temporal", "Temporal patterns"
        FORECAST = "forecast", "Hotspot forecast and its accuracy"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    inputs = models.JSONField(
        default=dict, blank=True, help_text="Which records: period, offences, area."
    )
    seed = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    input_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["agency", "-queued_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        """Whether the job has reached a final state."""
        return self.status in self.FINISHED

    @property
    def duration_seconds(self) -> float | None:
        """Run time, once started."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
