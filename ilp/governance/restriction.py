"""Restricting a record to named people and units (django-guardian object permissions).

A unit is represented by a group named ``unit-<id>``; record_scope matches the actor's unit
against it directly, so nobody has to be kept in step as a group member.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm

from ilp.audit import audit_record
from ilp.models import AuditEvent, Record, Unit, User


def unit_group_name(unit_id: int) -> str:
    """The guardian group that stands for a unit."""
    return f"unit-{unit_id}"


def view_permission(record: Record) -> str:
    """The object permission that lets a named person or unit see a restricted record."""
    return f"{record._meta.app_label}.view_{record._meta.model_name}"


@transaction.atomic
def record_restrict(
    *, actor: User, record: Record, users: Iterable[User] = (), units: Iterable[Unit] = ()
) -> Record:
    """Restrict a record to the named users and units, and to the actor who restricted it."""
    from ilp.selectors import record_scope

    if (
        not record_scope(actor=actor, queryset=type(record).objects.all())
        .filter(pk=record.pk)
        .exists()
    ):
        raise PermissionDenied("You cannot restrict a record you cannot see.")
    if record.agency_id != actor.agency_id:
        raise PermissionDenied("Only the agency that owns a record may restrict it.")
    users, units = list(users), list(units)
    for user in users:
        if user.agency_id != record.agency_id:
            raise ValidationError({"users": f"{user} is not in the record's agency."})
    for unit in units:
        if unit.agency_id != record.agency_id:
            raise ValidationError({"units": f"{unit} is not in the record's agency."})
    permission = view_permission(record)
    for user in {actor, *users}:
        assign_perm(permission, user, record)
    for unit in units:
        group, _ = Group.objects.get_or_create(name=unit_group_name(unit.pk))
        assign_perm(permission, group, record)
    type(record).objects.filter(pk=record.pk).update(restricted=True)
    record.restricted = True
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=record,
        details={
            "restricted_to": {
                "users": sorted(u.username for u in {actor, *users}),
                "units": sorted(str(u) for u in units),
            }
        },
    )
    return record


def restriction_of(record: Record) -> dict[str, list[str]]:
    """Who a restricted record is open to (for its page)."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    grants = {"content_type__app_label": record._meta.app_label, "object_pk": str(record.pk)}
    codename = f"view_{record._meta.model_name}"
    user_ids = UserObjectPermission.objects.filter(permission__codename=codename, **grants).values(
        "user_id"
    )
    group_names = GroupObjectPermission.objects.filter(
        permission__codename=codename, **grants
    ).values_list("group__name", flat=True)
    unit_ids = [int(name.split("-", 1)[1]) for name in group_names if name.startswith("unit-")]
    return {
        "users": sorted(
            u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)
        ),
        "units": sorted(str(u) for u in Unit.objects.filter(pk__in=unit_ids)),
    }
