"""Source and requirement pages for the personas: identity only for handlers, the track record,
how well a requirement is answered."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from collection.models import IntelligenceRequirement, Report, Source
from ilp.models import AuditEvent, User

pytestmark = pytest.mark.django_db

SOURCES = reverse("collection:source_list")
REQUIREMENTS = reverse("collection:requirement_list")


def source_page(source: Source) -> str:
    return reverse("collection:source_detail", args=[source.pk])


def requirement_page(requirement: IntelligenceRequirement) -> str:
    return reverse("collection:requirement_detail", args=[requirement.pk])


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer", "outsider"])
def test_source_list_and_detail_for_the_agency(
    client: Client, persona: str, source: Source, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert source.reference in client.get(SOURCES).content.decode()
    assert client.get(source_page(source)).status_code == 200


def test_another_agencys_source_is_404(
    client: Client, analyst: User, partner: User, away_source: Source, source: Source
) -> None:
    client.force_login(analyst)
    assert client.get(source_page(away_source)).status_code == 404
    assert away_source.reference not in client.get(SOURCES).content.decode()
    client.force_login(partner)
    assert client.get(source_page(source)).status_code == 404


def test_source_pages_need_sign_in(client: Client, source: Source) -> None:
    assert client.get(SOURCES).status_code == 302
    assert client.get(source_page(source)).status_code == 302


def test_covert_identity_only_for_its_handler(
    client: Client, analyst: User, supervisor: User, covert_source: Source
) -> None:
    client.force_login(analyst)
    assert "Jane Whistler" in client.get(source_page(covert_source)).content.decode()
    client.force_login(supervisor)
    page = client.get(source_page(covert_source)).content.decode()
    assert "Jane Whistler" not in page
    assert "handlers only" in page
    assert "Jane Whistler" not in client.get(SOURCES).content.decode()


def test_reading_a_source_is_audited_with_whether_the_identity_was_shown(
    client: Client, analyst: User, covert_source: Source
) -> None:
    client.force_login(analyst)
    client.get(source_page(covert_source))
    event = AuditEvent.objects.get(action="view", object_type="collection.source")
    assert event.details == {"identity_shown": True}


def test_edit_form_of_a_covert_source_hides_identity_from_non_handlers(
    client: Client, supervisor: User, covert_source: Source
) -> None:
    client.force_login(supervisor)
    page = client.get(reverse("collection:source_update", args=[covert_source.pk]))
    assert page.status_code == 200
    assert "Jane Whistler" not in page.content.decode()
    assert 'name="identity"' not in page.content.decode()


def test_registering_a_covert_source_without_handler_shows_the_error(
    client: Client, analyst: User
) -> None:
    client.force_login(analyst)
    data = {
        "kind": "chis",
        "reference": "CHIS-0099",
        "identity": "Someone",
        "classification": 1,
        "handling_code": "P",
        "is_active": "on",
    }
    response = client.post(reverse("collection:source_create"), data)
    assert response.status_code == 400
    assert "A covert source needs at least one handler." in response.content.decode()
    data["handlers"] = [analyst.pk]
    assert client.post(reverse("collection:source_create"), data).status_code == 302


def test_source_page_shows_the_track_record(
    client: Client, analyst: User, source: Source, make_report: Callable[..., Report]
) -> None:
    make_report(intelligence_assessment="A")
    make_report(intelligence_assessment="E")
    client.force_login(analyst)
    page = client.get(source_page(source)).content.decode()
    assert "2 submitted or approved reports" in page
    assert "(50%) graded A or B" in page


def test_commander_cannot_register_sources(client: Client, commander: User) -> None:
    client.force_login(commander)
    assert client.get(reverse("collection:source_create")).status_code == 403


@pytest.mark.parametrize("persona", ["analyst", "supervisor", "commander", "officer"])
def test_requirement_pages_for_the_agency(
    client: Client,
    persona: str,
    requirement: IntelligenceRequirement,
    request: pytest.FixtureRequest,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert requirement.title in client.get(REQUIREMENTS).content.decode()
    assert client.get(requirement_page(requirement)).status_code == 200


def test_requirement_of_another_agency_is_404(
    client: Client, partner: User, requirement: IntelligenceRequirement
) -> None:
    client.force_login(partner)
    assert client.get(requirement_page(requirement)).status_code == 404


def test_requirement_page_lists_visible_answers_and_single_source_reliance(
    client: Client,
    outsider: User,
    requirement: IntelligenceRequirement,
    make_report: Callable[..., Report],
) -> None:
    seen = make_report(title="Seen answer", intelligence_assessment="B")
    hidden = make_report(title="Hidden draft", status=Report.Status.DRAFT)
    for report in (seen, hidden):
        report.requirements.add(requirement)
    client.force_login(outsider)
    page = client.get(requirement_page(requirement)).content.decode()
    assert "Seen answer" in page
    assert "Hidden draft" not in page
    assert "Everything rests on a single source (SRC-0001)." in page


def test_opening_editing_and_closing_a_requirement(client: Client, supervisor: User) -> None:
    client.force_login(supervisor)
    data = {
        "title": "Who runs the county line?",
        "question": "Names and phones.",
        "priority": "high",
        "due_date": "2026-12-24",
        "classification": 1,
        "handling_code": "P",
    }
    assert client.post(reverse("collection:requirement_create"), data).status_code == 302
    requirement = IntelligenceRequirement.objects.get()
    edit = reverse("collection:requirement_update", args=[requirement.pk])
    assert client.post(edit, data | {"priority": "low", "version": 1}).status_code == 302
    stale = client.post(edit, data | {"title": "Late", "version": 1})
    assert "since you opened it; reload" in stale.content.decode()
    client.post(reverse("collection:requirement_close", args=[requirement.pk]), {"version": 2})
    requirement.refresh_from_db()
    assert (requirement.priority, requirement.status) == ("low", "closed")


def test_requirement_form_shows_errors_and_keeps_values(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    data = {"title": "Keep me", "question": "", "priority": "high", "classification": 1}
    response = client.post(reverse("collection:requirement_create"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="Keep me"' in content
    assert "This field is required." in content
