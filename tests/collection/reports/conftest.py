"""Fixtures for reports, sources and requirements: records of the home agency (and one of the
other agency), made through the factories, plus API clients for any persona."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from collection.models import IntelligenceRequirement, Report, Source
from collection.reports.grading import GradeInput
from ilp.models import Agency, User
from tests.collection.factories import (
    ReportFactory,
    RequirementFactory,
    SourceFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The personas' passwords are never checked here: hash them cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def source(agency: Agency) -> Source:
    return SourceFactory.create(agency=agency, reference="SRC-0001", kind=Source.Kind.PUBLIC)


@pytest.fixture
def covert_source(agency: Agency, analyst: User) -> Source:
    chis = SourceFactory.create(
        agency=agency,
        reference="CHIS-0007",
        kind=Source.Kind.COVERT_HUMAN,
        identity="Jane Whistler, 12 Mill Lane",
    )
    chis.handlers.add(analyst)
    return chis


@pytest.fixture
def away_source(other_agency: Agency) -> Source:
    return SourceFactory.create(agency=other_agency, reference="AWAY-0001")


@pytest.fixture
def requirement(agency: Agency) -> IntelligenceRequirement:
    return RequirementFactory.create(agency=agency, title="Town centre drug supply")


@pytest.fixture
def grade() -> GradeInput:
    return GradeInput(source_evaluation="2", intelligence_assessment="B", handling_code="P")


@pytest.fixture
def received() -> Any:
    return timezone.now() - timedelta(hours=3)


@pytest.fixture
def make_report(agency: Agency, analyst: User, source: Source) -> Callable[..., Report]:
    """A report of the home agency, by the analyst, from ``source``, approved unless told."""

    def make(**fields: Any) -> Report:
        defaults: dict[str, Any] = {"agency": agency, "author": analyst, "source": source}
        return ReportFactory.create(**(defaults | fields))

    return make


@pytest.fixture
def draft(make_report: Callable[..., Report]) -> Report:
    return make_report(status=Report.Status.DRAFT, title="Analyst's draft")


@pytest.fixture
def submitted(make_report: Callable[..., Report]) -> Report:
    return make_report(status=Report.Status.SUBMITTED, title="Awaiting review")


@pytest.fixture
def approved(make_report: Callable[..., Report]) -> Report:
    return make_report(status=Report.Status.APPROVED, title="Approved report")


@pytest.fixture
def away_report(other_agency: Agency, partner: User, away_source: Source) -> Report:
    return ReportFactory.create(
        agency=other_agency, author=partner, source=away_source, title="Away report"
    )


@pytest.fixture
def api_as() -> Callable[[User | None], APIClient]:
    """An API client authenticated as the given persona (or anonymous for None)."""

    def client_for(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
