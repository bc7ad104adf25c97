"""Hotspot forecast and its accuracy: the runner (periods, methods, H3 and square cells, hit
rate, PAI and PEI against a held-out period), form, page and map, exports, API and command line,
and that only incidents the analyst may see are used."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import h3
import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pyproj import Geod
from rest_framework.test import APIClient

from analysis import services
from analysis.models import AnalysisJob
from analysis.runners.forecast import (
    CellLayout,
    clean_forecast,
    forecast_on_cells,
    period_label,
)
from collection.models import Incident
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, User
from tests.analysis.test_views import detail, form_data, map_data, run, signed_in
from tests.collection.factories import IncidentFactory

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
START = datetime(2026, 1, 5, tzinfo=UTC)  # London keeps GMT (UTC) in winter
FOUR_WEEKS = {
    "occurred_from": START.isoformat(),
    "occurred_to": (START + timedelta(days=28)).isoformat(),
}
TWO_WEEKS = {"period_days": 14, "top_k": 2}
# Four places kilometres apart, so in four different cells.
A, B, C, D = (51.50, -0.12), (51.51, -0.10), (51.49, -0.14), (51.52, -0.15)


def at(agency: Agency | None, place: tuple[float, float], day: int, n: int = 1) -> None:
    assert agency is not None
    for i in range(n):
        when = START + timedelta(days=day, hours=10 + i)
        IncidentFactory.create(
            agency=agency,
            occurred_from=when,
            occurred_to=when,
            latitude=place[0],
            longitude=place[1],
        )


def burglaries(agency: Agency | None) -> None:
    """First fortnight: A ×3, B ×2, C ×1. Second (held out): A ×2, C ×3, D ×1."""
    at(agency, A, 1, 3)
    at(agency, B, 3, 2)
    at(agency, C, 5)
    at(agency, A, 15, 2)
    at(agency, C, 17, 3)
    at(agency, D, 20)


def cell(place: tuple[float, float], resolution: int = 9) -> str:
    return str(h3.latlng_to_cell(place[0], place[1], resolution))


# -- The runner --------------------------------------------------------------------------------


def test_last_periods_hotspots_are_scored_against_the_held_out_period(analyst: User) -> None:
    burglaries(analyst.agency)
    job = run(analyst, "forecast", parameters=TWO_WEEKS, inputs=FOUR_WEEKS)
    result = job.result
    assert job.parameters["time_zone"] == "Europe/London"
    assert [c["h3"] for c in result["cells"]] == [cell(A), cell(B)]
    assert [(c["rank"], c["score"], c["observed"]) for c in result["cells"]] == [
        (1, 3, 2),
        (2, 2, 0),
    ]
    accuracy = result["accuracy"]
    # Held out: 6 incidents; A and B caught 2; the best two cells (C 3, A 2) held 5.
    assert (accuracy["incidents"], accuracy["captured"], accuracy["best_captured"]) == (6, 2, 5)
    assert accuracy["hit_rate"] == pytest.approx(2 / 6)
    assert accuracy["pei"] == pytest.approx(2 / 5)
    share = result["forecast_area_km2"] / result["study_area_km2"]
    assert accuracy["pai"] == pytest.approx((2 / 6) / share)
    assert accuracy["pai"] > 1
    assert [(m["h3"], m["observed"]) for m in result["missed"]] == [(cell(C), 3), (cell(D), 1)]
    assert [p["incidents"] for p in result["periods"]] == [6, 6]
    assert [p["label"] for p in result["periods"]] == [
        "2026-01-05 to 2026-01-18",
        "2026-01-19 to 2026-02-01",
    ]
    assert result["periods"][1]["role"] == "held out"
    assert result["oldest_period"] == "whole"
    assert result["forecast_period"]["label"] == "2026-01-19 to 2026-02-01"


def test_the_study_area_is_the_cells_inside_the_incidents_outline(analyst: User) -> None:
    burglaries(analyst.agency)
    result = run(analyst, "forecast", parameters=TWO_WEEKS, inputs=FOUR_WEEKS).result
    hull = h3.LatLngPoly([A, C, D, B])  # the outline of the four places
    inside = set(h3.polygon_to_cells(hull, 9)) | {cell(p) for p in (A, B, C, D)}
    assert result["study_cells"] == len(inside)
    assert result["study_area_km2"] == pytest.approx(sum(h3.cell_area(c, "km^2") for c in inside))


def test_a_moving_average_forecasts_the_next_period(analyst: User) -> None:
    burglaries(analyst.agency)
    params = {**TWO_WEEKS, "method": "moving_average", "window": 2, "evaluate": "next"}
    result = run(analyst, "forecast", parameters=params, inputs=FOUR_WEEKS).result
    # Mean over both fortnights: A (3 + 2) / 2, C (1 + 3) / 2, B 1, D 0.5.
    assert [(c["h3"], c["score"]) for c in result["cells"]] == [(cell(A), 2.5), (cell(C), 2.0)]
    assert result["accuracy"] is None
    assert result["cells"][0]["observed"] is None
    assert result["forecast_period"]["label"] == "2026-02-02 to 2026-02-15"
    assert result["score_unit"] == "incidents per period (mean of the last 2)"


def test_an_exponentially_weighted_forecast_counts_recent_periods_more() -> None:
    day = 86_400
    cells = np.array([1, 1, 2, 2, 2, 3], dtype=np.int64)
    seconds = np.array([1, 1, 8, 8, 8, 15], dtype=np.int64) * day
    layout = CellLayout(
        incident_cells=cells, study=np.arange(1, 11, dtype=np.int64), areas_km2=np.ones(10)
    )
    params = {"period_days": 7, "method": "ewma", "half_life": 1, "top_k": 3, "evaluate": "next"}
    outcome = forecast_on_cells(cells, seconds, layout, params, start=0, end=21 * day)
    # Periods 0, 1, 2 (the last): weights 1/4, 1/2 and 1.
    assert outcome.forecast.cells.tolist() == [2, 3, 1]
    assert outcome.forecast.scores.tolist() == [1.5, 1.0, 0.5]
    assert outcome.oldest_period == "whole"


def test_a_share_of_the_area_sets_the_number_of_cells() -> None:
    day = 86_400
    cells = np.array([1, 1, 2, 3, 1, 3, 3, 4], dtype=np.int64)
    seconds = np.array([0, 1, 2, 3, 7, 8, 9, 10], dtype=np.int64) * day
    layout = CellLayout(
        incident_cells=cells, study=np.arange(1, 11, dtype=np.int64), areas_km2=np.ones(10)
    )
    params = {"period_days": 7, "method": "last", "selection": "area_share", "area_share": 20}
    outcome = forecast_on_cells(cells, seconds, layout, params, start=0, end=14 * day)
    assert outcome.cells_requested == 2  # 20 % of 10 cells
    assert outcome.forecast.cells.tolist() == [1, 2]
    assert outcome.accuracy is not None
    # Held out: cell 1 once, cell 3 twice, cell 4 once; the forecast caught 1 of 4 on 20 %.
    assert outcome.accuracy.hit_rate == pytest.approx(0.25)
    assert outcome.accuracy.pai == pytest.approx(0.25 / 0.2)
    assert outcome.accuracy.pei == pytest.approx(1 / 3)
    assert outcome.missed == [(3, 2), (4, 1)]


def test_periods_run_back_from_the_midnight_after_the_last_incident() -> None:
    day = 86_400
    cells = np.array([1, 2, 2], dtype=np.int64)
    seconds = np.array([0, 9 * day + 3600, 10 * day + 7200], dtype=np.int64)
    layout = CellLayout(incident_cells=cells, study=np.array([1, 2]), areas_km2=np.ones(2))
    params = {"period_days": 7, "method": "last", "top_k": 1}
    outcome = forecast_on_cells(cells, seconds, layout, params)
    assert outcome.periods_total == 2
    assert outcome.oldest_period == "unknown"
    assert [p["label"] for p in outcome.periods] == [
        "1969-12-29 to 1970-01-04",
        "1970-01-05 to 1970-01-11",
    ]
    assert period_label(0, 3600) == "1970-01-01 to 1970-01-01T01:00 (end excluded)"


def test_a_square_grid_forecast_has_square_cells_of_the_chosen_size(analyst: User) -> None:
    burglaries(analyst.agency)
    params = {**TWO_WEEKS, "grid": "square", "cell_size": 200}
    job = run(analyst, "forecast", parameters=params, inputs=FOUR_WEEKS)
    assert job.result["grid"] == "square"
    assert [c["score"] for c in job.result["cells"]] == [3, 2]
    assert job.result["accuracy"]["pei"] == pytest.approx(2 / 5)
    assert job.result["study_area_km2"] == pytest.approx(job.result["study_cells"] * 0.04)
    first = job.result["cells"][0]
    assert first["lat"] == pytest.approx(A[0], abs=0.002)
    assert first["lon"] == pytest.approx(A[1], abs=0.003)
    geojson = json.loads(
        signed_in(analyst)
        .get(reverse("analysis:job_export_geojson", args=[job.pk]))
        .content.decode()
    )
    ring = geojson["features"][0]["geometry"]["coordinates"][0]
    area, _ = Geod(ellps="WGS84").polygon_area_perimeter([p[0] for p in ring], [p[1] for p in ring])
    assert abs(area) == pytest.approx(200 * 200, rel=0.01)


@pytest.mark.parametrize(
    ("params", "inputs", "message"),
    [
        ({"period_days": 28}, FOUR_WEEKS, "needs at least two"),
        (
            TWO_WEEKS,
            {**FOUR_WEEKS, "occurred_to": (START + timedelta(days=42)).isoformat()},
            "no incidents in the held-out period (2026-02-02 to 2026-02-15)",
        ),
        (
            {"period_days": 7, "top_k": 2},
            {**FOUR_WEEKS, "occurred_to": (START + timedelta(days=21)).isoformat()},
            "no incidents in the period(s) the forecast is made from (2026-01-12 to 2026-01-18)",
        ),
        (
            {**TWO_WEEKS, "selection": "area_share", "area_share": 50, "resolution": 11},
            FOUR_WEEKS,
            "more than the 1,000 a forecast may hold",
        ),
    ],
)
def test_forecasts_that_cannot_be_made_fail_with_a_clear_message(
    analyst: User, params: dict[str, Any], inputs: dict[str, Any], message: str
) -> None:
    burglaries(analyst.agency)
    job = services.job_create(actor=analyst, kind="forecast", parameters=params, inputs=inputs)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.FAILED
    assert message in finished.error


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"grid": "hex"}, "grid", "Choose one of"),
        ({"resolution": 12}, "resolution", "Must be between 6 and 11."),
        ({"grid": "square", "cell_size": 5}, "cell_size", "Must be between 25 and 5000."),
        ({"period_days": 0}, "period_days", "Must be between 1 and 366."),
        ({"top_k": 0}, "top_k", "Must be between 1 and 1000."),
        ({"top_k": 2.5}, "top_k", "Give a whole number."),
        ({"method": "ewma", "half_life": 0}, "half_life", "Must be between 0.1 and 104."),
        ({"selection": "area_share", "area_share": 80}, "area_share", "Must be between 0.01"),
        ({"evaluate": "maybe"}, "evaluate", "Choose one of"),
    ],
)
def test_bad_parameters_are_refused(params: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_forecast(params)
    assert message in caught.value.message_dict[field][0]


# -- Who is counted ----------------------------------------------------------------------------


def test_only_incidents_the_analyst_may_see_are_used(
    analyst: User, supervisor: User, partner: User
) -> None:
    burglaries(analyst.agency)
    at(partner.agency, B, 16, 5)  # another agency's incidents in B during the held-out period
    at(analyst.agency, D, 2, 4)  # four in D in the first fortnight, restricted
    first_fortnight = Incident.objects.filter(
        latitude=D[0], longitude=D[1], occurred_from__lt=START + timedelta(days=14)
    )
    for hidden in first_fortnight:
        record_restrict(actor=supervisor, record=hidden)
    mine = run(analyst, "forecast", parameters=TWO_WEEKS, inputs=FOUR_WEEKS)
    assert mine.result["events"] == 12
    assert [c["h3"] for c in mine.result["cells"]] == [cell(A), cell(B)]
    assert mine.result["accuracy"]["incidents"] == 6
    theirs = run(supervisor, "forecast", parameters=TWO_WEEKS, inputs=FOUR_WEEKS)
    assert [c["h3"] for c in theirs.result["cells"]] == [cell(D), cell(A)]
    assert signed_in(partner).get(detail(mine)).status_code == 404


# -- The page, the form and the exports --------------------------------------------------------


def test_the_page_shows_the_map_and_explains_the_accuracy(analyst: User) -> None:
    burglaries(analyst.agency)
    job = run(analyst, "forecast", parameters=TWO_WEEKS, inputs=FOUR_WEEKS)
    response = signed_in(analyst).get(detail(job))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="forecast"' in page
    assert 'data-testid="hit-rate">33.3 %<' in page
    pai = job.result["accuracy"]["pai"]
    assert f'data-testid="pai">{pai:.2f}<' in page
    assert 'data-testid="pei">0.40<' in page
    assert "2 of the 6 incidents of the held-out period" in page
    assert "Incidents caught ÷ the most any forecast of the same size could have caught: 2 ÷ 5" in (
        page
    )
    assert "2026-01-19 to 2026-02-01" in page
    assert "analysis/forecast_map.js" in page
    assert "analysis/result_map.js" not in page
    assert f"<code>{cell(C)}</code>" in page  # the busiest cell missed
    data = map_data(response)
    assert data["kind"] == "forecast"
    assert data["evaluate"] is True
    assert [(c["rank"], c["observed"]) for c in data["cells"]] == [(1, 2), (2, 0)]
    assert len(data["cells"][0]["ring"]) == 6  # a hexagon, ring left open
    assert [m["observed"] for m in data["missed"]] == [3, 1]
    assert response.context["is_map"] is True


def test_an_unscored_forecast_says_so(analyst: User) -> None:
    burglaries(analyst.agency)
    params = {**TWO_WEEKS, "evaluate": "next"}
    job = run(analyst, "forecast", parameters=params, inputs=FOUR_WEEKS)
    page = signed_in(analyst).get(detail(job)).content.decode()
    assert "the period after the data; it cannot be scored" in page
    assert 'data-testid="pai"' not in page


def test_the_form_queues_a_forecast_and_refuses_bad_parameters(analyst: User) -> None:
    client = signed_in(analyst)
    fields = {
        "forecast-grid": "square",
        "forecast-resolution": "9",
        "forecast-cell_size": "150",
        "forecast-period_days": "7",
        "forecast-method": "ewma",
        "forecast-window": "4",
        "forecast-half_life": "1.5",
        "forecast-selection": "area_share",
        "forecast-top_k": "20",
        "forecast-area_share": "3",
        "forecast-evaluate": "holdout",
    }
    response = client.post(reverse("analysis:job_create"), form_data("forecast", **fields))
    assert response.status_code == 302
    assert AnalysisJob.objects.get().parameters == {
        "grid": "square",
        "cell_size": 150,
        "period_days": 7,
        "method": "ewma",
        "half_life": 1.5,
        "selection": "area_share",
        "area_share": 3,
        "evaluate": "holdout",
        "time_zone": "Europe/London",
    }
    refused = client.post(
        reverse("analysis:job_create"),
        form_data("forecast", **{**fields, "forecast-period_days": "0"}),
    )
    assert refused.status_code == 400
    assert 'data-error-for="forecast-period_days">Must be between 1 and 366.' in (
        refused.content.decode()
    )
    assert AnalysisJob.objects.count() == 1


def test_the_exports_hold_the_forecast_cells(analyst: User) -> None:
    burglaries(analyst.agency)
    job = run(analyst, "forecast", parameters=TWO_WEEKS, inputs=FOUR_WEEKS)
    client = signed_in(analyst)
    body = client.get(reverse("analysis:job_export_csv", args=[job.pk])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == ["h3", "rank", "lon", "lat", "score", "observed"]
    assert [(r["h3"], r["rank"], r["observed"]) for r in rows] == [
        (cell(A), "1", "2"),
        (cell(B), "2", "0"),
    ]
    geojson = json.loads(
        client.get(reverse("analysis:job_export_geojson", args=[job.pk])).content.decode()
    )
    assert [f["properties"]["h3"] for f in geojson["features"]] == [cell(A), cell(B)]
    assert geojson["properties"]["accuracy"]["pei"] == pytest.approx(0.4)
    assert geojson["properties"]["forecast_period"]["label"] == "2026-01-19 to 2026-02-01"


def test_the_api_runs_a_forecast(analyst: User) -> None:
    burglaries(analyst.agency)
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.post(
        "/api/v1/analysis/jobs/",
        {"kind": "forecast", "parameters": TWO_WEEKS, "inputs": FOUR_WEEKS},
        format="json",
    )
    assert response.status_code == 202, response.content
    services.job_run(job_id=response.json()["id"])
    body = client.get(f"/api/v1/analysis/jobs/{response.json()['id']}/").json()
    assert body["status"] == "succeeded"
    assert body["result"]["accuracy"]["hit_rate"] == pytest.approx(1 / 3)
    assert body["parameters"]["time_zone"] == "Europe/London"
    refused = client.post(
        "/api/v1/analysis/jobs/",
        {"kind": "forecast", "parameters": {"top_k": 5000}},
        format="json",
    )
    assert refused.status_code == 400
    assert "top_k" in refused.json()["error"]["details"]


# -- The command line --------------------------------------------------------------------------


def analyse(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("analyse", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    """Cells of 100 m: (0, 0) ×3 and (100, 0) ×1 in the first week; (0, 0) ×1, (200, 0) ×2
    in the second; one row without a time."""
    rows = ["x,y,when"]
    rows += [f"{x},{y},2026-01-0{d}" for x, y, d in [(10, 10, 5), (20, 20, 6), (30, 30, 7)]]
    rows += ["150,50,2026-01-08", "10,90,2026-01-12", "250,50,2026-01-13", "260,60,2026-01-18"]
    rows += ["0,0,"]
    path = tmp_path / "events.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_the_command_line_scores_a_square_grid_forecast(events_csv: Path) -> None:
    result = analyse(
        "forecast", "--csv", str(events_csv), "--x", "x", "--y", "y", "--time", "when",
        "--cell-size", "100", "--period-days", "7", "--top-k", "1",
    )  # fmt: skip
    assert (result["method"], result["events"], result["skipped_rows"]) == ("last", 7, 1)
    assert result["cells"] == [{"x": 50.0, "y": 50.0, "rank": 1, "score": 3.0, "observed": 1}]
    assert result["missed"] == [{"x": 250.0, "y": 50.0, "observed": 2}]
    accuracy = result["accuracy"]
    assert accuracy["hit_rate"] == pytest.approx(1 / 3)
    assert accuracy["pei"] == pytest.approx(1 / 2)
    assert accuracy["study_cells"] == result["study_cells"]
    assert accuracy["pai"] == pytest.approx((1 / 3) / (1 / result["study_cells"]))
    assert result["forecast_period"]["label"] == "2026-01-12 to 2026-01-18"


def test_the_command_line_refuses_bad_input(events_csv: Path) -> None:
    base = ["forecast", "--csv", str(events_csv), "--x", "x", "--y", "y"]
    with pytest.raises(CommandError, match="forecast needs --time"):
        analyse(*base, "--cell-size", "100")
    with pytest.raises(CommandError, match="forecast needs --cell-size"):
        analyse(*base, "--time", "when")
    with pytest.raises(CommandError, match="at least two"):
        analyse(*base, "--time", "when", "--cell-size", "100", "--period-days", "30")
    with pytest.raises(CommandError, match="Must be between 1 and 1000"):
        analyse(*base, "--time", "when", "--cell-size", "100", "--top-k", "0")


@pytest.mark.skipif(
    not (SHARED / "tobydavies_chicago_burglary_2014_2017.csv").exists(),
    reason="shared data not present",
)
def test_the_command_line_on_chicago_burglary_2014_2017() -> None:
    result = analyse(
        "forecast", "--csv", str(SHARED / "tobydavies_chicago_burglary_2014_2017.csv"),
        "--x", "x", "--y", "y", "--time", "date_single", "--time-format", "%d/%m/%Y",
        "--cell-size", "500", "--period-days", "28", "--area-share", "1",
        "--forecast-method", "moving_average", "--average-periods", "6",
    )  # fmt: skip
    assert result["events"] == 45319
    assert result["forecast_period"]["label"] == "2017-12-04 to 2017-12-31"
    accuracy = result["accuracy"]
    assert accuracy["incidents"] == result["periods"][-1]["incidents"]
    # Burglary concentrates: a forecast from six months of history beats chance on 1 % of
    # the city, but catches less than hindsight would.
    assert accuracy["area_share"] == pytest.approx(0.01, rel=0.05)
    assert accuracy["pai"] > 2
    assert 0 < accuracy["pei"] < 1
