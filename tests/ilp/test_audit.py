"""The audit trail: append-only in PostgreSQL, sign-ins recorded, the auditor's page."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from ilp.audit import audit_record
from ilp.models import AuditEvent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_application_cannot_change_an_audit_row(analyst: User) -> None:
    event = audit_record(actor=analyst, action=AuditEvent.Action.VIEW, obj=analyst)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="rewritten")
    event.refresh_from_db()
    assert event.purpose == ""


def test_the_application_cannot_delete_an_audit_row(analyst: User) -> None:
    event = audit_record(actor=analyst, action=AuditEvent.Action.VIEW)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM ilp_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sign_in_and_failed_sign_in_are_recorded_with_origin(client: Client, analyst: User) -> None:
    client.post(
        reverse("login"),
        {"username": "analyst", "password": "wrong"},
        HTTP_USER_AGENT="pytest-browser",
    )
    client.post(reverse("login"), {"username": "analyst", "password": PASSWORD})
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.actor_username == "analyst"
    assert "wrong" not in str(failed.details)
    assert failed.user_agent == "pytest-browser"
    assert failed.ip_address == "127.0.0.1"
    signed_in = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert signed_in.actor == analyst


def test_auditor_sees_and_filters_the_trail(client: Client, auditor: User, analyst: User) -> None:
    audit_record(actor=analyst, action=AuditEvent.Action.SEARCH, details={"q": "blue van"})
    audit_record(actor=analyst, action=AuditEvent.Action.VIEW, obj=analyst)
    client.force_login(auditor)
    page = client.get(reverse("ilp:audit_list"), {"action": "search"})
    assert page.status_code == 200
    assert "blue van" in page.content.decode()
    assert "Viewed" not in page.content.decode().split("<tbody>")[1]


def test_auditor_exports_the_filtered_trail_as_csv_and_the_export_is_audited(
    client: Client, auditor: User, analyst: User
) -> None:
    audit_record(actor=analyst, action=AuditEvent.Action.SEARCH, details={"q": "blue van"})
    client.force_login(auditor)
    response = client.get(reverse("ilp:audit_export"), {"user": "analyst"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    lines = body.strip().splitlines()
    assert lines[0].startswith("at,actor_username,action")
    assert len(lines) == 2
    assert "blue van" in lines[1]
    assert AuditEvent.objects.filter(actor=auditor, action=AuditEvent.Action.EXPORT).exists()


def test_a_bad_filter_is_a_400_with_a_message(client: Client, auditor: User) -> None:
    client.force_login(auditor)
    response = client.get(reverse("ilp:audit_list"), {"since": "last tuesday"})
    assert response.status_code == 400
    assert "Enter a valid date/time" in response.content.decode()


def test_the_trail_is_a_404_for_an_analyst(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    assert client.get(reverse("ilp:audit_list")).status_code == 404
    assert client.get(reverse("ilp:audit_export")).status_code == 404


def test_the_trail_asks_anonymous_users_to_sign_in(client: Client) -> None:
    response = client.get(reverse("ilp:audit_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_auditor_sees_only_events_of_their_own_agency(
    client: Client, auditor: User, partner: User
) -> None:
    audit_record(actor=partner, action=AuditEvent.Action.SEARCH, details={"q": "elsewhere"})
    client.force_login(auditor)
    assert "elsewhere" not in client.get(reverse("ilp:audit_list")).content.decode()
