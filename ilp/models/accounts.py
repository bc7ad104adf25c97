"""Core models: agencies, their units, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from ilp.choices import Classification


def validate_time_zone(value: str) -> None:
    """Refuse a time zone name that the IANA database does not know."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. Europe/London).")


class Agency(models.Model):
    """A police force or partner organisation; it owns its records and its users."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police force"
        PARTNER = "partner", "Partner agency"

    code = models.CharField(
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9_-]{2,16}$", "Use 2-16 capital letters or digits.")],
        help_text="Short code used on the command line and in the API, e.g. DEMO.",
    )
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.POLICE)
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="Times without a zone in this agency's imports are read in this zone.",
    )
    review_period_years = models.PositiveSmallIntegerField(
        default=5,
        help_text="Records are reviewed this long after entry or their last review "
        "(28 CFR Part 23: at most five years).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Unit(models.Model):
    """A team inside an agency (intelligence unit, response team, neighbourhood team...)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unit_code_unique_in_agency"),
            models.UniqueConstraint(fields=["agency", "name"], name="unit_name_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code})"


class User(AbstractUser):
    """A person who signs in. Roles are groups (see ilp.roles); the agency owns the account."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    clearance = models.PositiveSmallIntegerField(
        choices=Classification.choices,
        default=Classification.OFFICIAL,
        help_text="Highest security classification this user may read.",
    )

    def clean(self) -> None:
        super().clean()
        if self.unit is not None and self.agency_id and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": "The unit must belong to the user's agency."})

    @property
    def role_names(self) -> list[str]:
        """The user's roles (group names), sorted for display."""
        return sorted(group.name for group in self.groups.all())


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    """Chainable filters for API tokens."""

    def active(self, at: datetime | None = None) -> ApiTokenQuerySet:
        """Tokens that are neither revoked nor expired."""
        now = at or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A revocable, expiring API key for a partner system or script.

    Only a SHA-256 digest of the key is stored; the key itself is shown once, when made.
    """

    KEY_PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'RMS sync'.")
    prefix = models.CharField(max_length=KEY_PREFIX_LENGTH, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        """A fresh random key (about 256 bits)."""
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(key: str) -> str:
        """The stored digest of a key."""
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        """Whether the token can still authenticate."""
        return self.revoked_at is None and self.expires_at > timezone.now()
