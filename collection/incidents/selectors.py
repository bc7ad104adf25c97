"""Reads about incidents for the acting user, on top of ``collection.selectors.incident_list``
(the one place incident visibility is decided)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from collection.models import Import, Incident, IncidentPerson
from collection.selectors import (
    import_list,
    incident_list,
    incident_list_parts,
    offence_type_list,
)
from ilp import selectors as core_selectors
from ilp.selectors import Actor

TREND_DAYS = 28
TREND_TOP = 5


def incident_rows(*, actor: Actor) -> QuerySet[Incident]:
    """Incidents the actor may see, newest first, with what a list row shows."""
    return incident_list(actor=actor).select_related("offence").order_by("-occurred_from", "-id")


def incident_detail(*, actor: Actor) -> QuerySet[Incident]:
    """Incidents the actor may see, with what the detail page shows."""
    return incident_list(actor=actor).select_related("offence", "source_import", "created_by")


def incident_involvements(*, actor: Actor, incident: Incident) -> list[IncidentPerson]:
    """The people involved in an incident whom the actor may see, by role then name."""
    people = core_selectors.person_list(actor=actor)
    return list(
        IncidentPerson.objects.filter(incident=incident, person__in=people)
        .select_related("person")
        .order_by("role", "person__surname", "person__forenames", "id")
    )


def incident_import(*, actor: Actor, incident: Incident) -> Import | None:
    """The import an incident came from, if the actor may see it."""
    if incident.source_import_id is None:
        return None
    return import_list(actor=actor).filter(pk=incident.source_import_id).first()


def offence_categories(*, actor: Actor) -> list[str]:
    """The offence categories in use, for the filter's choices."""
    return list(
        offence_type_list(actor=actor)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class OffenceTrend:
    """Counts and harm of one offence in the last period and the one before."""

    offence: str
    current: int
    previous: int
    harm_weight: Decimal | None

    @property
    def change(self) -> int:
        """Current minus previous."""
        return self.current - self.previous


@dataclass(frozen=True)
class IncidentTrend:
    """Incidents of the last ``days`` against the ``days`` before, by top offence, with the
    harm-weighted totals (sum of OffenceType.harm_weight; unweighted offences count zero
    and are reported apart, so missing weights are visible, not hidden)."""

    start: date
    days: int
    offences: list[OffenceTrend]
    current_total: int
    previous_total: int
    current_harm: Decimal
    previous_harm: Decimal
    current_unweighted: int
    previous_unweighted: int


def incident_trend(
    *, actor: Actor, today: date | None = None, days: int = TREND_DAYS, top: int = TREND_TOP
) -> IncidentTrend:
    """The dashboard's comparison of the last ``days`` days with the previous ``days``.

    Counted per part of the access rule (incident_list_parts) and added up: the one OR of
    ``incident_list`` would have PostgreSQL read every incident, where each part alone is served
    by an index (agency and date for the wholesale part, ids for the one-by-one part)."""
    today = today or timezone.localdate()
    end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    middle = end - timedelta(days=days)
    start = middle - timedelta(days=days)
    current = Q(occurred_from__gte=middle)
    previous = Q(occurred_from__lt=middle)
    counts: dict[int, OffenceTrend] = {}
    parts = incident_list_parts(actor=actor)
    for part in (parts.wholesale, parts.one_by_one):
        window = part.filter(occurred_from__gte=start, occurred_from__lt=end).order_by()
        for row in window.values(
            "offence_id", name=F("offence__name"), weight=F("offence__harm_weight")
        ).annotate(current=Count("id", filter=current), previous=Count("id", filter=previous)):
            seen = counts.get(row["offence_id"])
            counts[row["offence_id"]] = OffenceTrend(
                row["name"],
                row["current"] + (seen.current if seen else 0),
                row["previous"] + (seen.previous if seen else 0),
                row["weight"],
            )
    rows = sorted(counts.values(), key=lambda r: (-r.current, -r.previous, r.offence))
    harm = [Decimal(0), Decimal(0)]
    unweighted = [0, 0]
    for row in rows:
        if row.harm_weight is None:
            unweighted[0] += row.current
            unweighted[1] += row.previous
        else:
            harm[0] += row.harm_weight * row.current
            harm[1] += row.harm_weight * row.previous
    return IncidentTrend(
        start=middle.date(),
        days=days,
        offences=rows[:top],
        current_total=sum(r.current for r in rows),
        previous_total=sum(r.previous for r in rows),
        current_harm=harm[0],
        previous_harm=harm[1],
        current_unweighted=unweighted[0],
        previous_unweighted=unweighted[1],
    )
