"""/api/v1/collection/sources/ and /requirements/: identity only for handlers, versions, 404s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from collection.models import IntelligenceRequirement, Report, Source
from ilp.models import User

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/collection/sources/"
REQUIREMENTS = "/api/v1/collection/requirements/"
ApiAs = Callable[[User | None], APIClient]


def status_of(response: Any) -> int:
    return int(response.status_code)


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer", "outsider"])
def test_sources_for_the_agency(
    api_as: ApiAs, persona: str, source: Source, request: pytest.FixtureRequest
) -> None:
    client = api_as(request.getfixturevalue(persona))
    assert [s["reference"] for s in client.get(SOURCES).json()["results"]] == ["SRC-0001"]
    assert status_of(client.get(f"{SOURCES}{source.pk}/")) == 200


def test_source_of_another_agency_is_404_and_anonymous_401(
    api_as: ApiAs, analyst: User, away_source: Source
) -> None:
    assert status_of(api_as(analyst).get(f"{SOURCES}{away_source.pk}/")) == 404
    assert status_of(api_as(None).get(SOURCES)) == 401


def test_covert_identity_only_in_the_handlers_detail(
    api_as: ApiAs, analyst: User, supervisor: User, covert_source: Source
) -> None:
    handler, other = api_as(analyst), api_as(supervisor)
    listed = handler.get(SOURCES).json()["results"][0]
    assert "identity" not in listed
    mine = handler.get(f"{SOURCES}{covert_source.pk}/").json()
    assert mine["identity"] == "Jane Whistler, 12 Mill Lane"
    assert mine["handlers"] == [analyst.pk]
    theirs = other.get(f"{SOURCES}{covert_source.pk}/").json()
    assert (theirs["identity"], theirs["handlers"], theirs["notes"]) == (None, None, None)
    assert "Jane" not in str(theirs)


def test_source_detail_has_its_track_record(
    api_as: ApiAs, analyst: User, source: Source, make_report: Callable[..., Report]
) -> None:
    make_report(intelligence_assessment="B")
    track = api_as(analyst).get(f"{SOURCES}{source.pk}/").json()["track_record"]
    assert track["counts"]["total"] == 1
    assert track["counts"]["corroborated_share"] == 1.0


def test_register_and_edit_a_source(api_as: ApiAs, analyst: User, supervisor: User) -> None:
    client = api_as(analyst)
    created = client.post(
        SOURCES,
        {"kind": "chis", "reference": "CHIS-0100", "identity": "Ray", "handlers": [analyst.pk]},
    )
    assert status_of(created) == 201, created.content
    pk = created.json()["id"]
    refused = api_as(supervisor).patch(f"{SOURCES}{pk}/", {"identity": "Other", "version": 1})
    assert status_of(refused) == 403
    edited = client.patch(f"{SOURCES}{pk}/", {"notes": "Met weekly", "version": 1})
    assert edited.json()["version"] == 2
    assert status_of(client.patch(f"{SOURCES}{pk}/", {"notes": "x", "version": 1})) == 409


def test_handlers_must_be_of_the_agency(api_as: ApiAs, analyst: User, partner: User) -> None:
    response = api_as(analyst).post(
        SOURCES, {"kind": "chis", "reference": "CHIS-1", "handlers": [partner.pk]}
    )
    assert status_of(response) == 400
    assert "handlers" in response.json()["error"]["details"]


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer"])
def test_requirements_for_the_agency(
    api_as: ApiAs,
    persona: str,
    requirement: IntelligenceRequirement,
    request: pytest.FixtureRequest,
) -> None:
    client = api_as(request.getfixturevalue(persona))
    assert [r["id"] for r in client.get(REQUIREMENTS).json()["results"]] == [requirement.pk]
    detail = client.get(f"{REQUIREMENTS}{requirement.pk}/").json()
    assert detail["summary"]["counts"]["total"] == 0


def test_requirement_of_another_agency_is_404(
    api_as: ApiAs, partner: User, requirement: IntelligenceRequirement
) -> None:
    assert status_of(api_as(partner).get(f"{REQUIREMENTS}{requirement.pk}/")) == 404


def test_open_edit_and_close_a_requirement(api_as: ApiAs, analyst: User, officer: User) -> None:
    client = api_as(analyst)
    created = client.post(REQUIREMENTS, {"title": "Who?", "question": "Who supplies?"})
    assert status_of(created) == 201
    pk = created.json()["id"]
    assert status_of(api_as(officer).post(REQUIREMENTS, {"title": "x", "question": "y"})) == 403
    edited = client.patch(f"{REQUIREMENTS}{pk}/", {"due_date": "2027-01-31", "version": 1})
    assert edited.json()["due_date"] == "2027-01-31"
    closed = client.post(f"{REQUIREMENTS}{pk}/close/", {"version": 2})
    assert closed.json()["status"] == "closed"
    assert status_of(client.post(f"{REQUIREMENTS}{pk}/close/")) == 400
    filtered = client.get(REQUIREMENTS, {"status": "open"}).json()["results"]
    assert filtered == []


def test_a_title_longer_than_the_schema_allows_is_refused_before_trimming(
    api_as: ApiAs, analyst: User
) -> None:
    # Found by schemathesis: a leading newline made a 201-character title pass as 200.
    response = api_as(analyst).post(REQUIREMENTS, {"title": "\n" + "x" * 200, "question": "Q?"})
    assert status_of(response) == 400
    assert "title" in response.json()["error"]["details"]
    assert (
        status_of(api_as(analyst).post(REQUIREMENTS, {"title": "x" * 200, "question": "Q?"})) == 201
    )


def test_yes_no_filters_say_true_or_false(api_as: ApiAs, analyst: User, source: Source) -> None:
    client = api_as(analyst)
    assert status_of(client.get(SOURCES, {"is_active": "null"})) == 400
    assert [s["id"] for s in client.get(SOURCES, {"is_active": "true"}).json()["results"]] == [
        source.pk
    ]
    assert status_of(client.get(REQUIREMENTS, {"due_before": ""})) == 400
