"""What every intelligence record carries: owner, classification, handling, and a version."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ilp.choices import Classification
from ilp.grading import HandlingCode


class RecordQuerySet(models.QuerySet):
    """Chainable filters shared by every intelligence record."""

    def of_agency(self, agency_id: int | None) -> RecordQuerySet:
        """Records owned by one agency (none when the agency is unknown)."""
        return self.filter(agency_id=agency_id) if agency_id else self.none()


class Record(models.Model):
    """Abstract base of every intelligence record.

    Access is decided in selectors from these fields; ``version`` lets a service refuse a save
    made from a stale copy (two people editing at once).
    """

    agency = models.ForeignKey("ilp.Agency", on_delete=models.PROTECT, related_name="+")
    classification = models.PositiveSmallIntegerField(
        choices=Classification.choices, default=Classification.OFFICIAL
    )
    handling_code = models.CharField(
        max_length=1, choices=HandlingCode.choices, default=HandlingCode.P
    )
    handling_conditions = models.TextField(
        blank=True, help_text="Required with handling code C; shown wherever the record goes."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    restricted = models.BooleanField(
        default=False,
        help_text="Visible only to the people and units named on it, and whoever restricted it.",
    )
    review_due = models.DateField(
        null=True, blank=True, db_index=True, help_text="When the record must next be reviewed."
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.handling_code == HandlingCode.C and not self.handling_conditions.strip():
            raise ValidationError(
                {"handling_conditions": "Handling code C needs its conditions written down."}
            )
