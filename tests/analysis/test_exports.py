"""Exports of job results: CSV of the result table and GeoJSON of the map cells, read through
the job selector and audited."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from pyproj import Geod

from analysis import exports, services
from analysis.models import AnalysisJob
from analysis.results import band_label, knox_table, significance
from ilp.models import AuditEvent, User
from tests.analysis.test_jobs import scatter

pytestmark = pytest.mark.django_db

NEAR_REPEAT_RESULT = {
    "spatial_bands": [0, 100, 200],
    "temporal_bands": [0, 7, 14, 21],
    "observed": [[30, 8, 5], [10, 9, 4]],
    "expected": [[12.5, 8.0, 5.0], [10.0, 10.0, 0.0]],
    "knox_ratio": [[2.4, 1.0, 1.0], [1.0, 0.9, None]],
    "p_value": [[0.001, 0.5, 0.6], [0.45, 0.7, 1.0]],
    "events": 120,
    "permutations": 999,
    "metric": "manhattan",
    "seed": 3,
}


def run(actor: User, kind: str, **kwargs: Any) -> AnalysisJob:
    job = services.job_create(actor=actor, kind=kind, **kwargs)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.SUCCEEDED, finished.error
    return finished


def finished_with(actor: User, kind: str, result: dict[str, Any]) -> AnalysisJob:
    job = services.job_create(actor=actor, kind=kind)
    AnalysisJob.objects.filter(pk=job.pk).update(status=AnalysisJob.Status.SUCCEEDED, result=result)
    job.refresh_from_db()
    return job


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_kde_csv_lists_every_stored_cell_densest_first(analyst: User) -> None:
    scatter(analyst.agency, 60)
    job = run(analyst, "kde", parameters={"cell_size": 100, "bandwidth": 300})
    export = exports.job_export(actor=analyst, job_id=job.pk, fmt="csv")
    rows = rows_of(export.body)
    assert export.body.splitlines()[0] == "lon,lat,density"
    assert len(rows) == len(job.result["cells"])
    assert float(rows[0]["density"]) == job.result["max_density"]
    assert export.filename == f"analysis-{job.pk}-kde.csv"
    assert export.content_type.startswith("text/csv")


def test_kde_geojson_cells_are_squares_of_the_cell_size(analyst: User) -> None:
    scatter(analyst.agency, 60)
    job = run(analyst, "kde", parameters={"cell_size": 100, "bandwidth": 300})
    collection = json.loads(exports.job_export(actor=analyst, job_id=job.pk, fmt="geojson").body)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(job.result["cells"])
    feature = collection["features"][0]
    ring = feature["geometry"]["coordinates"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert len(ring) == 5
    assert ring[0] == ring[-1]
    geod = Geod(ellps="WGS84")
    sides = [geod.inv(*ring[i], *ring[i + 1])[2] for i in range(4)]
    assert sides == pytest.approx([100.0] * 4, abs=0.5)
    assert feature["properties"]["density"] == job.result["max_density"]
    assert collection["properties"]["seed"] == job.seed


def test_gistar_h3_exports_carry_the_cell_id_and_hexagons(analyst: User) -> None:
    scatter(analyst.agency, 150)
    job = run(analyst, "gistar", parameters={"grid": "h3", "resolution": 9})
    table = exports.job_export(actor=analyst, job_id=job.pk, fmt="csv").body
    assert table.splitlines()[0] == "h3,lon,lat,count,z,p,q"
    assert rows_of(table)[0]["h3"] == job.result["cells"][0]["h3"]
    features = json.loads(exports.job_export(actor=analyst, job_id=job.pk, fmt="geojson").body)[
        "features"
    ]
    top = features[0]
    assert len(top["geometry"]["coordinates"][0]) == 7  # six corners, closed
    assert top["properties"]["h3"] == job.result["cells"][0]["h3"]
    assert top["properties"]["significance"] == "hot"
    assert {"count", "z", "p", "q"} <= set(top["properties"])


def test_gistar_square_exports(analyst: User) -> None:
    scatter(analyst.agency, 150)
    job = run(analyst, "gistar", parameters={"grid": "square", "cell_size": 250})
    assert exports.job_csv(job).splitlines()[0] == "lon,lat,count,z,p,q"
    ring = exports.job_geojson(job)["features"][0]["geometry"]["coordinates"][0]
    side = Geod(ellps="WGS84").inv(*ring[0], *ring[1])[2]
    assert side == pytest.approx(250, abs=1)


def test_near_repeat_csv_is_the_table_in_long_format(analyst: User) -> None:
    job = finished_with(analyst, "near_repeat", NEAR_REPEAT_RESULT)
    text = exports.job_csv(job)
    assert text.splitlines()[0] == (
        "spatial_band_from,spatial_band_to,temporal_band_from,temporal_band_to,"
        "observed,expected,knox_ratio,p_value"
    )
    rows = rows_of(text)
    assert len(rows) == 2 * 3
    assert rows[0] == {
        "spatial_band_from": "0",
        "spatial_band_to": "100",
        "temporal_band_from": "0",
        "temporal_band_to": "7",
        "observed": "30",
        "expected": "12.5",
        "knox_ratio": "2.4",
        "p_value": "0.001",
    }
    assert rows[-1]["knox_ratio"] == ""  # undefined where nothing was expected


def test_a_real_near_repeat_run_exports_every_band(analyst: User) -> None:
    scatter(analyst.agency, 80)
    job = run(
        analyst,
        "near_repeat",
        parameters={
            "spatial_bands": [0, 200, 400],
            "temporal_bands": [0, 7, 14],
            "permutations": 19,
        },
    )
    rows = rows_of(exports.job_csv(job))
    assert len(rows) == 4
    assert [int(r["observed"]) for r in rows] == [v for row in job.result["observed"] for v in row]


def test_near_repeat_has_no_geojson(analyst: User) -> None:
    job = finished_with(analyst, "near_repeat", NEAR_REPEAT_RESULT)
    with pytest.raises(ValidationError, match="no map"):
        exports.job_export(actor=analyst, job_id=job.pk, fmt="geojson")


def test_an_unfinished_job_has_nothing_to_export(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    with pytest.raises(ValidationError, match="queued"):
        exports.job_export(actor=analyst, job_id=job.pk, fmt="csv")


def test_a_job_the_user_may_not_see_is_not_found(analyst: User, partner: User) -> None:
    job = finished_with(analyst, "near_repeat", NEAR_REPEAT_RESULT)
    with pytest.raises(Http404):
        exports.job_export(actor=partner, job_id=job.pk, fmt="csv")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_every_export_is_audited(analyst: User) -> None:
    job = finished_with(analyst, "near_repeat", NEAR_REPEAT_RESULT)
    exports.job_export(actor=analyst, job_id=job.pk, fmt="csv")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.object_id, event.details["format"]) == (analyst, str(job.pk), "csv")


def test_the_export_buttons_download_files(analyst: User) -> None:
    scatter(analyst.agency, 40)
    job = run(analyst, "kde")
    client = Client()
    client.force_login(analyst)
    response = client.get(reverse("analysis:job_export_csv", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="analysis-{job.pk}-kde.csv"'
    assert response.content.decode().startswith("lon,lat,density\n")
    geo = client.get(reverse("analysis:job_export_geojson", args=[job.pk]))
    assert geo["Content-Type"] == "application/geo+json"
    assert json.loads(geo.content)["type"] == "FeatureCollection"


def test_the_export_button_of_an_unfinished_job_explains_why_not(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="kde")
    client = Client()
    client.force_login(analyst)
    response = client.get(reverse("analysis:job_export_csv", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert "no result to export" in response.content.decode()


def test_significance_and_band_labels() -> None:
    assert significance({"z": 3.1, "q": 0.01}) == "hot"
    assert significance({"z": -2.5, "q": 0.049}) == "cold"
    assert significance({"z": 4.0, "q": 0.05}) == ""
    assert significance({"z": None, "q": None}) == ""
    assert band_label(0, 100, "m") == "0–100 m"
    assert band_label(600, "inf", "m") == "600 m or more"
    assert band_label(0.5, 7, "days") == "0.5–7 days"


def test_knox_table_marks_significance_and_shading() -> None:
    table = knox_table(NEAR_REPEAT_RESULT)
    assert table.columns == ["0–7 days", "7–14 days", "14–21 days"]
    assert [row.label for row in table.rows] == ["0–100 m", "100–200 m"]
    first = table.rows[0].cells[0]
    assert (first.significant, first.shade) == (True, 3)
    assert table.rows[1].cells[2].ratio is None
    assert table.rows[1].cells[2].shade == 0
