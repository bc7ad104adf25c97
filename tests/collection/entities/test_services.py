"""Entity services: create and update, their validation, and optimistic concurrency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from collection.entities import services
from collection.entities.writes import StaleVersionError
from ilp.choices import Classification
from ilp.models import Location, Person, User, Vehicle

pytestmark = pytest.mark.django_db


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_person_create_takes_agency_and_author_from_the_actor(analyst: User) -> None:
    person = services.person_create(
        actor=analyst,
        surname="  Okoro ",
        forenames="Ada",
        aliases=["Big A", " ", "Big A"],
        identifiers={" PNC ": " 12/345678A "},
        date_of_birth=date(1990, 5, 1),
    )
    person.refresh_from_db()
    assert person.agency_id == analyst.agency_id
    assert person.created_by == analyst
    assert person.surname == "Okoro"
    assert person.aliases == ["Big A"]
    assert person.identifiers == {"PNC": "12/345678A"}
    assert person.version == 1


def test_person_create_refuses_an_empty_surname(analyst: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=analyst, surname="   ")
    assert errors_of(excinfo)["surname"] == ["Give the surname (family name)."]
    assert not Person.objects.exists()


@time_machine.travel("2026-06-01 12:00Z", tick=False)
def test_person_create_refuses_a_date_of_birth_in_the_future(analyst: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=analyst, surname="Okoro", date_of_birth=date(2026, 6, 2))
    assert errors_of(excinfo)["date_of_birth"] == ["The date of birth is in the future."]


def test_person_create_refuses_identifiers_without_a_system(analyst: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=analyst, surname="Okoro", identifiers={" ": "123"})
    assert "identifiers" in errors_of(excinfo)


def test_person_create_is_refused_to_a_role_without_the_permission(commander: User) -> None:
    with pytest.raises(PermissionError):
        services.person_create(actor=commander, surname="Okoro")
    assert not Person.objects.exists()


def test_person_create_refuses_a_marking_above_the_actors_clearance(analyst: User) -> None:
    analyst.clearance = Classification.OFFICIAL
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=analyst, surname="Okoro", classification=Classification.SECRET)
    assert "classification" in errors_of(excinfo)


def test_handling_code_c_needs_its_conditions(analyst: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=analyst, surname="Okoro", handling_code="C")
    assert "handling_conditions" in errors_of(excinfo)


def test_person_update_changes_only_what_is_given_and_counts_the_version(
    analyst: User, person: Person
) -> None:
    updated = services.person_update(
        actor=analyst, person=person, version=person.version, forenames="Jack"
    )
    person.refresh_from_db()
    assert (person.surname, person.forenames, person.version) == ("Smith", "Jack", 2)
    assert updated.version == 2


def test_person_update_from_a_stale_version_is_refused_and_overwrites_nothing(
    analyst: User, supervisor: User, person: Person
) -> None:
    services.person_update(actor=supervisor, person=person, version=1, forenames="Jack")
    with pytest.raises(StaleVersionError) as excinfo:
        services.person_update(actor=analyst, person=person, version=1, forenames="Jim")
    assert "version 1" in excinfo.value.messages[0]
    assert "now version 2" in excinfo.value.messages[0]
    person.refresh_from_db()
    assert (person.forenames, person.version) == ("Jack", 2)


def test_person_update_of_another_agencys_person_is_refused(
    analyst: User, away_person: Person
) -> None:
    with pytest.raises(PermissionError):
        services.person_update(actor=analyst, person=away_person, version=1, surname="X")


def test_location_create_derives_the_h3_cell_and_rounds_the_point(analyst: User) -> None:
    location = services.location_create(
        actor=analyst, address="1 Station Road", latitude=51.50123456, longitude=-0.1234567
    )
    location.refresh_from_db()
    assert location.latitude == Decimal("51.501235")
    assert location.longitude == Decimal("-0.123457")
    assert len(location.h3_cell) == 15


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [(91, 0, "latitude"), (-90.5, 0, "latitude"), (0, 180.01, "longitude"), (0, -200, "longitude")],
)
def test_location_create_refuses_a_point_out_of_range(
    analyst: User, latitude: float, longitude: float, field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.location_create(
            actor=analyst, address="1 Station Road", latitude=latitude, longitude=longitude
        )
    assert "must be between" in errors_of(excinfo)[field][0]


@pytest.mark.parametrize("missing", ["latitude", "longitude"])
def test_location_create_refuses_half_a_point(analyst: User, missing: str) -> None:
    point: dict[str, float | None] = {"latitude": 51.5, "longitude": -0.1}
    point[missing] = None
    with pytest.raises(ValidationError) as excinfo:
        services.location_create(
            actor=analyst,
            address="1 Station Road",
            latitude=point["latitude"],
            longitude=point["longitude"],
        )
    assert errors_of(excinfo)[missing] == ["Give both latitude and longitude, or neither."]


def test_location_create_refuses_a_location_with_nothing_to_find_it_by(analyst: User) -> None:
    with pytest.raises(ValidationError):
        services.location_create(actor=analyst, name=" ", address="")
    assert not Location.objects.exists()


def test_location_update_moves_the_h3_cell_with_the_point(
    analyst: User, location: Location
) -> None:
    before = location.h3_cell
    moved = services.location_update(
        actor=analyst, location=location, version=1, latitude=53.48, longitude=-2.24
    )
    assert moved.h3_cell != before


def test_vehicle_registration_is_normalised(analyst: User) -> None:
    vehicle = services.vehicle_create(actor=analyst, registration=" ab12 cde ", colour="Blue")
    assert vehicle.registration == "AB12CDE"


@pytest.mark.parametrize("registration", ["", "   ", "AB12/CDE"])
def test_vehicle_registration_must_be_a_mark(analyst: User, registration: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.vehicle_create(actor=analyst, registration=registration)
    assert "registration" in errors_of(excinfo)
    assert not Vehicle.objects.exists()


def test_organisation_needs_a_name(analyst: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=analyst, name=" ")
    assert errors_of(excinfo)["name"] == ["Give the organisation's name."]


def test_organisation_update_from_a_stale_version_is_refused(analyst: User) -> None:
    organisation = services.organisation_create(actor=analyst, name="Eastside Crew")
    services.organisation_update(actor=analyst, organisation=organisation, version=1, kind="gang")
    with pytest.raises(StaleVersionError):
        services.organisation_update(
            actor=analyst, organisation=organisation, version=1, name="Westside"
        )
    organisation.refresh_from_db()
    assert organisation.name == "Eastside Crew"
