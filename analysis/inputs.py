"""Loading a job's input records as arrays, through the collection selectors, so a job sees
exactly what its requesting user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.utils.dateparse import parse_datetime
from numpy.typing import NDArray

from collection.models import Incident, IncidentPerson, ReportLink
from collection.selectors import incident_list, report_list
from ilp.models import User
from ilp.selectors import area_list, person_list


@dataclass(frozen=True)
class IncidentArrays:
    """Incidents as parallel arrays (one element per incident)."""

    ids: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    occurred_from: NDArray[np.datetime64]
    occurred_to: NDArray[np.datetime64]
    offence_ids: NDArray[np.int64]
    harm: NDArray[np.float64]
    h3_cells: list[str]
    classification: int
    #: Who was involved in these incidents and who is named together in reports; loaded only for
    #: the kinds that analyse people (``load_incidents(..., with_people=True)``).
    people: PeopleLinks | None = None
    #: The end of the job's period (its ``occurred_to`` input), when it has one: the "as of"
    #: time of methods that measure how recent something is.
    period_end: datetime | None = None
    #: The start of the job's period (its ``occurred_from`` input), when it has one: whether
    #: the first week or period of a temporal summary is wholly covered.
    period_start: datetime | None = None
    #: Whether any input is restricted or another agency's (shared with the requester): then
    #: the requester's colleagues may not see all of it, and neither may they see the result.
    private: bool = False

    @property
    def count(self) -> int:
        """Number of incidents."""
        return int(self.ids.size)


@dataclass(frozen=True)
class PeopleLinks:
    """People as the job's user may see them, linked to the job's incidents and to reports.

    ``incident_*`` arrays have one element per involvement of a visible person in one of the
    job's incidents (with that incident's start time and harm weight); ``report_*`` arrays one per
    mention of a visible person in a visible report received in the job's period.
    """

    incident_ids: NDArray[np.int64]
    incident_person_ids: NDArray[np.int64]
    incident_roles: NDArray[np.str_]
    incident_times: NDArray[np.datetime64]
    incident_harm: NDArray[np.float64]
    report_ids: NDArray[np.int64]
    report_person_ids: NDArray[np.int64]
    report_roles: NDArray[np.str_]
    classification: int
    #: Whether any of these people or reports is restricted or another agency's (see
    #: ``IncidentArrays.private``).
    private: bool = False

    @property
    def people(self) -> NDArray[np.int64]:
        """Every person id that appears, sorted."""
        return np.union1d(self.incident_person_ids, self.report_person_ids)


def _when(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value))
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError({name: "Give a date-time with a time zone."})
    return parsed


def clean_inputs(*, actor: User, inputs: dict[str, Any]) -> dict[str, Any]:
    """Check a job's input description; refer only to what the actor may see."""
    allowed = {"occurred_from", "occurred_to", "offences", "area", "polygon"}
    unknown = set(inputs) - allowed
    if unknown:
        raise ValidationError({"inputs": f"Unknown input(s): {', '.join(sorted(unknown))}."})
    start = _when(inputs.get("occurred_from"), "occurred_from")
    end = _when(inputs.get("occurred_to"), "occurred_to")
    if start and end and end <= start:
        raise ValidationError({"occurred_to": "The period ends before it starts."})
    offences = inputs.get("offences") or []
    if not isinstance(offences, list) or not all(isinstance(o, int) for o in offences):
        raise ValidationError({"offences": "Give offence type ids as a list of numbers."})
    area = inputs.get("area")
    if area is not None and not area_list(actor=actor).filter(pk=area).exists():
        raise ValidationError({"area": "No such area."})
    polygon = inputs.get("polygon")
    if polygon is not None:
        _shape(polygon)
    return {k: v for k, v in inputs.items() if v not in (None, "", [])}


def _shape(geometry: Any) -> Any:
    from shapely.geometry import shape

    try:
        geom = shape(geometry)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ValidationError({"polygon": f"Not a GeoJSON geometry: {exc}"}) from exc
    if geom.geom_type not in {"Polygon", "MultiPolygon"} or not geom.is_valid:
        raise ValidationError({"polygon": "Draw a valid polygon."})
    return geom


def incidents_for(*, actor: User, inputs: dict[str, Any]) -> QuerySet[Incident]:
    """The incidents a job described by ``inputs`` reads, as the actor may see them."""
    incidents = incident_list(actor=actor)
    if start := _when(inputs.get("occurred_from"), "occurred_from"):
        incidents = incidents.filter(occurred_from__gte=start)
    if end := _when(inputs.get("occurred_to"), "occurred_to"):
        incidents = incidents.filter(occurred_from__lt=end)
    if offences := inputs.get("offences"):
        incidents = incidents.filter(offence_id__in=offences)
    return incidents


