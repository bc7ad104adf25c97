"""Entity API for the personas: list and search, detail, create, update with version, GeoJSON."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from ilp.models import Agency, AuditEvent, Location, Organisation, Person, User, Vehicle
from tests.collection.factories import LocationFactory, PersonFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/collection"
PATHS = {
    "person": "people",
    "location": "locations",
    "vehicle": "vehicles",
    "organisation": "organisations",
}
KINDS = list(PATHS)


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def entities(
    person: Person, location: Location, vehicle: Vehicle, organisation: Organisation
) -> dict[str, Any]:
    return {
        "person": person,
        "location": location,
        "vehicle": vehicle,
        "organisation": organisation,
    }


@pytest.fixture
def away_entities(
    away_person: Person,
    away_location: Location,
    away_vehicle: Vehicle,
    away_organisation: Organisation,
) -> dict[str, Any]:
    return {
        "person": away_person,
        "location": away_location,
        "vehicle": away_vehicle,
        "organisation": away_organisation,
    }


@pytest.mark.parametrize("kind", KINDS)
def test_list_shows_the_agencys_entities_only(
    analyst: User, entities: dict[str, Any], away_entities: dict[str, Any], kind: str
) -> None:
    response = client_for(analyst).get(f"{BASE}/{PATHS[kind]}/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [entities[kind].pk]


@pytest.mark.parametrize("kind", KINDS)
def test_detail_is_200_for_the_agency_and_404_for_another(
    analyst: User, entities: dict[str, Any], away_entities: dict[str, Any], kind: str
) -> None:
    client = client_for(analyst)
    response = client.get(f"{BASE}/{PATHS[kind]}/{entities[kind].pk}/")
    assert response.status_code == 200
    assert response.json()["label"] == str(entities[kind])
    missing = client.get(f"{BASE}/{PATHS[kind]}/{away_entities[kind].pk}/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_callers_get_401(
    api_client: APIClient, entities: dict[str, Any], kind: str
) -> None:
    assert api_client.get(f"{BASE}/{PATHS[kind]}/").status_code == 401
    assert api_client.get(f"{BASE}/{PATHS[kind]}/{entities[kind].pk}/").status_code == 401
    assert api_client.post(f"{BASE}/{PATHS[kind]}/", {}, format="json").status_code == 401


def test_q_searches_like_the_autocomplete(
    analyst: User, agency: Agency, person: Person, away_person: Person
) -> None:
    PersonFactory.create(agency=agency, surname="Jones")
    response = client_for(analyst).get(f"{BASE}/people/", {"q": "smith"})
    assert [row["id"] for row in response.json()["results"]] == [person.pk]


def test_a_filtered_list_and_a_detail_are_audited(analyst: User, person: Person) -> None:
    client = client_for(analyst)
    client.get(f"{BASE}/people/", {"q": "smith"})
    client.get(f"{BASE}/people/{person.pk}/")
    search, view = AuditEvent.objects.order_by("id")
    assert (search.action, search.details) == ("search", {"what": "people", "q": "smith"})
    assert (view.action, view.object_type, view.object_id) == ("view", "ilp.person", str(person.pk))


def test_the_people_list_keeps_to_its_query_budget(
    analyst: User, agency: Agency, django_assert_max_num_queries: Any
) -> None:
    PersonFactory.create_batch(40, agency=agency)
    client = client_for(analyst)
    client.get(f"{BASE}/people/")
    with django_assert_max_num_queries(6):
        assert len(client.get(f"{BASE}/people/").json()["results"]) == 40


def test_create_a_person(analyst: User) -> None:
    response = client_for(analyst).post(
        f"{BASE}/people/",
        {
            "surname": "Okoro",
            "forenames": "Ada",
            "aliases": ["Big A"],
            "identifiers": {"PNC": "12/345678A"},
            "date_of_birth": "1990-05-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    person = Person.objects.get(pk=body["id"])
    assert person.agency_id == analyst.agency_id
    assert person.created_by == analyst
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_create_refuses_a_future_date_of_birth_in_the_common_format(analyst: User) -> None:
    response = client_for(analyst).post(
        f"{BASE}/people/", {"surname": "Okoro", "date_of_birth": "2199-01-01"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"]["date_of_birth"] == ["The date of birth is in the future."]


def test_create_refuses_an_empty_name(analyst: User) -> None:
    response = client_for(analyst).post(f"{BASE}/organisations/", {"name": "  "}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    ("point", "field"),
    [({"latitude": 95, "longitude": 0}, "latitude"), ({"latitude": 10}, "longitude")],
)
def test_create_refuses_a_bad_point(analyst: User, point: dict[str, float], field: str) -> None:
    response = client_for(analyst).post(
        f"{BASE}/locations/", {"address": "1 Station Road", **point}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_a_role_without_write_permission_gets_403(commander: User) -> None:
    response = client_for(commander).post(
        f"{BASE}/vehicles/", {"registration": "X1"}, format="json"
    )
    assert response.status_code == 403


def test_update_with_the_current_version(analyst: User, vehicle: Vehicle) -> None:
    response = client_for(analyst).patch(
        f"{BASE}/vehicles/{vehicle.pk}/", {"colour": "Red", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["colour"], response.json()["version"]) == ("Red", 2)
    assert response.json()["registration"] == "AB12CDE"


def test_update_needs_the_version(analyst: User, vehicle: Vehicle) -> None:
    response = client_for(analyst).patch(
        f"{BASE}/vehicles/{vehicle.pk}/", {"colour": "Red"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()["error"]["details"]


def test_update_from_a_stale_version_is_409_and_overwrites_nothing(
    analyst: User, supervisor: User, person: Person
) -> None:
    assert (
        client_for(supervisor)
        .patch(f"{BASE}/people/{person.pk}/", {"forenames": "Jack", "version": 1}, format="json")
        .status_code
        == 200
    )
    response = client_for(analyst).patch(
        f"{BASE}/people/{person.pk}/", {"forenames": "Jim", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    assert "now version 2" in response.json()["error"]["message"]
    person.refresh_from_db()
    assert person.forenames == "Jack"


def test_update_of_another_agencys_entity_is_404(analyst: User, away_person: Person) -> None:
    response = client_for(analyst).patch(
        f"{BASE}/people/{away_person.pk}/", {"forenames": "X", "version": 1}, format="json"
    )
    assert response.status_code == 404


def test_location_geojson_is_a_feature_collection_of_points(
    analyst: User, location: Location, away_location: Location, agency: Agency
) -> None:
    LocationFactory.create(agency=agency, address="No point", latitude=None, longitude=None)
    body = client_for(analyst).get(f"{BASE}/locations/geojson/").json()
    assert body["type"] == "FeatureCollection"
    assert body["mode"] == "points"
    (feature,) = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-0.12, 51.5]}
    assert feature["properties"]["label"] == "Red Lion"
    assert body["bbox"] == [-0.12, 51.5, -0.12, 51.5]


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("people", {"surname": "Okoro", "description": 0}),
        ("people", {"surname": "Okoro", "aliases": [1]}),
        ("people", {"surname": "Okoro", "identifiers": {"PNC": 5}}),
        ("locations", {"address": "1 Station Road", "latitude": 0.0, "longitude": False}),
        ("organisations", {"name": "Crew", "kind": 1}),
        ("vehicles", {"registration": "AB12CDE", "classification": "1"}),
    ],
)
def test_values_of_the_wrong_json_type_are_refused(
    analyst: User, path: str, payload: dict[str, Any]
) -> None:
    response = client_for(analyst).post(f"{BASE}/{path}/", payload, format="json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("query", [{"has_point": "null"}, {"has_point": ""}])
def test_a_boolean_parameter_must_be_true_or_false(
    analyst: User, location: Location, query: dict[str, str]
) -> None:
    assert client_for(analyst).get(f"{BASE}/locations/", query).status_code == 400


def test_the_schema_says_an_update_needs_its_version() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for name in (
        "PatchedPersonUpdateRequest",
        "PatchedLocationUpdateRequest",
        "PatchedVehicleUpdateRequest",
        "PatchedOrganisationUpdateRequest",
        "PatchedIncidentUpdateRequest",
    ):
        assert components[name]["required"] == ["version"], name
