"""Repeats and concentration: repeat places and victims, time to repeat, concentration on
places and offenders; the runner, form, page, export, API and command line."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from analysis import services
from analysis.models import AnalysisJob
from analysis.runners.repeats import clean_repeats
from collection.models import Incident, IncidentPerson, OffenceType
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, Person, User
from tests.analysis.test_views import detail, form_data, run, signed_in
from tests.collection.factories import IncidentFactory, OffenceTypeFactory, PersonFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
P1, P2, P3, P4 = (51.5, -0.12), (51.51, -0.13), (51.52, -0.14), (51.53, -0.15)
PARAMS = {"top_percent": [25, 50], "within_days": [7, 30, 90]}


@dataclass
class Town:
    """Seven incidents at four places, with victims and offenders (see ``town``)."""

    incidents: list[Incident]
    v1: Person
    v2: Person
    partner_victim: Person
    restricted_victim: Person
    o1: Person
    o2: Person


def incident(
    agency: Agency, place: tuple[float, float], day: float, offence: OffenceType
) -> Incident:
    when = T0 + timedelta(days=day)
    return IncidentFactory.create(
        agency=agency,
        offence=offence,
        occurred_from=when,
        occurred_to=when,
        latitude=place[0],
        longitude=place[1],
    )


def involve(incident: Incident, person: Person, role: str) -> None:
    IncidentPerson.objects.create(incident=incident, person=person, role=role)


@pytest.fixture
def town(analyst: User, supervisor: User, other_agency: Agency) -> Town:
    """P1: days 0, 5, 40 (harm 10, 10, 100); P2: days 10, 12; P3: day 20; P4: day 30 (harm 10
    each). The second P1 incident is 0.1 m off the first: the same address point.

    Victims: v1 at all three P1 incidents, v2 at the first P2 one; a partner agency's person
    and a person restricted to the supervisor are victims at P3 and P4, out of the analyst's
    sight. Offenders: o1 (offender and suspect at P1 day 0, offender at P2 day 10), o2 (suspect
    at P3)."""
    agency = analyst.agency
    assert agency is not None
    low = OffenceTypeFactory.create(name="Theft from person", harm_weight=10)
    high = OffenceTypeFactory.create(name="Robbery", harm_weight=100)
    near_p1 = (P1[0] + 0.000001, P1[1])
    incidents = [
        incident(agency, P1, 0, low),
        incident(agency, near_p1, 5, low),
        incident(agency, P1, 40, high),
        incident(agency, P2, 10, low),
        incident(agency, P2, 12, low),
        incident(agency, P3, 20, low),
        incident(agency, P4, 30, low),
    ]
    v1 = PersonFactory.create(agency=agency, surname="Victimson", forenames="Vera")
    v2 = PersonFactory.create(agency=agency, surname="Once", forenames="Olive")
    partner_victim = PersonFactory.create(agency=other_agency, surname="Elsewhere")
    restricted_victim = PersonFactory.create(agency=agency, surname="Protected")
    record_restrict(actor=supervisor, record=restricted_victim)
    o1 = PersonFactory.create(agency=agency, surname="Offender", forenames="Oscar")
    o2 = PersonFactory.create(agency=agency, surname="Suspect", forenames="Sam")
    for i in (0, 1, 2):
        involve(incidents[i], v1, "victim")
    involve(incidents[3], v2, "victim")
    involve(incidents[5], partner_victim, "victim")
    involve(incidents[6], restricted_victim, "victim")
    involve(incidents[0], o1, "offender")
    involve(incidents[0], o1, "suspect")
    involve(incidents[3], o1, "offender")
    involve(incidents[5], o2, "suspect")
    return Town(incidents, v1, v2, partner_victim, restricted_victim, o1, o2)


def result_of(job: AnalysisJob) -> dict[str, Any]:
    assert job.result is not None
    return dict(job.result)


# -- The numbers -------------------------------------------------------------------------------


def test_repeat_places_and_their_time_to_repeat(analyst: User, town: Town) -> None:
    result = result_of(run(analyst, "repeats", parameters=PARAMS))
    places = result["places"]
    assert result["events"] == 7
    assert places["units"] == 4
    assert places["repeat_units"] == 2
    assert places["repeat_unit_share"] == pytest.approx(0.5)
    assert places["repeat_incidents"] == 3
    assert places["repeat_incident_share"] == pytest.approx(3 / 7)
    gaps = places["time_to_repeat"]
    # Gaps: P1 5 and 35 days, P2 2 days.
    assert gaps["repeats"] == 3
    assert gaps["median_days"] == pytest.approx(5)
    assert [(r["days"], r["repeats"]) for r in gaps["within"]] == [(7, 2), (30, 2), (90, 3)]
    assert gaps["within"][0]["share"] == pytest.approx(2 / 3)


def test_concentration_of_incidents_and_harm_over_places(analyst: User, town: Town) -> None:
    places = result_of(run(analyst, "repeats", parameters=PARAMS))["places"]
    top25, top50 = places["concentration"]
    # Counts 3, 2, 1, 1 (harm 120, 20, 10, 10): the top place is 25 %, the top two 50 %.
    assert (top25["units"], top50["units"]) == (1, 2)
    assert top25["incident_share"] == pytest.approx(3 / 7)
    assert top50["incident_share"] == pytest.approx(5 / 7)
    assert top25["harm_share"] == pytest.approx(120 / 160)
    assert top50["harm_share"] == pytest.approx(140 / 160)
    # Gini of [1, 1, 2, 3]: 2 (1 + 2 + 6 + 12) / (4 × 7) - 5 / 4.
    assert places["gini"] == pytest.approx(0.25)
    assert places["lorenz"]["unit_share"] == [0, 0.25, 0.5, 0.75, 1]
    assert places["lorenz"]["value_share"] == pytest.approx([0, 1 / 7, 2 / 7, 4 / 7, 1])
    first = places["top"][0]
    assert (first["lat"], first["lon"], first["incidents"], first["harm"]) == (*P1, 3, 120)
    assert first["first"].startswith("2026-01-01")
    assert first["last"].startswith("2026-02-10")
    assert [row["incidents"] for row in places["top"]] == [3, 2, 1, 1]


def test_repeat_victims_count_only_people_the_analyst_may_see(analyst: User, town: Town) -> None:
    victims = result_of(run(analyst, "repeats", parameters=PARAMS))["victims"]
    assert [row["person"] for row in victims["top"]] == [town.v1.pk, town.v2.pk]
    assert (victims["units"], victims["repeat_units"], victims["repeat_incidents"]) == (2, 1, 2)
    assert victims["time_to_repeat"]["median_days"] == pytest.approx(20)  # gaps 5 and 35
    assert victims["top"][0]["harm"] == 120


def test_offenders_count_once_per_incident_and_concentrate(analyst: User, town: Town) -> None:
    offenders = result_of(run(analyst, "repeats", parameters=PARAMS))["offenders"]
    # o1 offended in two incidents (offender and suspect in the first counts once), o2 in one.
    assert offenders["incidents"] == 3
    assert offenders["units"] == 2
    top25, top50 = offenders["concentration"]
    assert top25["units"] == top50["units"] == 1
    assert top50["incident_share"] == pytest.approx(2 / 3)
    assert top50["harm_share"] == pytest.approx(20 / 30)


def test_h3_places_group_nearby_points(analyst: User) -> None:
    import h3

    assert analyst.agency is not None
    offence = OffenceTypeFactory.create(harm_weight=1)
    lat, lon = h3.cell_to_latlng(h3.latlng_to_cell(51.5, -0.12, 9))
    incident(analyst.agency, (lat, lon), 0, offence)
    incident(analyst.agency, (lat + 0.00003, lon), 1, offence)  # about 3 m north
    by_point = result_of(run(analyst, "repeats"))["places"]
    by_cell = result_of(run(analyst, "repeats", parameters={"place": "h3", "h3_resolution": 9}))
    assert by_point["units"] == 2
    assert by_cell["places"]["units"] == 1
    assert by_cell["places"]["top"][0]["h3"] == h3.latlng_to_cell(lat, lon, 9)
    assert by_cell["h3_resolution"] == 9


def test_without_victims_or_offenders_those_sections_are_empty(analyst: User) -> None:
    assert analyst.agency is not None
    offence = OffenceTypeFactory.create(harm_weight=0)
    incident(analyst.agency, P1, 0, offence)
    incident(analyst.agency, P1, 3, offence)
    result = result_of(run(analyst, "repeats"))
    assert result["victims"] is None
    assert result["offenders"] is None
    assert result["places"]["harm"] is None  # every harm weight 0: no harm shares
    assert result["places"]["concentration"][0]["harm_share"] is None


def test_no_incidents_fails_with_a_clear_message(analyst: User) -> None:
    job = services.job_create(actor=analyst, kind="repeats")
    finished = services.job_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == AnalysisJob.Status.FAILED
    assert "at least 1 incident" in finished.error


def test_tables_are_capped_and_say_how_many_there_were(analyst: User, town: Town) -> None:
    places = result_of(run(analyst, "repeats", parameters={"top_n": 2}))["places"]
    assert len(places["top"]) == 2
    assert places["top_total"] == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"place": "street"}, "place"),
        ({"place": "h3", "h3_resolution": 16}, "h3_resolution"),
        ({"place": "h3", "h3_resolution": 9.5}, "h3_resolution"),
        ({"top_percent": [0, 10]}, "top_percent"),
        ({"top_percent": "5,150"}, "top_percent"),
        ({"top_percent": "ten"}, "top_percent"),
        ({"within_days": [-7]}, "within_days"),
        ({"top_n": 0}, "top_n"),
        ({"top_n": 5000}, "top_n"),
    ],
)
def test_bad_parameters_are_refused_by_field(params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_repeats(params)
    assert field in caught.value.message_dict


def test_defaults_and_text_lists_are_cleaned() -> None:
    assert clean_repeats({}) == {
        "place": "point",
        "top_percent": [1, 5, 10, 20],
        "within_days": [7, 30, 90, 365],
        "top_n": 100,
    }
    cleaned = clean_repeats({"place": "h3", "top_percent": "20, 5", "within_days": "14"})
    assert cleaned["h3_resolution"] == 11
    assert cleaned["top_percent"] == [5, 20]
    assert cleaned["within_days"] == [14]


# -- The page, the form and the export ---------------------------------------------------------


def test_the_page_shows_headlines_tables_and_the_lorenz_curve(analyst: User, town: Town) -> None:
    job = run(analyst, "repeats", parameters=PARAMS)
    response = signed_in(analyst).get(detail(job))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="repeats"' in page
    assert "25 % of places (1 of 4) account for 43 % of incidents and 75 % of harm." in page
    assert "2 of 4 places (50 %) had two or more incidents" in page
    assert 'data-testid="lorenz-chart"' in page
    assert "<polyline" in page
    assert "51.50000, -0.12000" in page
    assert "same address" in page
    assert reverse("collection:person_detail", args=[town.v1.pk]) in page
    assert "VICTIMSON, Vera" in page
    assert "Elsewhere" not in page
    assert "Protected" not in page
    assert 'data-testid="time-to-repeat"' in page


def test_a_viewer_who_may_not_see_a_victim_gets_no_name(
    analyst: User, supervisor: User, town: Town
) -> None:
    record_restrict(actor=analyst, record=town.v1)  # now only the analyst may see Vera
    job = run(analyst, "repeats", parameters=PARAMS)
    mine = signed_in(analyst).get(detail(job)).content.decode()
    assert "VICTIMSON, Vera" in mine
    # Made from a restricted person, the result is the analyst's until they name others on it.
    assert signed_in(supervisor).get(detail(job)).status_code == 404
    record_restrict(actor=analyst, record=job, users=[supervisor])
    client = signed_in(supervisor)
    client.post(
        detail(job), {"purpose": "Reviewing the analysis for the tasking meeting."}
    )  # a restricted record asks why it is opened
    theirs = client.get(detail(job))
    assert theirs.status_code == 200
    page = theirs.content.decode()
    assert "Victimson" not in page
    assert f"Person #{town.v1.pk} (not visible to you)" in page
    assert reverse("collection:person_detail", args=[town.v1.pk]) not in page


def test_the_form_runs_repeats_and_refuses_bad_percentages(analyst: User) -> None:
    client = signed_in(analyst)
    fields = {
        "repeats-place": "h3",
        "repeats-h3_resolution": "12",
        "repeats-top_percent": "5,10",
        "repeats-within_days": "7,30",
        "repeats-top_n": "50",
    }
    response = client.post(reverse("analysis:job_create"), form_data("repeats", **fields))
    assert response.status_code == 302
    job = AnalysisJob.objects.get()
    assert job.parameters == {
        "place": "h3",
        "h3_resolution": 12,
        "top_percent": [5, 10],
        "within_days": [7, 30],
        "top_n": 50,
    }
    point = {**fields, "repeats-place": "point", "repeats-top_percent": "5,150"}
    refused = client.post(reverse("analysis:job_create"), form_data("repeats", **point))
    assert refused.status_code == 400
    assert 'data-error-for="repeats-top_percent">Each must be above 0 and at most 100' in (
        refused.content.decode()
    )
    assert AnalysisJob.objects.count() == 1


def test_the_csv_export_is_the_top_places_table(analyst: User, town: Town) -> None:
    job = run(analyst, "repeats", parameters=PARAMS)
    response = signed_in(analyst).get(reverse("analysis:job_export_csv", args=[job.pk]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["incidents"] for r in rows] == ["3", "2", "1", "1"]
    assert rows[0]["place"] == "51.50000, -0.12000"
    assert rows[0]["harm"] == "120.0"
    assert rows[0]["rank"] == "1"


def test_the_api_runs_repeats_and_returns_the_result(analyst: User, town: Town) -> None:
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.post(
        "/api/v1/analysis/jobs/",
        {"kind": "repeats", "parameters": {"top_percent": [25]}},
        format="json",
    )
    assert response.status_code == 202, response.content
    services.job_run(job_id=response.json()["id"])
    body = client.get(f"/api/v1/analysis/jobs/{response.json()['id']}/").json()
    assert body["status"] == "succeeded"
    assert body["result"]["places"]["concentration"][0]["incident_share"] == pytest.approx(3 / 7)
    refused = client.post(
        "/api/v1/analysis/jobs/",
        {"kind": "repeats", "parameters": {"top_percent": [0]}},
        format="json",
    )
    assert refused.status_code == 400
    assert "top_percent" in refused.json()["error"]["details"]


# -- The command line --------------------------------------------------------------------------


def analyse(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("analyse", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.fixture
def places_csv(tmp_path: Path) -> Path:
    path = tmp_path / "places.csv"
    path.write_text(
        "x,y,when,harm,victim\n"
        "0,0,2026-01-01,10,a\n"
        "0.3,0,2026-01-06,10,a\n"
        "0,0,2026-02-10,100,a\n"
        "500,0,2026-01-11,10,b\n"
        "500,0,2026-01-13,10,c\n"
        "900,0,2026-01-21,10,d\n"
        "0,900,2026-01-31,10,e\n"
        ",0,2026-02-01,10,f\n"
    )
    return path


def test_the_command_finds_repeat_places_from_coordinates(places_csv: Path) -> None:
    result = analyse(
        "repeats", "--csv", str(places_csv), "--x", "x", "--y", "y", "--time", "when",
        "--harm", "harm", "--top-percent", "25,50",
    )  # fmt: skip
    assert result["method"] == "repeats"
    assert (result["events"], result["skipped_rows"]) == (7, 1)
    assert (result["units"], result["repeat_units"], result["repeat_incidents"]) == (4, 2, 3)
    assert result["time_to_repeat"]["median_days"] == pytest.approx(5)
    assert result["concentration"][0]["incident_share"] == pytest.approx(3 / 7)
    assert result["concentration"][0]["harm_share"] == pytest.approx(120 / 160)
    assert result["gini"] == pytest.approx(0.25)
    first = result["top"][0]
    assert (first["x"], first["y"], first["incidents"], first["harm"]) == (0, 0, 3, 120)
    assert first["first"].startswith("2026-01-01")


def test_the_command_groups_by_an_id_column_and_a_wider_precision(places_csv: Path) -> None:
    by_victim = analyse("repeats", "--csv", str(places_csv), "--id", "victim", "--time", "when")
    # Only the id and time columns are read: the row without an x counts too.
    assert (by_victim["units"], by_victim["repeat_units"]) == (6, 1)
    assert by_victim["top"][0]["id"] == "a"
    assert by_victim["skipped_rows"] == 0
    wide = analyse(
        "repeats", "--csv", str(places_csv), "--x", "x", "--y", "y", "--place-precision", "600"
    )
    assert "time_to_repeat" not in wide
    # 600 m squares: (0, 0) and (500, 0) share one; (900, 0) and (0, 900) have their own.
    assert wide["units"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "needs --id"),
        (["--id", "nope"], "no column 'nope'"),
        (["--x", "x", "--y", "y", "--place-precision", "-1"], "--place-precision"),
        (["--x", "x", "--y", "y", "--top-percent", "0"], "top_percent"),
        (["--x", "x", "--y", "y", "--time", "harm"], "not a time"),
    ],
)
def test_the_command_explains_bad_input(places_csv: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        analyse("repeats", "--csv", str(places_csv), *args)


def test_other_methods_still_need_coordinates(places_csv: Path) -> None:
    with pytest.raises(CommandError, match="needs --x and --y"):
        analyse("kde", "--csv", str(places_csv), "--cell-size", "10", "--bandwidth", "100")