def load_incidents(
    *, actor: User, inputs: dict[str, Any], with_people: bool = False
) -> IncidentArrays:
    """Load the job's incidents with a location as arrays, clipped to its area or polygon, and
    with ``with_people`` the people linked to them and to the period's reports."""
    incidents = incidents_for(actor=actor, inputs=inputs).filter(latitude__isnull=False)
    rows = list(
        incidents.order_by("pk").values_list(
            "pk",
            "longitude",
            "latitude",
            "occurred_from",
            "occurred_to",
            "offence_id",
            "offence__harm_weight",
            "h3_cell",
        )
    )
    classification = incidents.aggregate(top=Max("classification"))["top"] or 1
    private = _private(actor, incidents)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    lon = np.array([r[1] for r in rows], dtype=np.float64)
    lat = np.array([r[2] for r in rows], dtype=np.float64)
    keep = _clip(actor, inputs, lon, lat)
    people = (
        load_people(actor=actor, inputs=inputs, incident_ids=ids[keep]) if with_people else None
    )
    return IncidentArrays(
        ids=ids[keep],
        lon=lon[keep],
        lat=lat[keep],
        occurred_from=_utc([r[3] for r in rows])[keep],
        occurred_to=_utc([r[4] for r in rows])[keep],
        offence_ids=np.array([r[5] for r in rows], dtype=np.int64)[keep],
        harm=np.array([float(r[6] or 0) for r in rows], dtype=np.float64)[keep],
        h3_cells=[r[7] for r, k in zip(rows, keep, strict=True) if k],
        classification=max(int(classification), people.classification if people else 1),
        private=private or bool(people and people.private),
        people=people,
        period_end=_when(inputs.get("occurred_to"), "occurred_to"),
        period_start=_when(inputs.get("occurred_from"), "occurred_from"),
    )


def _incident_subset(
    actor: User, inputs: dict[str, Any], incident_ids: NDArray[np.int64]
) -> QuerySet[Incident] | list[int]:
    """The job's incidents: as a query when nothing was clipped in Python, else the ids."""
    if inputs.get("polygon") is None and inputs.get("area") is None:
        return incidents_for(actor=actor, inputs=inputs).filter(latitude__isnull=False)
    return [int(i) for i in incident_ids]


def load_people(
    *, actor: User, inputs: dict[str, Any], incident_ids: NDArray[np.int64]
) -> PeopleLinks:
    """The visible people involved in ``incident_ids`` and named in the visible reports received
    in the job's period (reports have no place of their own, so an area does not narrow them)."""
    persons = person_list(actor=actor)
    involvements = list(
        IncidentPerson.objects.filter(incident__in=_incident_subset(actor, inputs, incident_ids))
        .filter(person__in=persons)
        .order_by("incident_id", "person_id", "role")
        .values_list(
            "incident_id",
            "person_id",
            "role",
            "incident__occurred_from",
            "incident__offence__harm_weight",
        )
    )
    reports = report_list(actor=actor)
    if start := _when(inputs.get("occurred_from"), "occurred_from"):
        reports = reports.filter(received_at__gte=start)
    if end := _when(inputs.get("occurred_to"), "occurred_to"):
        reports = reports.filter(received_at__lt=end)
    mentions = list(
        ReportLink.objects.filter(report__in=reports, person__in=persons)
        .order_by("report_id", "person_id", "role")
        .values_list("report_id", "person_id", "role")
    )
    person_ids = {row[1] for row in involvements} | {row[1] for row in mentions}
    report_ids = {row[0] for row in mentions}
    private = _private(actor, persons.filter(pk__in=person_ids)) or _private(
        actor, reports.filter(pk__in=report_ids)
    )
    top = [
        persons.filter(pk__in=person_ids).aggregate(top=Max("classification"))["top"] or 1,
        reports.filter(pk__in=report_ids).aggregate(top=Max("classification"))["top"] or 1,
    ]
    return PeopleLinks(
        incident_ids=np.array([r[0] for r in involvements], dtype=np.int64),
        incident_person_ids=np.array([r[1] for r in involvements], dtype=np.int64),
        incident_roles=np.array([r[2] for r in involvements], dtype=np.str_),
        incident_times=_utc([r[3] for r in involvements]),
        incident_harm=np.array([float(r[4] or 0) for r in involvements], dtype=np.float64),
        report_ids=np.array([r[0] for r in mentions], dtype=np.int64),
        report_person_ids=np.array([r[1] for r in mentions], dtype=np.int64),
        report_roles=np.array([r[2] for r in mentions], dtype=np.str_),
        classification=int(max(top)),
        private=private,
    )


def _private(actor: User, records: QuerySet[Any]) -> bool:
    """Whether any of ``records`` is restricted or belongs to another agency."""
    return records.filter(Q(restricted=True) | ~Q(agency_id=actor.agency_id)).exists()


def _utc(values: list[datetime]) -> NDArray[np.datetime64]:
    """Aware date-times as UTC datetime64 (NumPy has no time zones)."""
    naive = [v.astimezone(UTC).replace(tzinfo=None) for v in values]
    return np.array(naive, dtype="datetime64[s]")


def _clip(
    actor: User, inputs: dict[str, Any], lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Which points fall inside the job's area or drawn polygon (all, when it has neither)."""
    geometry = inputs.get("polygon")
    if geometry is None and inputs.get("area") is not None:
        geometry = area_list(actor=actor).get(pk=inputs["area"]).geometry
    if geometry is None or lon.size == 0:
        return np.ones(lon.size, dtype=bool)
    import shapely

    shape = _shape(geometry)
    return np.asarray(shapely.contains_xy(shape, lon, lat), dtype=bool)
