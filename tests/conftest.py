"""Named personas used across the whole suite, and shared fixtures.

The home agency has an intelligence unit (analyst, supervisor, commander), a response unit
(officer) and a neighbourhood unit (``outsider``: an analyst of another unit); ``partner`` works
for another agency; ``auditor`` reviews the audit trail; ``administrator`` runs the platform.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ilp.models import Agency, Unit, User
from ilp.roles import Role
from tests.factories import AgencyFactory, UnitFactory, UserFactory


@pytest.fixture
def agency(db: None) -> Agency:
    return AgencyFactory.create(code="HOME", name="Home Constabulary")


@pytest.fixture
def other_agency(db: None) -> Agency:
    return AgencyFactory.create(code="AWAY", name="Away County Police", kind=Agency.Kind.PARTNER)


@pytest.fixture
def intel_unit(agency: Agency) -> Unit:
    return UnitFactory.create(agency=agency, code="INTEL", name="Intelligence Unit")


@pytest.fixture
def response_unit(agency: Agency) -> Unit:
    return UnitFactory.create(agency=agency, code="RESP", name="Response Team")


@pytest.fixture
def neighbourhood_unit(agency: Agency) -> Unit:
    return UnitFactory.create(agency=agency, code="NHT", name="Neighbourhood Team")


@pytest.fixture
def analyst(intel_unit: Unit) -> User:
    return UserFactory.create(username="analyst", unit=intel_unit, role=Role.ANALYST)


@pytest.fixture
def supervisor(intel_unit: Unit) -> User:
    return UserFactory.create(username="supervisor", unit=intel_unit, role=Role.SUPERVISOR)


@pytest.fixture
def commander(intel_unit: Unit) -> User:
    return UserFactory.create(username="commander", unit=intel_unit, role=Role.COMMANDER)


@pytest.fixture
def officer(response_unit: Unit) -> User:
    return UserFactory.create(username="officer", unit=response_unit, role=Role.OFFICER)


@pytest.fixture
def outsider(neighbourhood_unit: Unit) -> User:
    """An analyst of the same agency but another unit."""
    return UserFactory.create(username="outsider", unit=neighbourhood_unit, role=Role.ANALYST)


@pytest.fixture
def partner(other_agency: Agency) -> User:
    unit = UnitFactory.create(agency=other_agency, code="PINTEL", name="Partner Intelligence")
    return UserFactory.create(username="partner", unit=unit, role=Role.PARTNER)


@pytest.fixture
def auditor(agency: Agency) -> User:
    unit = UnitFactory.create(agency=agency, code="PSD", name="Professional Standards")
    return UserFactory.create(username="auditor", unit=unit, role=Role.AUDITOR)


@pytest.fixture
def administrator(agency: Agency) -> User:
    return UserFactory.create(
        username="administrator",
        unit=None,
        agency=agency,
        role=Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def as_analyst(api_client: APIClient, analyst: User) -> APIClient:
    """An API client authenticated as the analyst (session)."""
    api_client.force_authenticate(analyst)
    return api_client
