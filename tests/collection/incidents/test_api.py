"""Incident API for the personas: list with the UI's filters, detail, create, update, GeoJSON."""

from __future__ import annotations

from typing import Any

import h3
import pytest
from rest_framework.test import APIClient

from collection.models import Incident, IncidentPerson, OffenceType
from ilp.models import Agency, AuditEvent, Person, User
from tests.collection.factories import IncidentFactory
from tests.collection.incidents.conftest import CELL

pytestmark = pytest.mark.django_db

URL = "/api/v1/collection/incidents/"
GEOJSON = "/api/v1/collection/incidents/geojson/"


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer", "outsider"])
def test_the_agency_lists_and_reads_its_incidents(
    request: pytest.FixtureRequest, incident: Incident, away_incident: Incident, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    listing = client.get(URL)
    assert listing.status_code == 200
    assert [row["reference"] for row in listing.json()["results"]] == [incident.reference]
    assert client.get(f"{URL}{incident.pk}/").status_code == 200


def test_another_agencys_incident_is_404(analyst: User, away_incident: Incident) -> None:
    response = client_for(analyst).get(f"{URL}{away_incident.pk}/")
    assert response.status_code == 404


def test_the_other_agency_sees_only_its_own(
    away_analyst: User, incident: Incident, away_incident: Incident
) -> None:
    listing = client_for(away_analyst).get(URL).json()["results"]
    assert [row["id"] for row in listing] == [away_incident.pk]
    geojson = client_for(away_analyst).get(GEOJSON).json()
    assert [f["id"] for f in geojson["features"]] == [away_incident.pk]


def test_anonymous_callers_get_401(api_client: APIClient, incident: Incident) -> None:
    for url in (URL, f"{URL}{incident.pk}/", GEOJSON):
        assert api_client.get(url).status_code == 401


def test_the_detail_names_offence_weight_and_people(
    analyst: User, incident: Incident, person: Person
) -> None:
    IncidentPerson.objects.create(incident=incident, person=person, role="suspect")
    body = client_for(analyst).get(f"{URL}{incident.pk}/").json()
    assert body["offence"] == {
        "id": incident.offence_id,
        "name": "Burglary dwelling",
        "category": "Burglary",
        "harm_weight": 365.0,
        "needs_review": False,
    }
    assert body["people"] == [
        {
            "person": {
                "id": person.pk,
                "label": "SMITH, John",
                "surname": "Smith",
                "forenames": "John",
                "date_of_birth": None,
            },
            "role": "suspect",
        }
    ]
    assert body["occurred_from"] == "2026-03-01T12:00:00Z"
    assert body["h3_cell"] == CELL


def test_the_list_filters_like_the_page(
    analyst: User, agency: Agency, incident: Incident, unweighted: OffenceType
) -> None:
    other = IncidentFactory.create(agency=agency, offence=unweighted)
    client = client_for(analyst)
    by_category = client.get(URL, {"offence_category": "Other"}).json()["results"]
    assert [row["id"] for row in by_category] == [other.pk]
    bad = client.get(URL, {"h3_cell": "nonsense"})
    assert bad.status_code == 400
    assert "h3_cell" in bad.json()["error"]["details"]


def test_the_list_is_newest_first_and_keeps_to_its_query_budget(
    analyst: User, agency: Agency, person: Person, django_assert_max_num_queries: Any
) -> None:
    for incident in IncidentFactory.create_batch(30, agency=agency):
        IncidentPerson.objects.create(incident=incident, person=person, role="victim")
    client = client_for(analyst)
    client.get(URL)
    with django_assert_max_num_queries(8):
        rows = client.get(URL).json()["results"]
    assert len(rows) == 30
    starts = [row["occurred_from"] for row in rows]
    assert starts == sorted(starts, reverse=True)


def test_create_an_incident(analyst: User, burglary: OffenceType, person: Person) -> None:
    response = client_for(analyst).post(
        URL,
        {
            "reference": "CR-API-1",
            "offence": burglary.pk,
            "occurred_from": "2026-03-01T22:15:00+00:00",
            "latitude": 51.5,
            "longitude": -0.12,
            "people": [{"person": person.pk, "role": "victim"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["occurred_to"] == body["occurred_from"]
    assert body["h3_cell"] == CELL
    assert body["people"][0]["role"] == "victim"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_to": "2026-03-01T20:00:00Z"}, "occurred_to"),
        ({"occurred_from": "2199-03-01T20:00:00Z"}, "occurred_from"),
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 51.5}, "longitude"),
        ({"occurred_from": "2026-03-01T22:15:00"}, "occurred_from"),
    ],
)
def test_create_refuses_bad_times_and_points(
    analyst: User, burglary: OffenceType, change: dict[str, Any], field: str
) -> None:
    payload = {
        "reference": "CR-API-2",
        "offence": burglary.pk,
        "occurred_from": "2026-03-01T22:15:00Z",
        **change,
    }
    response = client_for(analyst).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_create_refuses_another_agencys_person(
    analyst: User, burglary: OffenceType, away_person: Person
) -> None:
    response = client_for(analyst).post(
        URL,
        {
            "reference": "CR-API-3",
            "offence": burglary.pk,
            "occurred_from": "2026-03-01T22:15:00Z",
            "people": [{"person": away_person.pk, "role": "victim"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_officers_may_not_create(officer: User, burglary: OffenceType) -> None:
    response = client_for(officer).post(
        URL,
        {"reference": "X", "offence": burglary.pk, "occurred_from": "2026-03-01T22:15:00Z"},
        format="json",
    )
    assert response.status_code == 403


def test_update_and_a_stale_update(analyst: User, incident: Incident, person: Person) -> None:
    client = client_for(analyst)
    first = client.patch(
        f"{URL}{incident.pk}/",
        {"status": "closed", "version": 1, "people": [{"person": person.pk, "role": "witness"}]},
        format="json",
    )
    assert first.status_code == 200, first.content
    assert (first.json()["status"], first.json()["version"]) == ("closed", 2)
    assert first.json()["people"][0]["role"] == "witness"
    stale = client.patch(f"{URL}{incident.pk}/", {"status": "nfa", "version": 1}, format="json")
    assert stale.status_code == 409
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert AuditEvent.objects.filter(action="change", object_id=str(incident.pk)).count() == 1


def test_geojson_points_with_the_lists_filters(
    analyst: User, agency: Agency, incident: Incident, unweighted: OffenceType
) -> None:
    IncidentFactory.create(agency=agency, offence=unweighted)
    body = client_for(analyst).get(GEOJSON, {"offence_category": "Burglary"}).json()
    assert body["type"] == "FeatureCollection"
    assert body["mode"] == "points"
    assert body["total"] == 1
    (feature,) = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-0.12, 51.5]}
    assert feature["properties"] == {
        "id": incident.pk,
        "reference": "CR-HOME-1",
        "offence": "Burglary dwelling",
        "occurred_from": "2026-03-01T12:00:00+00:00",
        "status": "unknown",
    }
    event = AuditEvent.objects.get(action="search")
    assert event.details == {"what": "incident map", "offence_category": "Burglary"}


def test_geojson_switches_to_hexagons_above_the_limit(
    analyst: User, agency: Agency, settings: Any
) -> None:
    settings.ILP_MAP_MAX_POINTS = 3
    points = [(51.5, -0.12), (51.5001, -0.1201), (51.52, -0.10), (53.48, -2.24)]
    for lat, lng in points:
        IncidentFactory.create(
            agency=agency, latitude=lat, longitude=lng, h3_cell=h3.latlng_to_cell(lat, lng, 9)
        )
    body = client_for(analyst).get(GEOJSON, {"resolution": 5}).json()
    assert body["mode"] == "cells"
    assert body["resolution"] == 5
    assert body["total"] == 4
    counts = {f["properties"]["cell"]: f["properties"]["count"] for f in body["features"]}
    assert counts == {
        h3.latlng_to_cell(51.5, -0.12, 5): 3,
        h3.latlng_to_cell(53.48, -2.24, 5): 1,
    }
    assert all(f["geometry"]["type"] == "Polygon" for f in body["features"])


def test_geojson_refuses_a_bad_resolution(analyst: User, incident: Incident) -> None:
    response = client_for(analyst).get(GEOJSON, {"resolution": "12"})
    assert response.status_code == 400
    assert "resolution" in response.json()["error"]["details"]


def test_geojson_keeps_to_its_query_budget(
    analyst: User, agency: Agency, django_assert_max_num_queries: Any
) -> None:
    IncidentFactory.create_batch(50, agency=agency)
    client = client_for(analyst)
    client.get(GEOJSON)
    with django_assert_max_num_queries(6):
        assert client.get(GEOJSON).json()["total"] == 50


@pytest.mark.parametrize(
    "query",
    [
        {"status": ""},
        {"offence": ""},
        {"occurred_after": ""},
        {"has_location": ""},
        {"has_location": "null"},
        {"h3_cell": ""},
        {"offence": "abc"},
    ],
)
def test_a_typed_parameter_must_have_a_value(
    analyst: User, incident: Incident, query: dict[str, str]
) -> None:
    response = client_for(analyst).get(URL, query)
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == set(query)


def test_a_parameter_given_twice_is_refused(analyst: User, incident: Incident) -> None:
    response = client_for(analyst).get(f"{URL}?status=open&status=closed")
    assert response.status_code == 400


def test_free_text_may_be_empty_and_unknown_ids_match_nothing(
    analyst: User, incident: Incident
) -> None:
    client = client_for(analyst)
    assert len(client.get(URL, {"q": "", "offence_category": ""}).json()["results"]) == 1
    assert client.get(URL, {"offence": 0, "source_import": 10**30}).json()["results"] == []
    assert client.get(URL, {"q": "HOME\x00"}).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"reference": 17},
        {"latitude": False, "longitude": 0},
        {"latitude": "51.5", "longitude": "0"},
        {"status": 1},
        {"classification": "1"},
        {"classification": True},
        {"people": [{"person": 1, "role": 2}]},
    ],
)
def test_values_of_the_wrong_json_type_are_refused(
    analyst: User, burglary: OffenceType, change: dict[str, Any]
) -> None:
    payload = {
        "reference": "CR-TYPE",
        "offence": burglary.pk,
        "occurred_from": "2026-03-01T22:15:00Z",
        **change,
    }
    response = client_for(analyst).post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert not Incident.objects.exists()


def test_the_version_is_a_json_integer(analyst: User, incident: Incident) -> None:
    response = client_for(analyst).patch(
        f"{URL}{incident.pk}/", {"status": "closed", "version": "1"}, format="json"
    )
    assert response.status_code == 400
