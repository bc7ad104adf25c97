"""Opening a record (ilp.governance.access) on every collection detail page and API retrieve: each
view is audited once, and a restricted record asks for the purpose first (a form in the
browser, remembered per record for the session; the X-ILP-Purpose header in the API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ilp.governance.restriction import record_restrict
from ilp.models import Agency, AuditEvent, Record, User
from tests.collection.factories import (
    IncidentFactory,
    LocationFactory,
    OrganisationFactory,
    PersonFactory,
    ReportFactory,
    RequirementFactory,
    SourceFactory,
    VehicleFactory,
)

pytestmark = pytest.mark.django_db

PURPOSE = "Operation Lantern: checking associates before the briefing"
REFUSAL = "This record is restricted: say why you open it in the X-ILP-Purpose header"


@dataclass(frozen=True)
class Kind:
    """A kind of record with a detail page and an API retrieve."""

    name: str
    make: Callable[[Agency, User], Record]
    page: str
    api: str
    api_path: str


KINDS = [
    Kind(
        "report",
        lambda agency, author: ReportFactory.create(agency=agency, author=author),
        "collection:report_detail",
        "api:collection:report-detail",
        "/api/v1/collection/reports/{id}/",
    ),
    Kind(
        "source",
        lambda agency, _: SourceFactory.create(agency=agency),
        "collection:source_detail",
        "api:collection:source-detail",
        "/api/v1/collection/sources/{id}/",
    ),
    Kind(
        "requirement",
        lambda agency, _: RequirementFactory.create(agency=agency),
        "collection:requirement_detail",
        "api:collection:requirement-detail",
        "/api/v1/collection/requirements/{id}/",
    ),
    Kind(
        "person",
        lambda agency, _: PersonFactory.create(agency=agency),
        "collection:person_detail",
        "api:collection:person-detail",
        "/api/v1/collection/people/{id}/",
    ),
    Kind(
        "location",
        lambda agency, _: LocationFactory.create(agency=agency),
        "collection:location_detail",
        "api:collection:location-detail",
        "/api/v1/collection/locations/{id}/",
    ),
    Kind(
        "vehicle",
        lambda agency, _: VehicleFactory.create(agency=agency),
        "collection:vehicle_detail",
        "api:collection:vehicle-detail",
        "/api/v1/collection/vehicles/{id}/",
    ),
    Kind(
        "organisation",
        lambda agency, _: OrganisationFactory.create(agency=agency),
        "collection:organisation_detail",
        "api:collection:organisation-detail",
        "/api/v1/collection/organisations/{id}/",
    ),
    Kind(
        "incident",
        lambda agency, _: IncidentFactory.create(agency=agency),
        "collection:incident_detail",
        "api:collection:incident-detail",
        "/api/v1/collection/incidents/{id}/",
    ),
]
BY_NAME = {kind.name: kind for kind in KINDS}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(params=KINDS, ids=lambda kind: kind.name)
def kind(request: pytest.FixtureRequest) -> Kind:
    return request.param  # type: ignore[no-any-return]


def restricted(kind: Kind, analyst: User) -> Record:
    """A record of the kind restricted to the analyst."""
    assert analyst.agency is not None
    record = kind.make(analyst.agency, analyst)
    return record_restrict(actor=analyst, record=record)


def views_of(record: Record) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW,
            object_type=record._meta.label_lower,
            object_id=str(record.pk),
        ).order_by("id")
    )


def page(kind: Kind, record: Record) -> str:
    return reverse(kind.page, args=[record.pk])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- browser --------------------------------------------------------------------------------


def test_a_restricted_record_page_asks_for_the_purpose_first(kind: Kind, analyst: User) -> None:
    record = restricted(kind, analyst)

    response = signed_in(analyst).get(page(kind, record))

    assert response.status_code == 200
    assert response.templates[0].name == "ilp/governance/purpose.html"
    assert b"your reason is recorded" in response.content.lower()
    assert b"Go back" in response.content
    assert views_of(record) == []


def test_the_purpose_page_offers_the_way_back_to_the_list(analyst: User) -> None:
    kind = BY_NAME["report"]
    record = restricted(kind, analyst)

    response = signed_in(analyst).get(page(kind, record))

    assert response.context["back_url"] == reverse("collection:report_list")


def test_a_too_short_purpose_is_refused_with_the_error_shown(kind: Kind, analyst: User) -> None:
    record = restricted(kind, analyst)
    client = signed_in(analyst)

    response = client.post(page(kind, record), {"purpose": "because"})

    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    assert views_of(record) == []
    assert client.get(page(kind, record)).templates[0].name == "ilp/governance/purpose.html"


def test_a_valid_purpose_opens_the_record_and_the_view_carries_it(
    kind: Kind, analyst: User
) -> None:
    record = restricted(kind, analyst)
    client = signed_in(analyst)

    answer = client.post(page(kind, record), {"purpose": PURPOSE})
    assert answer.status_code == 302
    assert answer["Location"] == page(kind, record)
    assert views_of(record) == []

    response = client.get(page(kind, record))

    assert response.status_code == 200
    assert response.templates[0].name != "ilp/governance/purpose.html"
    [event] = views_of(record)
    assert event.purpose == PURPOSE
    assert event.actor == analyst


def test_the_purpose_is_remembered_per_record_for_the_session(analyst: User) -> None:
    kind = BY_NAME["person"]
    first, second = restricted(kind, analyst), restricted(kind, analyst)
    client = signed_in(analyst)
    client.post(page(kind, first), {"purpose": PURPOSE})

    again = client.get(page(kind, first))
    other = client.get(page(kind, second))
    new_session = signed_in(analyst).get(page(kind, first))

    assert again.templates[0].name == "collection/entities/detail.html"
    assert other.templates[0].name == "ilp/governance/purpose.html"
    assert new_session.templates[0].name == "ilp/governance/purpose.html"
    assert [e.purpose for e in views_of(first)] == [PURPOSE]
    assert views_of(second) == []


def test_each_view_of_a_restricted_record_is_audited_with_its_purpose(analyst: User) -> None:
    kind = BY_NAME["incident"]
    record = restricted(kind, analyst)
    client = signed_in(analyst)
    client.post(page(kind, record), {"purpose": PURPOSE})

    client.get(page(kind, record))
    client.get(page(kind, record))

    assert [e.purpose for e in views_of(record)] == [PURPOSE, PURPOSE]


def test_an_unrestricted_record_is_audited_once_per_view_without_a_prompt(
    kind: Kind, analyst: User
) -> None:
    assert analyst.agency is not None
    record = kind.make(analyst.agency, analyst)
    client = signed_in(analyst)

    first = client.get(page(kind, record))
    client.get(page(kind, record))

    assert first.status_code == 200
    assert first.templates[0].name != "ilp/governance/purpose.html"
    assert [e.purpose for e in views_of(record)] == ["", ""]


def test_a_source_page_view_keeps_whether_the_identity_was_shown(analyst: User) -> None:
    kind = BY_NAME["source"]
    record = restricted(kind, analyst)
    client = signed_in(analyst)
    client.post(page(kind, record), {"purpose": PURPOSE})

    client.get(page(kind, record))

    [event] = views_of(record)
    assert event.purpose == PURPOSE
    assert event.details == {"identity_shown": True}


def test_a_restricted_record_outside_the_scope_is_404_before_any_prompt(
    analyst: User, outsider: User
) -> None:
    kind = BY_NAME["report"]
    record = restricted(kind, analyst)
    client = signed_in(outsider)

    assert client.get(page(kind, record)).status_code == 404
    assert client.post(page(kind, record), {"purpose": PURPOSE}).status_code == 404
    assert views_of(record) == []


# --- API ------------------------------------------------------------------------------------


def test_an_api_read_of_a_restricted_record_without_a_purpose_is_403(
    kind: Kind, analyst: User
) -> None:
    record = restricted(kind, analyst)
    url = reverse(kind.api, args=[record.pk])
    client = api_for(analyst)

    missing = client.get(url)
    short = client.get(url, HTTP_X_ILP_PURPOSE="because")

    for response in (missing, short):
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "permission_denied"
        assert error["message"].startswith(REFUSAL)
    assert views_of(record) == []


def test_an_api_read_with_a_purpose_is_200_and_audited_with_it(kind: Kind, analyst: User) -> None:
    record = restricted(kind, analyst)

    response = api_for(analyst).get(reverse(kind.api, args=[record.pk]), HTTP_X_ILP_PURPOSE=PURPOSE)

    assert response.status_code == 200
    assert response.json()["id"] == record.pk
    [event] = views_of(record)
    assert event.purpose == PURPOSE


def test_an_api_read_of_an_unrestricted_record_is_audited_once(kind: Kind, analyst: User) -> None:
    assert analyst.agency is not None
    record = kind.make(analyst.agency, analyst)

    response = api_for(analyst).get(reverse(kind.api, args=[record.pk]))

    assert response.status_code == 200
    assert [e.purpose for e in views_of(record)] == [""]


def test_an_api_purpose_is_asked_on_every_call(analyst: User) -> None:
    kind = BY_NAME["vehicle"]
    record = restricted(kind, analyst)
    url = reverse(kind.api, args=[record.pk])
    client = api_for(analyst)

    assert client.get(url, HTTP_X_ILP_PURPOSE=PURPOSE).status_code == 200
    assert client.get(url).status_code == 403


def test_an_api_source_read_keeps_whether_the_identity_was_shown(analyst: User) -> None:
    kind = BY_NAME["source"]
    record = restricted(kind, analyst)

    api_for(analyst).get(reverse(kind.api, args=[record.pk]), HTTP_X_ILP_PURPOSE=PURPOSE)

    [event] = views_of(record)
    assert event.details == {"identity_shown": True}


def test_an_api_read_of_a_restricted_record_outside_the_scope_is_404(
    analyst: User, outsider: User
) -> None:
    kind = BY_NAME["organisation"]
    record = restricted(kind, analyst)

    response = api_for(outsider).get(
        reverse(kind.api, args=[record.pk]), HTTP_X_ILP_PURPOSE=PURPOSE
    )

    assert response.status_code == 404
    assert views_of(record) == []


def test_the_schema_documents_the_purpose_header_on_every_retrieve(kind: Kind) -> None:
    schema = yaml.safe_load(Path(settings.BASE_DIR, "docs/api/openapi.yaml").read_text())

    parameters = schema["paths"][kind.api_path]["get"]["parameters"]

    [header] = [p for p in parameters if p["in"] == "header"]
    assert header["name"] == "X-ILP-Purpose"
    assert not header.get("required", False)
