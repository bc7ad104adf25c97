"""Signing in: the login form, generic failure messages and account lockout."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ilp.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

GENERIC = "Please enter a correct username and password"


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_renders_the_form(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_login_with_right_password_lands_on_dashboard(client: Client, analyst: User) -> None:
    response = client.post(
        reverse("login"), {"username": "analyst", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Dashboard" in response.content
    assert b"analyst" in response.content


def test_wrong_password_and_unknown_user_get_the_same_message(
    client: Client, analyst: User
) -> None:
    wrong_password = _login(client, "analyst", "not-the-password")
    unknown_user = _login(client, "nobody-by-this-name", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert GENERIC in wrong_password.content.decode()
    assert GENERIC in unknown_user.content.decode()
    assert b"does not exist" not in unknown_user.content


def test_five_failures_lock_the_account_even_with_the_right_password(
    client: Client, analyst: User
) -> None:
    for _ in range(5):
        _login(client, "analyst", "not-the-password")
    response = _login(client, "analyst", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_the_cool_off(client: Client, analyst: User) -> None:
    import time_machine

    with time_machine.travel("2026-01-01 09:00 +0000", tick=False):
        for _ in range(5):
            _login(client, "analyst", "not-the-password")
        assert _login(client, "analyst", PASSWORD).status_code == 429
    with time_machine.travel("2026-01-01 09:11 +0000", tick=False):
        response = _login(client, "analyst", PASSWORD)
    assert response.status_code == 302


def test_logout_requires_post_and_ends_the_session(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_home_redirects_anonymous_users_to_login(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_idle_session_ends_after_thirty_minutes(client: Client, analyst: User) -> None:
    import time_machine

    with time_machine.travel("2026-01-01 09:00 +0000", tick=False):
        client.force_login(analyst)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel("2026-01-01 09:29 +0000", tick=False):
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
    with time_machine.travel("2026-01-01 09:58 +0000", tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel("2026-01-01 10:29 +0000", tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
