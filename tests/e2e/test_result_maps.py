"""Result maps in headless Chromium: the kernel density, Gi* and forecast pages draw their
cells and legend with our own Leaflet and scripts, with no tile server configured."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analysis import services
from analysis.models import AnalysisJob
from ilp.models import User
from tests.collection.factories import IncidentFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/screenshots"))


def incidents(analyst: User) -> None:
    """300 incidents over half a year, piled up at a few places as crime is."""
    rng = random.Random(4)
    start = datetime.now(UTC) - timedelta(days=185)
    places = [(51.5 + rng.random() * 0.02, -0.12 + rng.random() * 0.03) for _ in range(15)]
    for _ in range(300):
        lat, lon = places[min(int(rng.expovariate(0.4)), 14)]
        when = start + timedelta(days=rng.random() * 180)
        IncidentFactory.create(
            agency=analyst.agency, latitude=lat, longitude=lon, occurred_from=when, occurred_to=when
        )


def sign_in(page: Any, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


@pytest.mark.parametrize(
    ("kind", "parameters", "legend"),
    [
        ("kde", {"cell_size": 50, "bandwidth": 300}, "Density"),
        ("gistar", {"grid": "h3", "resolution": 9}, "Gi* hot and cold spots"),
        ("forecast", {}, "Forecast against the held-out period"),
    ],
)
def test_a_result_map_draws_its_cells_and_legend(
    live_server: Any,
    page: Any,
    analyst: User,
    *,
    kind: str,
    parameters: dict[str, Any],
    legend: str,
) -> None:
    incidents(analyst)
    job = services.job_create(actor=analyst, kind=kind, parameters=parameters, seed=1)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.SUCCEEDED, finished.error
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/analysis/jobs/{job.pk}/")
    page.wait_for_selector("[data-testid=map-legend]")
    drawn = page.evaluate(
        "() => document.getElementById('result-map').ilpResult.cells.getLayers().length"
    )
    assert drawn > 0
    assert legend in page.inner_text("[data-testid=map-legend]")
    assert "No map tiles configured" in page.inner_text("#result-map")
    assert errors == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"result_map_{kind}.png"), full_page=True)
