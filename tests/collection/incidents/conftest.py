"""Incidents, offences and people of the home agency and of the other agency."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_django.fixtures import Settings

from collection.models import Incident, OffenceType
from ilp.models import Agency, Person, User
from ilp.roles import Role
from tests.collection.factories import IncidentFactory, OffenceTypeFactory, PersonFactory
from tests.factories import UnitFactory, UserFactory

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CELL = "89194ad14d7ffff"  # resolution 9 cell of 51.5, -0.12


@pytest.fixture(autouse=True)
def collection_test_settings(settings: Settings) -> None:
    """Factories give every user (report authors too) a password: hash it cheaply here.

    The second factor at sign-in is tested with the core (tests/ilp); these pages are
    exercised as by a session that has passed it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ILP_REQUIRE_2FA = False


@pytest.fixture
def burglary() -> OffenceType:
    return OffenceTypeFactory.create(name="Burglary dwelling", category="Burglary", harm_weight=365)


@pytest.fixture
def unweighted() -> OffenceType:
    return OffenceTypeFactory.create(
        name="Odd new offence", category="Other", harm_weight=None, needs_review=True
    )


@pytest.fixture
def incident(agency: Agency, burglary: OffenceType) -> Incident:
    return IncidentFactory.create(
        agency=agency,
        reference="CR-HOME-1",
        offence=burglary,
        occurred_from=T0,
        occurred_to=T0,
        latitude=51.5,
        longitude=-0.12,
        h3_cell=CELL,
        address="1 High Street",
    )


@pytest.fixture
def away_incident(other_agency: Agency, burglary: OffenceType) -> Incident:
    return IncidentFactory.create(
        agency=other_agency, reference="CR-AWAY-1", offence=burglary, h3_cell=CELL
    )


@pytest.fixture
def person(agency: Agency) -> Person:
    return PersonFactory.create(agency=agency, surname="Smith", forenames="John")


@pytest.fixture
def away_person(other_agency: Agency) -> Person:
    return PersonFactory.create(agency=other_agency, surname="Smith", forenames="Away")


@pytest.fixture
def away_analyst(other_agency: Agency) -> User:
    unit = UnitFactory.create(agency=other_agency, code="AINTEL", name="Away Intelligence")
    return UserFactory.create(username="away-analyst", unit=unit, role=Role.ANALYST)
