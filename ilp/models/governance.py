"""Governance records: disseminations (28 CFR Part 23), notifications to recipients, and
review decisions (28 CFR Part 23 five-year review; MoPI review, retention and disposal)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Dissemination(models.Model):
    """A record shared outside its owner's need-to-know: who got it, why, on what conditions,
    who shared it and when. Only a dissemination makes a record visible to its recipient."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    recipient_agency = models.ForeignKey(
        "ilp.Agency", on_delete=models.PROTECT, related_name="disseminations_received"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disseminations_received",
        help_text="A named person in the recipient agency; blank for the whole agency.",
    )
    purpose = models.TextField(help_text="Why the recipient needs and has a right to know.")
    handling_code = models.CharField(max_length=1)
    handling_conditions = models.TextField(blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disseminations_made"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    record_repr = models.CharField(max_length=300)

    class Meta:
        ordering = ["-shared_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["recipient_agency", "content_type"]),
        ]

    def __str__(self) -> str:
        return f"{self.record_repr} → {self.recipient_agency.code}"


class Notification(models.Model):
    """A message to a user, e.g. that a record disseminated to them was corrected."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    dissemination = models.ForeignKey(
        Dissemination, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:60]


class ReviewDecision(models.Model):
    """A reviewer's decision on a record that came due: validate (with the rationale and the
    next review date) or purge. Kept after a purge as the record's stub."""

    class Decision(models.TextChoices):
        VALIDATE = "validate", "Validated and retained"
        PURGE = "purge", "Purged"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    agency = models.ForeignKey("ilp.Agency", on_delete=models.PROTECT, related_name="+")
    record_repr = models.CharField(max_length=300)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    rationale = models.TextField()
    next_review = models.DateField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.record_repr}"
