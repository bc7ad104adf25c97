"""The incidents' navigation entries and the dashboard panel of the last 28 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from collection.incidents.selectors import incident_trend
from collection.models import OffenceType
from ilp.governance.restriction import record_restrict
from ilp.models import Agency, Dissemination, User
from tests.collection.factories import IncidentFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def at(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


@pytest.fixture
def recent(
    agency: Agency, other_agency: Agency, burglary: OffenceType, unweighted: OffenceType
) -> None:
    for days_ago in (1, 2, 27):
        IncidentFactory.create(
            agency=agency, offence=burglary, occurred_from=at(days_ago), occurred_to=at(days_ago)
        )
    IncidentFactory.create(
        agency=agency, offence=burglary, occurred_from=at(30), occurred_to=at(30)
    )
    IncidentFactory.create(
        agency=agency, offence=unweighted, occurred_from=at(3), occurred_to=at(3)
    )
    IncidentFactory.create(
        agency=agency, offence=unweighted, occurred_from=at(80), occurred_to=at(80)
    )
    IncidentFactory.create(
        agency=other_agency, offence=burglary, occurred_from=at(1), occurred_to=at(1)
    )


@time_machine.travel(NOW, tick=False)
def test_trend_compares_the_last_28_days_with_the_28_before(analyst: User, recent: None) -> None:
    trend = incident_trend(actor=analyst)
    assert [(o.offence, o.current, o.previous) for o in trend.offences] == [
        ("Burglary dwelling", 3, 1),
        ("Odd new offence", 1, 0),
    ]
    assert (trend.current_total, trend.previous_total) == (4, 1)
    assert (trend.current_harm, trend.previous_harm) == (Decimal(3 * 365), Decimal(365))
    assert (trend.current_unweighted, trend.previous_unweighted) == (1, 0)


@time_machine.travel(NOW, tick=False)
def test_trend_adds_incidents_shared_or_granted_one_by_one_to_the_same_offence(
    *,
    analyst: User,
    commander: User,
    supervisor: User,
    away_analyst: User,
    other_agency: Agency,
    burglary: OffenceType,
    recent: None,
) -> None:
    shared = IncidentFactory.create(
        agency=other_agency, offence=burglary, occurred_from=at(2), occurred_to=at(2)
    )
    Dissemination.objects.create(
        content_type=ContentType.objects.get_for_model(shared),
        object_id=shared.pk,
        recipient_agency=analyst.agency,
        purpose="Joint operation",
        handling_code=shared.handling_code,
        shared_by=away_analyst,
        record_repr=str(shared),
    )
    restricted = IncidentFactory.create(
        agency=analyst.agency, offence=burglary, occurred_from=at(40), occurred_to=at(40)
    )
    record_restrict(actor=supervisor, record=restricted, users=[analyst])
    trend = incident_trend(actor=analyst)
    top = trend.offences[0]
    assert (top.offence, top.current, top.previous) == ("Burglary dwelling", 4, 2)
    assert (trend.current_total, trend.previous_total) == (5, 2)
    assert (trend.current_harm, trend.previous_harm) == (Decimal(4 * 365), Decimal(2 * 365))
    # A colleague the restriction does not name sees the shared incident, not the restricted one.
    colleague = incident_trend(actor=commander)
    assert (colleague.current_total, colleague.previous_total) == (5, 1)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("persona", "shown"),
    [("analyst", True), ("commander", True), ("officer", False), ("auditor", False)],
)
def test_the_panel_is_for_analysts_and_commanders(
    client: Client, request: pytest.FixtureRequest, recent: None, persona: str, shown: bool
) -> None:
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("home")).content.decode()
    assert ('data-panel="incident-trend"' in page) is shown
    if shown:
        assert 'data-testid="trend-count">4<' in page
        assert 'data-testid="trend-harm">1095<' in page


@pytest.mark.parametrize(
    ("persona", "labels"), [("analyst", {"Incidents", "Map", "Entities"}), ("auditor", set())]
)
def test_navigation_is_short_and_follows_the_roles(
    client: Client, request: pytest.FixtureRequest, persona: str, labels: set[str]
) -> None:
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("home")).content.decode()
    for label, url in (
        ("Incidents", "collection:incident_list"),
        ("Map", "collection:incident_map"),
        ("Entities", "collection:entity_index"),
    ):
        assert (f'href="{reverse(url)}">{label}<' in page) is (label in labels)
