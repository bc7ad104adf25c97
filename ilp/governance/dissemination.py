"""Dissemination (28 CFR Part 23 §23.20(e)): sharing a record with another agency or person
creates a dissemination record first, and only that makes the record visible to them;
corrections to a disseminated record are notified to every recipient (§23.20(h))."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ilp.audit import audit_record
from ilp.grading import HandlingCode
from ilp.models import Agency, AuditEvent, Dissemination, Notification, Record, User


@transaction.atomic
def record_disseminate(
    *,
    actor: User,
    record: Record,
    recipient_agency: Agency,
    purpose: str,
    recipient_user: User | None = None,
    conditions_acknowledged: bool = False,
) -> Dissemination:
    """Share ``record`` with an agency (or one named person in it) for a stated purpose.

    A record with handling code C travels with its conditions: the sharer must confirm that
    the recipient is shown them, and they are copied onto the dissemination.
    """
    from ilp.selectors import record_scope

    if not actor.has_perm("ilp.add_dissemination"):
        raise PermissionDenied("You may not disseminate records.")
    visible = record_scope(actor=actor, queryset=type(record).objects.all())
    if not visible.filter(pk=record.pk).exists():
        raise PermissionDenied("You cannot share a record you cannot see.")
    if record.agency_id != actor.agency_id:
        raise ValidationError("Only the owning agency may disseminate a record onward.")
    if not purpose.strip():
        raise ValidationError({"purpose": "Say why the recipient needs and has a right to know."})
    if recipient_agency.pk == record.agency_id and recipient_user is None:
        raise ValidationError({"recipient_agency": "The record already belongs to that agency."})
    if recipient_user is not None and recipient_user.agency_id != recipient_agency.pk:
        raise ValidationError({"recipient_user": "That person is not in the recipient agency."})
    if record.handling_code == HandlingCode.C and not conditions_acknowledged:
        raise ValidationError(
            {
                "conditions_acknowledged": "Handling code C: confirm the recipient is shown the "
                f"conditions: {record.handling_conditions}"
            }
        )
    dissemination = Dissemination.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        recipient_agency=recipient_agency,
        recipient_user=recipient_user,
        purpose=purpose.strip(),
        handling_code=record.handling_code,
        handling_conditions=record.handling_conditions,
        shared_by=actor,
        record_repr=str(record)[:300],
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DISSEMINATE,
        obj=record,
        purpose=dissemination.purpose,
        details={
            "recipient_agency": recipient_agency.code,
            "recipient_user": recipient_user.username if recipient_user else None,
            "dissemination": dissemination.pk,
        },
    )
    for user in _recipients(dissemination):
        Notification.objects.create(
            user=user,
            dissemination=dissemination,
            message=f"{actor.agency} shared “{dissemination.record_repr}” with you.",
        )
    return dissemination


def _recipients(dissemination: Dissemination) -> QuerySet[User]:
    if dissemination.recipient_user_id:
        return User.objects.filter(pk=dissemination.recipient_user_id, is_active=True)
    return User.objects.filter(agency_id=dissemination.recipient_agency_id, is_active=True)


def disseminations_of(record: Record) -> QuerySet[Dissemination]:
    """Every dissemination of a record (for its owner's page and the audit)."""
    return Dissemination.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("recipient_agency", "recipient_user", "shared_by")


def record_corrected(*, actor: User, record: Record, summary: str) -> int:
    """Tell every recipient of a disseminated record that it was corrected; returns how many
    notifications were sent. Services call this after changing a record."""
    sent = 0
    for dissemination in disseminations_of(record):
        for user in _recipients(dissemination):
            Notification.objects.create(
                user=user,
                dissemination=dissemination,
                message=f"Correction to “{dissemination.record_repr}” shared with you on "
                f"{dissemination.shared_at:%d/%m/%Y}: {summary}",
            )
            sent += 1
    return sent


def notification_list(*, actor: User) -> QuerySet[Notification]:
    """The actor's own notifications, newest first."""
    return Notification.objects.filter(user_id=actor.pk)


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read."""
    if notification.user_id != actor.pk:
        raise PermissionDenied("Not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
