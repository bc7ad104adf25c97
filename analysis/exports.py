"""Downloads of a job's result (CSV of the result table, GeoJSON of the map cells), used by the
UI and the API alike.

An export is a read of intelligence-derived data: the job is looked up through the selector, so
a job the user may not see is a 404 here as everywhere, and every export is audited.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from analysis.models import AnalysisJob
from analysis.network_chart import PEOPLE_COLUMNS, people_rows
from analysis.results import MAP_KINDS, cell_rings, knox_long, significance
from analysis.runners.forecast import FORECAST_COLUMNS
from analysis.runners.ranking import RANKING_COLUMNS, ranking_rows
from analysis.runners.repeats import PLACE_COLUMNS, place_rows
from analysis.runners.temporal import HOUR_WEEKDAY_COLUMNS, hour_weekday_rows
from analysis.selectors import job_list
from ilp.audit import audit_record
from ilp.models import AuditEvent, User

FORMATS = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}

_CELL_COLUMNS = {
    "kde": ["lon", "lat", "density"],
    "gistar": ["lon", "lat", "count", "z", "p", "q"],
    "forecast": FORECAST_COLUMNS,
}
NEAR_REPEAT_COLUMNS = [
    "spatial_band_from",
    "spatial_band_to",
    "temporal_band_from",
    "temporal_band_to",
    "observed",
    "expected",
    "knox_ratio",
    "p_value",
]


@dataclass(frozen=True)
class Export:
    """A file ready to send."""

    filename: str
    content_type: str
    body: str


def result_columns(job: AnalysisJob) -> list[str]:
    """The CSV header of the job's result table."""
    if job.kind == "near_repeat":
        return NEAR_REPEAT_COLUMNS
    if job.kind == "network":
        return PEOPLE_COLUMNS
    if job.kind == "repeats":
        return PLACE_COLUMNS
    if job.kind == "ranking":
        return RANKING_COLUMNS
    if job.kind == "temporal":
        return HOUR_WEEKDAY_COLUMNS
    columns = _CELL_COLUMNS.get(job.kind)
    if columns is None:
        raise ValidationError(f"{job.get_kind_display()} results cannot be exported yet.")
    if (job.result or {}).get("grid") == "h3":
        return ["h3", *columns]
    return columns


def result_rows(job: AnalysisJob) -> list[dict[str, Any]]:
    """The rows of the job's result table: cells, or near-repeat bands in long format."""
    result = _result_of(job)
    if job.kind == "near_repeat":
        return knox_long(result)
    if job.kind == "network":
        return people_rows(result)
    if job.kind == "repeats":
        return place_rows(result)
    if job.kind == "ranking":
        return ranking_rows(result)
    if job.kind == "temporal":
        return hour_weekday_rows(result)
    return list(result.get("cells") or [])


def job_csv(job: AnalysisJob) -> str:
    """The result table as CSV; an empty value where a statistic is undefined."""
    columns = result_columns(job)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in result_rows(job):
        writer.writerow({key: "" if row.get(key) is None else row[key] for key in columns})
    return buffer.getvalue()


def job_geojson(job: AnalysisJob) -> dict[str, Any]:
    """The result cells as a GeoJSON FeatureCollection of polygons (WGS84)."""
    result = _result_of(job)
    if job.kind not in MAP_KINDS:
        raise ValidationError(f"{job.get_kind_display()} results have no map to export.")
    cells = result.get("cells") or []
    features = []
    for cell, ring in zip(cells, cell_rings(result), strict=True):
        properties = {key: value for key, value in cell.items() if key not in ("lon", "lat")}
        properties |= {"centre_lon": cell.get("lon"), "centre_lat": cell.get("lat")}
        if job.kind == "gistar":
            properties["significance"] = significance(cell)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
                "properties": properties,
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "job": job.pk,
            "kind": job.kind,
            "parameters": job.parameters,
            "seed": job.seed,
            "events": result.get("events"),
            "cells_total": result.get("cells_total"),
            **(_forecast_properties(result) if job.kind == "forecast" else {}),
        },
    }


def _forecast_properties(result: dict[str, Any]) -> dict[str, Any]:
    """What a forecast's cells are for and how well it did, carried with the file."""
    keys = ("forecast_period", "period_days", "method", "score_unit", "evaluate", "accuracy")
    return {key: result.get(key) for key in keys}


def job_export(*, actor: User, job_id: int, fmt: str) -> Export:
    """The job's result as ``fmt`` (csv or geojson) for ``actor``; audited."""
    job = get_object_or_404(job_list(actor=actor), pk=job_id)
    if fmt not in FORMATS:
        raise ValidationError({"format": f"Choose one of: {', '.join(FORMATS)}."})
    if fmt == "csv":
        body = job_csv(job)
    else:
        body = json.dumps(job_geojson(job), separators=(",", ":"), allow_nan=False)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=job,
        details={"format": fmt, "kind": job.kind},
    )
    return Export(
        filename=f"analysis-{job.pk}-{job.kind}.{fmt}", content_type=FORMATS[fmt], body=body
    )


def _result_of(job: AnalysisJob) -> dict[str, Any]:
    if job.status != AnalysisJob.Status.SUCCEEDED or not isinstance(job.result, dict):
        raise ValidationError(
            f"The job has no result to export: it is {job.get_status_display().lower()}."
        )
    return job.result
