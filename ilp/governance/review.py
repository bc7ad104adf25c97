"""Review and retention (28 CFR Part 23 §23.20(h); MoPI): every record about a person gets a
review date from its agency's policy; a supervisor validates it (with a rationale, which sets
the next date) or purges it. Nothing is purged without a decision on record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone

from ilp.audit import audit_record
from ilp.models import Agency, AuditEvent, Notification, Record, ReviewDecision, User

_REVIEWABLE: list[type[Record]] = []


def register_reviewable(model: type[Record]) -> None:
    """Put a kind of record under review (called by each stage for its records about people)."""
    if model not in _REVIEWABLE:
        _REVIEWABLE.append(model)


def reviewable_models() -> list[type[Record]]:
    """The kinds of record under review."""
    return list(_REVIEWABLE)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def review_schedule_missing() -> int:
    """Give every reviewable record without a review date one: entry date + the agency's
    review period. Returns how many records were scheduled."""
    scheduled = 0
    for agency in Agency.objects.all():
        for model in _REVIEWABLE:
            for record in (
                model.objects.filter(agency=agency, review_due__isnull=True)
                .only("pk", "created_at")
                .iterator(chunk_size=2000)
            ):
                due = add_years(record.created_at.date(), agency.review_period_years)
                scheduled += model.objects.filter(pk=record.pk, review_due__isnull=True).update(
                    review_due=due
                )
    return scheduled


@dataclass(frozen=True)
class DueRecord:
    """A record in a supervisor's review queue."""

    record: Record
    kind: str
    content_type_id: int


def review_queue(*, actor: User, on: dt.date | None = None) -> list[DueRecord]:
    """Records due for review that the actor may see and decide on, oldest due first."""
    from ilp.selectors import record_scope

    if not actor.has_perm("ilp.add_reviewdecision"):
        return []
    today = on or timezone.localdate()
    due: list[DueRecord] = []
    for model in _REVIEWABLE:
        content_type = ContentType.objects.get_for_model(model)
        records: QuerySet[Record] = record_scope(actor=actor, queryset=model.objects.all())
        for record in records.filter(review_due__lte=today).order_by("review_due", "pk")[:500]:
            due.append(DueRecord(record, str(model._meta.verbose_name), content_type.pk))
    return sorted(due, key=lambda d: (d.record.review_due or today, d.kind, d.record.pk))


def _locked(actor: User, model: type[Record], pk: int) -> Record:
    from ilp.selectors import record_scope

    if not actor.has_perm("ilp.add_reviewdecision"):
        raise PermissionDenied("Only supervisors review records.")
    if model not in _REVIEWABLE:
        raise ValidationError("That kind of record is not under review.")
    record = (
        record_scope(actor=actor, queryset=model.objects.all())
        .select_for_update()
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise ValidationError("That record no longer exists: it may have just been purged.")
    return record


def _decide(
    actor: User, record: Record, decision: str, rationale: str, next_review: dt.date | None
) -> ReviewDecision:
    return ReviewDecision.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        agency_id=record.agency_id,
        record_repr=str(record)[:300],
        decision=decision,
        rationale=rationale,
        next_review=next_review,
        reviewer=actor,
    )


@transaction.atomic
def record_validate(
    *,
    actor: User,
    model: type[Record],
    pk: int,
    rationale: str,
    next_review: dt.date | None = None,
) -> ReviewDecision:
    """Keep a record: the rationale is required and sets the next review date (at most the
    agency's review period ahead)."""
    if len(rationale.strip()) < 10:
        raise ValidationError({"rationale": "Write the reason the record is still needed."})
    record = _locked(actor, model, pk)
    today = timezone.localdate()
    limit = add_years(today, record.agency.review_period_years)
    next_date = next_review or limit
    if not today < next_date <= limit:
        raise ValidationError(
            {"next_review": f"Choose a date after today and no later than {limit:%d/%m/%Y}."}
        )
    model.objects.filter(pk=pk).update(review_due=next_date, version=F("version") + 1)
    decision = _decide(
        actor, record, ReviewDecision.Decision.VALIDATE, rationale.strip(), next_date
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REVIEW,
        obj=record,
        purpose=rationale,
        details={"decision": "validate", "next_review": next_date.isoformat()},
    )
    return decision


@transaction.atomic
def record_purge(*, actor: User, model: type[Record], pk: int, rationale: str) -> ReviewDecision:
    """Remove a record and what existed only for it (its links); keep the decision and the
    audit trail as its stub. Two purges at once: the second finds nothing and is refused."""
    if len(rationale.strip()) < 10:
        raise ValidationError({"rationale": "Write the reason the record is purged."})
    record = _locked(actor, model, pk)
    decision = _decide(actor, record, ReviewDecision.Decision.PURGE, rationale.strip(), None)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.PURGE,
        obj=record,
        purpose=rationale,
        details={"decision": "purge"},
    )
    record.delete()
    return decision


def review_notify_due(on: dt.date | None = None) -> int:
    """Tell each agency's supervisors how many of their records are due (periodic task)."""
    today = on or timezone.localdate()
    sent = 0
    for agency in Agency.objects.all():
        count = sum(
            model.objects.filter(agency=agency, review_due__lte=today).count()
            for model in _REVIEWABLE
        )
        if not count:
            continue
        supervisors = User.objects.filter(
            agency=agency, is_active=True, groups__permissions__codename="add_reviewdecision"
        ).distinct()
        for supervisor in supervisors:
            Notification.objects.create(
                user=supervisor,
                message=f"{count} record(s) are due for review.",
                link="/governance/reviews/",
            )
            sent += 1
    return sent


def model_for(content_type_id: int) -> type[Record]:
    """The reviewable model of a content type id (refused if it is not reviewable)."""
    model: type[Model] | None = ContentType.objects.get_for_id(content_type_id).model_class()
    if model not in _REVIEWABLE:
        raise ValidationError("That kind of record is not under review.")
    assert model is not None
    assert issubclass(model, Record)
    return model
