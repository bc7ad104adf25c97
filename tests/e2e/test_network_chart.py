"""The co-offending network page in headless Chromium: the Cytoscape.js link chart draws from
our own static files, and choosing a person redraws their ego network from the job's JSON view."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis import services
from analysis.models import AnalysisJob
from collection.models import IncidentPerson
from ilp.models import Person, User
from tests.collection.factories import IncidentFactory, PersonFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/screenshots"))


def gangs(analyst: User) -> list[Person]:
    """Three groups of five who offend together in pairs, joined through two go-betweens."""
    agency = analyst.agency
    names = ["Abbott", "Baker", "Clark", "Dunn", "Ellis", "Fox", "Grant", "Hale", "Irwin",
             "Jones", "Khan", "Lowe", "Moss", "Nash", "Owen", "Price", "Quinn"]  # fmt: skip
    people = [PersonFactory.create(agency=agency, surname=name) for name in names]

    def together(*group: Person) -> None:
        incident = IncidentFactory.create(agency=agency)
        for person in group:
            IncidentPerson.objects.create(incident=incident, person=person, role="offender")

    for start in (0, 5, 10):
        gang = people[start : start + 5]
        for i, first in enumerate(gang):
            for second in gang[i + 1 :]:
                together(first, second)
        together(gang[0], gang[1])  # a repeated pairing: a heavier link
    together(people[4], people[15], people[5])  # go-between 15 joins gangs 1 and 2
    together(people[9], people[16], people[10])  # go-between 16 joins gangs 2 and 3
    return people


def test_the_link_chart_draws_and_redraws_an_ego_network(
    live_server: object, page: object, analyst: User
) -> None:
    people = gangs(analyst)
    job = services.job_create(actor=analyst, kind="network", seed=1)
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.SUCCEEDED, finished.error

    url = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{url}/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{url}/")  # type: ignore[attr-defined]

    page.goto(f"{url}/analysis/jobs/{job.pk}/")  # type: ignore[attr-defined]
    page.wait_for_selector("#network-chart canvas")  # type: ignore[attr-defined]
    count = "() => document.getElementById('network-chart').ilpNetwork.nodes().length"
    assert page.evaluate(count) == 17  # type: ignore[attr-defined]
    status = page.inner_text("[data-testid=network-chart-status]")  # type: ignore[attr-defined]
    assert "17 people" in status
    legend = page.inner_text("[data-testid=network-community-legend]")  # type: ignore[attr-defined]
    assert "Community 1" in legend
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "network_chart.png"), full_page=True)  # type: ignore[attr-defined]

    # Gang 1's go-between, one step out: themselves and the two they offended with.
    go_between = people[15]
    page.select_option("#network-person", str(go_between.pk))  # type: ignore[attr-defined]
    page.select_option("#network-steps", "1")  # type: ignore[attr-defined]
    page.click("[data-testid=network-draw]")  # type: ignore[attr-defined]
    page.wait_for_selector(  # type: ignore[attr-defined]
        f"#network-chart[data-drawn='{go_between.pk}']"
    )
    assert page.evaluate(count) == 3  # type: ignore[attr-defined]
    status = page.inner_text("[data-testid=network-chart-status]")  # type: ignore[attr-defined]
    assert "within 1 step of" in status
    assert go_between.surname.upper() in status
    page.screenshot(path=str(SCREENSHOTS / "network_ego.png"), full_page=False)  # type: ignore[attr-defined]
