"""The append-only audit trail: who read, searched, exported, changed or shared what, when,
from where and why. PostgreSQL refuses UPDATE and DELETE on it (see migration 0003)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One audited action. Rows are never changed or deleted; a purged record keeps its stub."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        DISSEMINATE = "disseminate", "Disseminated"
        REVIEW = "review", "Reviewed"
        PURGE = "purge", "Purged"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOGOUT = "logout", "Signed out"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: an audit row must outlive what it names.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True, help_text="The record's owner.")
    purpose = models.TextField(blank=True, help_text="The reason the user gave, if asked.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-at"]),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        target = f" {self.object_type}#{self.object_id}" if self.object_type else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}{target}"
