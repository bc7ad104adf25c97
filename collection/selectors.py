"""Reads of collection records, each decided for the acting user (the one place access is
decided: pages, API, exports, maps, search and analysis inputs all come through here)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from collection.models import (
    Import,
    Incident,
    IntelligenceRequirement,
    OffenceType,
    Report,
    Source,
)
from ilp.models import User
from ilp.selectors import Actor, ScopeParts, record_scope, record_scope_parts


def source_list(*, actor: Actor) -> QuerySet[Source]:
    """Sources the actor may see (their identity is a separate question: source_identity)."""
    return record_scope(actor=actor, queryset=Source.objects.all())


def source_identity_visible(*, actor: Actor, source: Source) -> bool:
    """Whether the actor may read who the source is: for a covert source only its handlers;
    for other kinds anyone who may see the source."""
    if not actor.is_authenticated:
        return False
    if not source_list(actor=actor).filter(pk=source.pk).exists():
        return False
    if not source.is_covert:
        return True
    return source.handlers.filter(pk=actor.pk).exists()


def report_list(*, actor: Actor) -> QuerySet[Report]:
    """Reports the actor may see: submitted and approved ones within the record scope (agency,
    clearance, restrictions, disseminations), and their own drafts and returned reports (a
    draft is its author's until submitted)."""
    reports = record_scope(actor=actor, queryset=Report.objects.all())
    if not isinstance(actor, User):
        return reports.none()
    return reports.filter(
        Q(status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED]) | Q(author_id=actor.pk)
    ).select_related("source", "author")


def requirement_list(*, actor: Actor) -> QuerySet[IntelligenceRequirement]:
    """Intelligence requirements the actor may see."""
    return record_scope(actor=actor, queryset=IntelligenceRequirement.objects.all())


def incident_list(*, actor: Actor) -> QuerySet[Incident]:
    """Incidents the actor may see."""
    return record_scope(actor=actor, queryset=Incident.objects.all())


def incident_list_parts(*, actor: Actor) -> ScopeParts:
    """``incident_list`` as its wholesale and one-by-one parts, for counts over many incidents
    that an index can serve part by part (ilp.selectors.ScopeParts)."""
    return record_scope_parts(actor=actor, queryset=Incident.objects.all())


def import_list(*, actor: Actor) -> QuerySet[Import]:
    """Imports of the actor's agency."""
    if not isinstance(actor, User) or actor.agency_id is None:
        return Import.objects.none()
    return Import.objects.filter(agency_id=actor.agency_id)


def offence_type_list(*, actor: Actor) -> QuerySet[OffenceType]:
    """The offence table (shared vocabulary, visible to every signed-in user)."""
    if not actor.is_authenticated:
        return OffenceType.objects.none()
    return OffenceType.objects.all()
