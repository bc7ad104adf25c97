"""Incident pages for the personas: list, detail, map, and entry or correction by hand."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collection.models import Import, Incident, IncidentPerson, OffenceType
from ilp.models import Agency, AuditEvent, Person, User
from tests.collection.factories import IncidentFactory
from tests.collection.incidents.conftest import T0

pytestmark = pytest.mark.django_db

READERS = ["analyst", "supervisor", "commander", "officer", "outsider"]


@pytest.mark.parametrize("persona", READERS)
def test_list_detail_and_map_are_open_to_the_agency(
    client: Client, request: pytest.FixtureRequest, incident: Incident, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    listing = client.get(reverse("collection:incident_list"))
    assert listing.status_code == 200
    assert incident.reference in listing.content.decode()
    assert client.get(reverse("collection:incident_detail", args=[incident.pk])).status_code == 200
    assert client.get(reverse("collection:incident_map")).status_code == 200


def test_another_agencys_incident_is_404_and_absent_from_the_list(
    client: Client, analyst: User, incident: Incident, away_incident: Incident
) -> None:
    client.force_login(analyst)
    detail = reverse("collection:incident_detail", args=[away_incident.pk])
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("collection:incident_edit", args=[away_incident.pk])).status_code == 404
    )
    assert (
        away_incident.reference
        not in client.get(reverse("collection:incident_list")).content.decode()
    )


def test_anonymous_users_are_sent_to_sign_in(client: Client, incident: Incident) -> None:
    for url in (
        reverse("collection:incident_list"),
        reverse("collection:incident_map"),
        reverse("collection:incident_create"),
        reverse("collection:incident_detail", args=[incident.pk]),
        reverse("collection:incident_edit", args=[incident.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_officers_may_read_but_not_enter_incidents(
    client: Client, officer: User, incident: Incident
) -> None:
    client.force_login(officer)
    assert client.get(reverse("collection:incident_create")).status_code == 403
    assert client.get(reverse("collection:incident_edit", args=[incident.pk])).status_code == 403


def test_the_list_filters_and_answers_htmx_with_the_results_only(
    client: Client, analyst: User, agency: Agency, incident: Incident, unweighted: OffenceType
) -> None:
    other = IncidentFactory.create(agency=agency, offence=unweighted, reference="CR-OTHER")
    client.force_login(analyst)
    url = reverse("collection:incident_list")
    page = client.get(url, {"offence_category": "Other"}).content.decode()
    assert other.reference in page
    assert incident.reference not in page
    assert '<option value="Burglary">' in page  # categories in use are offered
    fragment = client.get(url, {"status": "unknown"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert AuditEvent.objects.filter(action="search", details__what="incidents").count() == 2


def test_a_bad_filter_is_shown_not_crashed(
    client: Client, analyst: User, incident: Incident
) -> None:
    client.force_login(analyst)
    response = client.get(reverse("collection:incident_list"), {"h3_cell": "nonsense"})
    assert response.status_code == 200
    assert "Not an H3 cell index" in response.content.decode()


def test_the_list_keeps_to_its_query_budget(
    client: Client, analyst: User, agency: Agency, django_assert_max_num_queries: Any
) -> None:
    IncidentFactory.create_batch(60, agency=agency)
    client.force_login(analyst)
    url = reverse("collection:incident_list")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert "1–50" in response.content.decode()


def test_the_detail_shows_offence_weight_window_place_people_and_provenance(
    client: Client, analyst: User, agency: Agency, incident: Incident, person: Person
) -> None:
    IncidentPerson.objects.create(incident=incident, person=person, role="suspect")
    client.force_login(analyst)
    page = client.get(reverse("collection:incident_detail", args=[incident.pk])).content.decode()
    assert "Burglary dwelling" in page
    assert "Harm weight <strong>365</strong>" in page
    assert incident.h3_cell in page
    assert reverse("collection:person_detail", args=[person.pk]) in page
    assert "Suspect" in page
    assert "Recorded by hand" in page
    assert AuditEvent.objects.filter(action="view", object_id=str(incident.pk)).exists()


def test_the_detail_flags_an_unweighted_offence_and_shows_the_window_and_import(
    client: Client, analyst: User, agency: Agency, unweighted: OffenceType
) -> None:
    load = Import.objects.create(agency=agency, file_name="crimes-march.csv")
    incident = IncidentFactory.create(
        agency=agency,
        offence=unweighted,
        occurred_from=T0,
        occurred_to=T0 + timedelta(hours=3),
        source_import=load,
    )
    client.force_login(analyst)
    page = client.get(reverse("collection:incident_detail", args=[incident.pk])).content.decode()
    assert 'data-testid="weight-not-set"' in page
    assert "between Sun 1 Mar 2026, 12:00 and Sun 1 Mar 2026, 15:00" in page
    assert "crimes-march.csv" in page


def test_the_map_works_with_no_tile_server(
    client: Client, analyst: User, incident: Incident, settings: Any
) -> None:
    settings.ILP_TILE_URL = ""
    client.force_login(analyst)
    page = client.get(reverse("collection:incident_map"), {"status": "open"}).content.decode()
    blob = re.search(r'id="map-config"[^>]*>(.*?)</script>', page, re.S)
    assert blob is not None
    config = json.loads(blob.group(1))
    assert config["tile_url"] == ""
    assert config["geojson_url"] == "/api/v1/collection/incidents/geojson/?status=open"
    assert config["detail_url"] == "/collection/incidents/{id}/"
    assert "vendor/leaflet/leaflet.js" in page
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert "collection/map.js" in page
    # No inline script but the JSON configuration.
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page) == []


def test_the_map_uses_a_configured_tile_server(
    client: Client, analyst: User, settings: Any
) -> None:
    settings.ILP_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    settings.ILP_TILE_ATTRIBUTION = "Example tiles"
    client.force_login(analyst)
    page = client.get(reverse("collection:incident_map")).content.decode()
    assert "https://tiles.example.invalid/{z}/{x}/{y}.png" in page
    assert "Example tiles" in page


def form_data(offence: OffenceType, **extra: str) -> dict[str, str]:
    return {
        "reference": "CR-NEW-1",
        "offence": str(offence.pk),
        "status": "open",
        "occurred_from": "2026-03-01T22:15",
        "occurred_to": "",
        "classification": "1",
        "handling_code": "P",
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "50",
        "people-0-person": "",
        "people-0-role": "",
        "people-1-person": "",
        "people-1-role": "",
        **extra,
    }


def test_record_an_incident_with_a_person(
    client: Client, analyst: User, burglary: OffenceType, person: Person
) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("collection:incident_create"),
        form_data(burglary, **{"people-0-person": str(person.pk), "people-0-role": "victim"}),
    )
    incident = Incident.objects.get(reference="CR-NEW-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("collection:incident_detail", args=[incident.pk])
    assert incident.occurred_to == incident.occurred_from
    assert list(incident.involvements.values_list("person_id", "role")) == [(person.pk, "victim")]


def test_the_form_shows_the_rules_of_time_and_place(
    client: Client, analyst: User, burglary: OffenceType
) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("collection:incident_create"),
        form_data(
            burglary,
            occurred_from="2026-03-01T22:15",
            occurred_to="2026-03-01T21:00",
            latitude="99",
            longitude="0",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The latitude must be between -90 and 90" in page
    response = client.post(
        reverse("collection:incident_create"),
        form_data(burglary, occurred_from="2026-03-01T22:15", occurred_to="2026-03-01T21:00"),
    )
    assert "The window ends before it starts." in response.content.decode()
    response = client.post(
        reverse("collection:incident_create"), form_data(burglary, occurred_from="2199-01-01T10:00")
    )
    assert "This time is in the future." in response.content.decode()
    assert not Incident.objects.exists()


def test_a_person_must_be_picked_not_just_typed(
    client: Client, analyst: User, burglary: OffenceType
) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("collection:incident_create"), form_data(burglary, **{"people-0-role": "victim"})
    )
    assert response.status_code == 400
    assert "Pick the person from the search results." in response.content.decode()


def test_another_agencys_person_cannot_be_picked(
    client: Client, analyst: User, burglary: OffenceType, away_person: Person
) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("collection:incident_create"),
        form_data(burglary, **{"people-0-person": str(away_person.pk), "people-0-role": "victim"}),
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_the_edit_form_shows_the_people_and_a_stale_save_is_refused(
    client: Client, analyst: User, incident: Incident, person: Person, burglary: OffenceType
) -> None:
    IncidentPerson.objects.create(incident=incident, person=person, role="suspect")
    client.force_login(analyst)
    url = reverse("collection:incident_edit", args=[incident.pk])
    form = client.get(url).content.decode()
    assert 'value="SMITH, John"' in form
    fields = form_data(
        burglary,
        reference=incident.reference,
        version="1",
        **{
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "1",
            "people-0-person": str(person.pk),
            "people-0-role": "offender",
        },
    )
    assert client.post(url, fields).status_code == 302
    response = client.post(url, {**fields, "address": "Somewhere else"})
    assert response.status_code == 409
    assert "Someone else changed this incident" in response.content.decode()
    incident.refresh_from_db()
    assert incident.address == ""
    assert list(incident.involvements.values_list("role", flat=True)) == ["offender"]
