"""Entities owned by the home agency and by the other (partner) agency."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from ilp.models import Agency, Location, Organisation, Person, User, Vehicle
from ilp.roles import Role
from tests.collection.factories import (
    LocationFactory,
    OrganisationFactory,
    PersonFactory,
    VehicleFactory,
)
from tests.factories import UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def collection_test_settings(settings: Settings) -> None:
    """Factories give every user (report authors too) a password: hash it cheaply here.

    The second factor at sign-in is tested with the core (tests/ilp); these pages are
    exercised as by a session that has passed it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ILP_REQUIRE_2FA = False


@pytest.fixture
def away_analyst(other_agency: Agency) -> User:
    """An analyst of the other agency: sees its records, never the home agency's."""
    unit = UnitFactory.create(agency=other_agency, code="AINTEL", name="Away Intelligence")
    return UserFactory.create(username="away-analyst", unit=unit, role=Role.ANALYST)


@pytest.fixture
def person(agency: Agency) -> Person:
    return PersonFactory.create(
        agency=agency, surname="Smith", forenames="John", aliases=["Jonny Two Hats"]
    )


@pytest.fixture
def away_person(other_agency: Agency) -> Person:
    """A person on the partner agency's records: never visible to the home agency."""
    return PersonFactory.create(agency=other_agency, surname="Smith", forenames="Away")


@pytest.fixture
def location(agency: Agency) -> Location:
    return LocationFactory.create(
        agency=agency, name="Red Lion", address="1 High Street", latitude=51.5, longitude=-0.12
    )


@pytest.fixture
def away_location(other_agency: Agency) -> Location:
    return LocationFactory.create(agency=other_agency, address="1 High Street")


@pytest.fixture
def vehicle(agency: Agency) -> Vehicle:
    return VehicleFactory.create(agency=agency, registration="AB12CDE", make="Ford")


@pytest.fixture
def away_vehicle(other_agency: Agency) -> Vehicle:
    return VehicleFactory.create(agency=other_agency, registration="AB12CDF")


@pytest.fixture
def organisation(agency: Agency) -> Organisation:
    return OrganisationFactory.create(agency=agency, name="Eastside Crew")


@pytest.fixture
def away_organisation(other_agency: Agency) -> Organisation:
    return OrganisationFactory.create(agency=other_agency, name="Eastside Traders")
