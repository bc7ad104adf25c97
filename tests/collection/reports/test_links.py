"""The Links section: search as you type (only what the user may see), link in a role, create
in place, remove; HTMX gets the section back, plain posts go back to the report."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from collection.models import Report, ReportLink
from ilp.models import Agency, Person, User
from tests.collection.factories import PersonFactory, ReportLinkFactory, VehicleFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("collection:report_entity_search")
HTMX = {"HX-Request": "true"}


def test_search_offers_only_what_the_user_may_see(
    client: Client, analyst: User, agency: Agency, other_agency: Agency
) -> None:
    PersonFactory.create(agency=agency, surname="Fletcher", forenames="Dan")
    PersonFactory.create(agency=other_agency, surname="Fletcher", forenames="Away")
    client.force_login(analyst)
    content = client.get(SEARCH, {"kind": "person", "q": "fletch"}, headers=HTMX).content.decode()
    assert "Dan" in content
    assert "Away" not in content


def test_search_finds_a_vehicle_by_registration_typed_with_spaces(
    client: Client, analyst: User, agency: Agency
) -> None:
    vehicle = VehicleFactory.create(agency=agency, registration="AB12CDE")
    client.force_login(analyst)
    content = client.get(SEARCH, {"kind": "vehicle", "q": "ab12 cde"}).content.decode()
    assert f'value="{vehicle.pk}"' in content


def test_search_with_nothing_typed_asks_for_text(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    assert "Type to search" in client.get(SEARCH, {"kind": "person", "q": ""}).content.decode()


def test_search_needs_sign_in(client: Client) -> None:
    assert client.get(SEARCH, {"kind": "person", "q": "x"}).status_code == 302


def test_linking_a_found_person_answers_htmx_with_the_section(
    client: Client, analyst: User, draft: Report, agency: Agency
) -> None:
    person = PersonFactory.create(agency=agency, surname="Fletcher")
    client.force_login(analyst)
    url = reverse("collection:report_link_add", args=[draft.pk])
    response = client.post(
        url, {"kind": "person", "entity": person.pk, "role": "subject"}, headers=HTMX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="report-links"')
    assert "FLETCHER" in content
    assert ReportLink.objects.get().role == "subject"


def test_linking_without_choosing_says_so(client: Client, analyst: User, draft: Report) -> None:
    client.force_login(analyst)
    url = reverse("collection:report_link_add", args=[draft.pk])
    content = client.post(url, {"kind": "person", "role": "subject"}, headers=HTMX).content.decode()
    assert "Search, then choose one of the results." in content


def test_linking_another_agencys_person_is_refused(
    client: Client, analyst: User, draft: Report, other_agency: Agency
) -> None:
    theirs = PersonFactory.create(agency=other_agency)
    client.force_login(analyst)
    url = reverse("collection:report_link_add", args=[draft.pk])
    content = client.post(
        url, {"kind": "person", "entity": theirs.pk, "role": "subject"}, headers=HTMX
    )
    assert "Choose a person you can see." in content.content.decode()
    assert not ReportLink.objects.exists()


def test_create_in_place_and_link(client: Client, analyst: User, draft: Report) -> None:
    client.force_login(analyst)
    url = reverse("collection:report_link_create", args=[draft.pk])
    data = {"kind": "person", "role": "associate", "surname": "Marsh", "forenames": "Kim"}
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    person = Person.objects.get()
    assert (person.surname, person.agency_id) == ("Marsh", analyst.agency_id)
    assert ReportLink.objects.get().person == person


def test_create_in_place_keeps_values_and_names_the_missing_field(
    client: Client, analyst: User, draft: Report
) -> None:
    client.force_login(analyst)
    url = reverse("collection:report_link_create", args=[draft.pk])
    content = client.post(
        url, {"kind": "vehicle", "role": "vehicle_used", "make": "Ford"}, headers=HTMX
    )
    text = content.content.decode()
    assert "Required for a new vehicle." in text
    assert 'value="Ford"' in text


def test_remove_a_link(client: Client, analyst: User, draft: Report, agency: Agency) -> None:
    link = ReportLinkFactory.create(report=draft, person=PersonFactory.create(agency=agency))
    client.force_login(analyst)
    url = reverse("collection:report_link_remove", args=[draft.pk, link.pk])
    assert client.post(url, headers=HTMX).status_code == 200
    assert not ReportLink.objects.exists()


def test_plain_post_goes_back_to_the_report(
    client: Client, analyst: User, draft: Report, agency: Agency
) -> None:
    person = PersonFactory.create(agency=agency)
    client.force_login(analyst)
    url = reverse("collection:report_link_add", args=[draft.pk])
    response = client.post(url, {"kind": "person", "entity": person.pk, "role": "subject"})
    assert response.status_code == 302
    assert response["Location"] == reverse("collection:report_detail", args=[draft.pk])


def test_links_of_someone_elses_report_cannot_be_changed(
    client: Client, outsider: User, approved: Report, agency: Agency
) -> None:
    link = ReportLinkFactory.create(report=approved, person=PersonFactory.create(agency=agency))
    client.force_login(outsider)
    url = reverse("collection:report_link_remove", args=[approved.pk, link.pk])
    assert client.post(url).status_code == 403
    assert ReportLink.objects.filter(pk=link.pk).exists()


def test_links_of_another_agencys_report_are_404(
    client: Client, analyst: User, away_report: Report
) -> None:
    client.force_login(analyst)
    url = reverse("collection:report_link_add", args=[away_report.pk])
    assert client.post(url, {"kind": "person", "entity": 1, "role": "subject"}).status_code == 404


def test_link_forms_show_only_while_the_author_may_edit(
    client: Client, analyst: User, draft: Report, submitted: Report
) -> None:
    client.force_login(analyst)
    editable = client.get(reverse("collection:report_detail", args=[draft.pk])).content.decode()
    frozen = client.get(reverse("collection:report_detail", args=[submitted.pk])).content.decode()
    assert 'data-testid="link-add-form"' in editable
    assert 'data-testid="link-create-form"' in editable
    assert 'data-testid="link-add-form"' not in frozen
