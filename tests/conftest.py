"""Named personas used across the whole suite, and shared fixtures.

The home agency has an intelligence unit (analyst, supervisor, commander), a response unit
(officer) and a neighbourhood unit (``outsider``: an analyst of another unit); ``partner`` works
for another agency; ``auditor`` reviews the audit trail; ``administrator`` runs the platform.

Two-factor sign-in. ``ILP_ENV=test`` turns ``ILP_REQUIRE_2FA`` on, as in production. Most tests
sign their personas in with ``force_login`` (or the password alone): they are about what a
signed-in user may see and do, not about how they signed in. For them the autouse fixture
``_two_factor_requirement`` switches the requirement off, exactly as in development; the
two-factor middleware still runs on every request. Tests marked ``two_factor`` keep it on and
sign in the honest way (password, then a real TOTP code): the 2FA tests, the token-issue rules and
the end-to-end sign-in journey. The ``authenticator`` fixture plays the user's phone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from ilp.models import Agency, Unit, User
from ilp.roles import Role
from tests.factories import AgencyFactory, UnitFactory, UserFactory


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "two_factor: run with ILP_REQUIRE_2FA on (see tests/conftest.py)"
    )


@pytest.fixture(autouse=True)
def _two_factor_requirement(request: pytest.FixtureRequest, settings: Any) -> None:
    """2FA is required only in tests marked ``two_factor`` (see the module docstring)."""
    settings.ILP_REQUIRE_2FA = request.node.get_closest_marker("two_factor") is not None


class Authenticator:
    """The user's authenticator app: adds a confirmed TOTP device and reads its codes."""

    def add(self, user: User) -> Any:
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    def code(self, device: Any) -> str:
        """The code the app shows now (time-machine aware: TOTP reads time.time())."""
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():0{device.digits}d}"

    def wrong_code(self, device: Any) -> str:
        """A code no step the server accepts now (previous, current or next) would show."""
        valid = set()
        for offset in (-1, 0, 1):
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, offset)
            valid.add(totp.token())
        wrong = next(n for n in range(123456, 10**6) if n not in valid)
        return f"{wrong:06d}"


@pytest.fixture
def authenticator() -> Authenticator:
    return Authenticator()


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
