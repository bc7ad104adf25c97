"""API tokens in the browser: issue (key shown once), list and revoke."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ilp import services
from ilp.models import ApiToken, User

pytestmark = pytest.mark.django_db


def test_issuing_a_token_shows_the_key_once(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(reverse("ilp:token_list"), {"name": "RMS sync", "expires_on": expires})
    assert response.status_code == 200
    assert b"will not be shown again" in response.content
    token = ApiToken.objects.get(user=analyst)
    again = client.get(reverse("ilp:token_list")).content.decode()
    assert "RMS sync" in again
    assert "will not be shown again" not in again
    assert token.digest not in again


@pytest.mark.parametrize(
    ("expires_days", "message"),
    [(-1, "Choose a date after today."), (400, "at most 366 days")],
)
def test_bad_expiry_is_refused_with_a_message(
    client: Client, analyst: User, expires_days: int, message: str
) -> None:
    client.force_login(analyst)
    expires = (timezone.localdate() + timedelta(days=expires_days)).isoformat()
    response = client.post(reverse("ilp:token_list"), {"name": "x", "expires_on": expires})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(client: Client, analyst: User) -> None:
    token = services.token_create(actor=analyst, name="old").token
    client.force_login(analyst)
    response = client.post(reverse("ilp:token_revoke", args=[token.pk]), follow=True)
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_another_users_token_is_a_404(
    client: Client, analyst: User, outsider: User
) -> None:
    token = services.token_create(actor=outsider, name="theirs").token
    client.force_login(analyst)
    assert client.post(reverse("ilp:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
