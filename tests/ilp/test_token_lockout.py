"""Lockout on token authentication: 5 failures from one address lock it for 10 minutes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ilp import services
from ilp.models import ApiToken, AuditEvent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/core/me/"
START = "2026-01-01 09:00 +0000"
OTHER_ADDRESS = "127.0.0.2"


def token_client(key: str, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    return dict(body["error"])


def fail_five_times(address: str = "127.0.0.1") -> list[Any]:
    return [token_client(ApiToken.new_key(), address).get(ME) for _ in range(5)]


@pytest.fixture
def analyst_key(analyst: User) -> str:
    return services.token_create(actor=analyst, name="rms").key


def test_five_failed_token_attempts_lock_the_address_even_for_a_valid_key(
    analyst_key: str,
) -> None:
    with time_machine.travel(START, tick=False):
        responses = fail_five_times()
        # The failures themselves are ordinary 401s in the common format, not a lockout page.
        assert [error_of(r, 401)["message"] for r in responses] == ["Invalid token."] * 5
        response = token_client(analyst_key).get(ME)
    error = error_of(response, 429)
    assert error["code"] == "locked"
    assert "10 minutes" in error["message"]
    assert response["Retry-After"] == "600"


def test_the_failures_are_kept_in_axes_and_the_audit_trail(analyst_key: str) -> None:
    with time_machine.travel(START, tick=False):
        fail_five_times()
    attempts = AccessAttempt.objects.all()
    assert {a.username[:7] for a in attempts} == {"<token:"}
    assert {a.ip_address for a in attempts} == {"127.0.0.1"}
    assert AccessFailureLog.objects.count() == 5
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.count() == 5
    assert all(e.actor_username.startswith("<token:") for e in failed)
    # Only the public prefix is recorded, never a whole key.
    assert all(len(e.actor_username) == len("<token:>") + 8 for e in failed)


def test_the_token_lockout_ends_after_the_cool_off(analyst_key: str) -> None:
    with time_machine.travel(START, tick=False):
        fail_five_times()
        assert token_client(analyst_key).get(ME).status_code == 429
    with time_machine.travel("2026-01-01 09:09 +0000", tick=False):
        assert token_client(analyst_key).get(ME).status_code == 429
    with time_machine.travel("2026-01-01 09:11 +0000", tick=False):
        assert token_client(analyst_key).get(ME).status_code == 200


def test_four_failures_do_not_lock(analyst_key: str) -> None:
    for _ in range(4):
        token_client(ApiToken.new_key()).get(ME)
    assert token_client(analyst_key).get(ME).status_code == 200


def test_another_address_is_not_locked(analyst_key: str) -> None:
    fail_five_times()
    assert token_client(analyst_key).get(ME).status_code == 429
    assert token_client(analyst_key, OTHER_ADDRESS).get(ME).status_code == 200


def test_revoked_and_expired_keys_count_as_failures(analyst: User, analyst_key: str) -> None:
    revoked = services.token_create(actor=analyst, name="old")
    services.token_revoke(actor=analyst, token=revoked.token)
    expired = services.token_create(actor=analyst, name="expired")
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for _ in range(3):
        error_of(token_client(revoked.key).get(ME), 401)
    for _ in range(2):
        error_of(token_client(expired.key).get(ME), 401)
    assert error_of(token_client(analyst_key).get(ME), 429)["code"] == "locked"


def test_a_malformed_token_header_counts_as_a_failure(analyst_key: str) -> None:
    for _ in range(5):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token two parts")
        error_of(client.get(ME), 401)
    assert token_client(analyst_key).get(ME).status_code == 429


def test_a_locked_address_is_refused_before_the_key_is_looked_at(
    analyst_key: str, django_assert_max_num_queries: Any
) -> None:
    fail_five_times()
    client = token_client(analyst_key)
    with django_assert_max_num_queries(3):
        assert client.get(ME).status_code == 429
    token = ApiToken.objects.get(digest=ApiToken.digest_of(analyst_key))
    assert token.last_used_at is None


def test_password_sign_in_still_works_from_another_address(analyst: User, analyst_key: str) -> None:
    fail_five_times()
    client = Client(REMOTE_ADDR=OTHER_ADDRESS)
    response = client.post(reverse("login"), {"username": "analyst", "password": PASSWORD})
    assert response.status_code == 302
