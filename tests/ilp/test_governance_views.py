"""Sharing and restricting from the browser, and notifications."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from collection.models import Report
from ilp.models import Dissemination, User
from tests.collection.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(analyst: User) -> Report:
    return ReportFactory.create(
        agency=analyst.agency,
        author=analyst,
        title="Blue van",
        handling_code="C",
        handling_conditions="Originator consent first",
    )


def url(name: str, report: Report) -> str:
    return reverse(name, args=[ContentType.objects.get_for_model(Report).pk, report.pk])


def test_supervisor_shares_a_record_and_the_partner_is_notified(
    client: Client, report: Report, supervisor: User, partner: User
) -> None:
    client.force_login(supervisor)
    page = client.get(url("governance:share", report))
    assert "Originator consent first" in page.content.decode()
    assert partner.agency is not None
    missing = client.post(
        url("governance:share", report),
        {"recipient_agency": partner.agency.pk, "purpose": "Joint op"},
    )
    assert missing.status_code == 400
    assert "confirm the recipient is shown the conditions" in missing.content.decode()
    client.post(
        url("governance:share", report),
        {
            "recipient_agency": partner.agency.pk,
            "purpose": "Joint op",
            "conditions_acknowledged": "on",
        },
    )
    assert Dissemination.objects.count() == 1
    client.force_login(partner)
    assert "Blue van" in client.get(reverse("governance:notifications")).content.decode()


def test_sharing_a_record_you_cannot_see_is_a_404(
    client: Client, report: Report, partner: User
) -> None:
    client.force_login(partner)
    assert client.get(url("governance:share", report)).status_code == 404


def test_restricting_from_the_page(
    client: Client, report: Report, supervisor: User, outsider: User
) -> None:
    client.force_login(supervisor)
    response = client.post(url("governance:restrict", report), {"users": []}, follow=True)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.restricted
    client.force_login(outsider)
    assert client.get(url("governance:restrict", report)).status_code == 404


def test_an_unknown_content_type_is_a_404(client: Client, supervisor: User) -> None:
    client.force_login(supervisor)
    assert client.get(reverse("governance:share", args=[999999, 1])).status_code == 404
