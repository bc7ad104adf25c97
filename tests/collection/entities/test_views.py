"""Entity pages for the personas: lists, details, forms, the index and the search fragment."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from collection.models import IncidentPerson
from ilp.models import Agency, Location, Organisation, Person, User, Vehicle
from tests.collection.factories import IncidentFactory, PersonFactory, ReportLinkFactory

pytestmark = pytest.mark.django_db

KINDS = ["person", "location", "vehicle", "organisation"]


@pytest.fixture
def entities(
    person: Person, location: Location, vehicle: Vehicle, organisation: Organisation
) -> dict[str, Person | Location | Vehicle | Organisation]:
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
) -> dict[str, Person | Location | Vehicle | Organisation]:
    return {
        "person": away_person,
        "location": away_location,
        "vehicle": away_vehicle,
        "organisation": away_organisation,
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer", "outsider"])
def test_list_and_detail_are_open_to_the_agency(
    client: Client, request: pytest.FixtureRequest, entities: dict, kind: str, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    record = entities[kind]
    listing = client.get(reverse(f"collection:{kind}_list"))
    assert listing.status_code == 200
    assert reverse(f"collection:{kind}_detail", args=[record.pk]) in listing.content.decode()
    assert client.get(reverse(f"collection:{kind}_detail", args=[record.pk])).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_another_agencys_entity_is_404_and_absent_from_the_list(
    client: Client, analyst: User, away_entities: dict, kind: str
) -> None:
    client.force_login(analyst)
    record = away_entities[kind]
    assert client.get(reverse(f"collection:{kind}_detail", args=[record.pk])).status_code == 404
    assert client.get(reverse(f"collection:{kind}_edit", args=[record.pk])).status_code == 404
    listing = client.get(reverse(f"collection:{kind}_list")).content.decode()
    assert reverse(f"collection:{kind}_detail", args=[record.pk]) not in listing


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_users_are_sent_to_sign_in(client: Client, entities: dict, kind: str) -> None:
    pk = entities[kind].pk
    for url in (
        reverse(f"collection:{kind}_list"),
        reverse(f"collection:{kind}_detail", args=[pk]),
        reverse(f"collection:{kind}_create"),
        reverse(f"collection:{kind}_edit", args=[pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("kind", KINDS)
def test_roles_without_write_permission_may_not_open_the_forms(
    client: Client, commander: User, entities: dict, kind: str
) -> None:
    client.force_login(commander)
    assert client.get(reverse(f"collection:{kind}_create")).status_code == 403
    edit = reverse(f"collection:{kind}_edit", args=[entities[kind].pk])
    assert client.get(edit).status_code == 403


def test_the_list_filters_and_answers_htmx_with_the_results_only(
    client: Client, analyst: User, agency: Agency, person: Person
) -> None:
    PersonFactory.create(agency=agency, surname="Jones")
    client.force_login(analyst)
    url = reverse("collection:person_list")
    page = client.get(url, {"q": "smith"}).content.decode()
    assert "SMITH" in page
    assert "JONES" not in page
    fragment = client.get(url, {"q": "jones"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "JONES" in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_the_list_pages_without_counting(client: Client, analyst: User, agency: Agency) -> None:
    PersonFactory.create_batch(51, agency=agency)
    client.force_login(analyst)
    url = reverse("collection:person_list")
    first = client.get(url).content.decode()
    assert "1–50" in first
    assert "page=2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "51–51" in second


def test_the_person_list_keeps_to_its_query_budget(
    client: Client, analyst: User, agency: Agency, django_assert_max_num_queries: object
) -> None:
    PersonFactory.create_batch(30, agency=agency)
    client.force_login(analyst)
    client.get(reverse("collection:person_list"))
    # Session and user, permissions (2), the agency in the top bar, the page; the session save.
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(reverse("collection:person_list")).status_code == 200


def test_person_detail_shows_the_merged_timeline(
    client: Client, analyst: User, agency: Agency, person: Person
) -> None:
    link = ReportLinkFactory.create(report__agency=agency, person=person)
    incident = IncidentFactory.create(agency=agency)
    IncidentPerson.objects.create(incident=incident, person=person, role="offender")
    client.force_login(analyst)
    page = client.get(reverse("collection:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="timeline"' in page
    assert link.report.reference in page
    assert reverse("collection:incident_detail", args=[incident.pk]) in page
    assert "Offender" in page


def test_person_detail_keeps_to_its_query_budget(
    client: Client,
    analyst: User,
    agency: Agency,
    person: Person,
    django_assert_max_num_queries: object,
) -> None:
    for _ in range(5):
        ReportLinkFactory.create(report__agency=agency, person=person)
        incident = IncidentFactory.create(agency=agency)
        IncidentPerson.objects.create(incident=incident, person=person, role="victim")
    client.force_login(analyst)
    url = reverse("collection:person_detail", args=[person.pk])
    client.get(url)
    # The same with 1 or 5 of each: reports, their roles, incidents, their roles, the audit.
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_create_a_person_through_the_form(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("collection:person_create"),
        {
            "surname": "Okoro",
            "forenames": "Ada",
            "aliases": "Big A\nAdz",
            "identifiers": "PNC: 12/345678A",
            "classification": "1",
            "handling_code": "P",
        },
    )
    person = Person.objects.get(surname="Okoro")
    assert response.status_code == 302
    assert response["Location"] == reverse("collection:person_detail", args=[person.pk])
    assert person.aliases == ["Big A", "Adz"]
    assert person.identifiers == {"PNC": "12/345678A"}


def test_form_errors_are_shown_by_field(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("collection:location_create"),
        {
            "address": "1 Station Road",
            "latitude": "95",
            "longitude": "",
            "classification": "1",
            "handling_code": "P",
        },
    )
    assert response.status_code == 400
    assert "The latitude must be between -90 and 90" in response.content.decode()
    assert not Location.objects.exists()


def test_half_a_point_is_refused_on_the_form(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("collection:location_create"),
        {
            "address": "1 Station Road",
            "latitude": "51.5",
            "classification": "1",
            "handling_code": "P",
        },
    )
    assert response.status_code == 400
    assert "Give both latitude and longitude, or neither." in response.content.decode()


def test_the_edit_form_carries_the_version_and_saves(
    client: Client, analyst: User, vehicle: Vehicle
) -> None:
    client.force_login(analyst)
    url = reverse("collection:vehicle_edit", args=[vehicle.pk])
    form = client.get(url).content.decode()
    assert re.search(r'name="version" value="1"', form)
    response = client.post(
        url,
        {
            "registration": "ab12 cde",
            "colour": "Red",
            "version": "1",
            "classification": "1",
            "handling_code": "P",
        },
    )
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.colour, vehicle.version) == ("Red", 2)


def test_a_save_from_a_stale_form_is_refused_with_a_clear_message(
    client: Client, analyst: User, organisation: Organisation
) -> None:
    client.force_login(analyst)
    url = reverse("collection:organisation_edit", args=[organisation.pk])
    fields = {"kind": "gang", "classification": "1", "handling_code": "P", "version": "1"}
    assert client.post(url, {**fields, "name": "First edit"}).status_code == 302
    response = client.post(url, {**fields, "name": "Second edit"})
    assert response.status_code == 409
    assert "Someone else changed this organisation" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "First edit"


def test_the_index_counts_each_kind(client: Client, analyst: User, entities: dict) -> None:
    client.force_login(analyst)
    page = client.get(reverse("collection:entity_index")).content.decode()
    for kind in KINDS:
        assert f'data-testid="count-{kind}">1<' in page


def test_entity_search_fragment_is_scoped_and_carries_data_attributes(
    client: Client, analyst: User, person: Person, away_person: Person
) -> None:
    client.force_login(analyst)
    response = client.get(reverse("collection:entity_search"), {"kind": "person", "q": "smith"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-id="{person.pk}"' in body
    assert f'data-label="{person}"' in body
    assert f'data-id="{away_person.pk}"' not in body
    assert "<html" not in body


def test_entity_search_refuses_an_unknown_kind(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.get(reverse("collection:entity_search"), {"kind": "source", "q": "x"})
    assert response.status_code == 400


def test_entity_search_needs_a_signed_in_user(client: Client) -> None:
    response = client.get(reverse("collection:entity_search"), {"kind": "person", "q": "x"})
    assert response.status_code == 302
