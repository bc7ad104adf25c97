"""Two-factor sign-in: enrolment, verification, wrong codes, lockout and who is asked."""

from __future__ import annotations

import json
import re
from base64 import b32encode
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from ilp import services as core_services
from ilp.models import ApiToken, AuditEvent, User
from ilp.roles import TWO_FACTOR_ROLES, Role
from tests.conftest import Authenticator
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

HOME = "/"
ME = "/api/v1/core/me/"
TOKENS = "/api/v1/core/tokens/"
START = "2026-01-01 09:00 +0000"


def sign_in_with_password(client: Client, user: User) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content


def enter_code(client: Client, code: str, url_name: str = "two_factor_verify") -> Any:
    return client.post(reverse(url_name), {"code": code, "next": HOME})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def verify_url(next_url: str = HOME) -> str:
    return f"{reverse('two_factor_verify')}?next={next_url.replace('/', '%2F')}"


# -- Who is asked -------------------------------------------------------------------------------


def test_the_required_roles_are_those_that_see_restricted_material() -> None:
    assert {
        Role.ANALYST,
        Role.SUPERVISOR,
        Role.COMMANDER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    } == TWO_FACTOR_ROLES
    assert Role.OFFICER not in TWO_FACTOR_ROLES
    assert Role.PARTNER not in TWO_FACTOR_ROLES


def test_a_supervisor_cannot_reach_the_dashboard_before_the_second_factor(
    client: Client, supervisor: User
) -> None:
    sign_in_with_password(client, supervisor)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == verify_url(HOME)
    # No authenticator app yet: verification sends them on to enrolment.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_enrol"))


@pytest.mark.parametrize("persona", ["analyst", "commander", "auditor", "administrator"])
def test_every_required_role_is_held_at_the_door(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    sign_in_with_password(client, user)
    for url in (HOME, reverse("ilp:token_list"), reverse("two_factor_status"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_verify"))


def test_an_officer_reaches_the_dashboard_without_a_second_factor(
    client: Client, officer: User
) -> None:
    sign_in_with_password(client, officer)
    response = client.get(HOME)
    assert response.status_code == 200
    assert b'data-testid="dashboard"' in response.content


def test_a_partner_reaches_the_dashboard_and_the_api_without_a_second_factor(
    client: Client, partner: User
) -> None:
    sign_in_with_password(client, partner)
    assert client.get(HOME).status_code == 200
    assert client.get(ME).status_code == 200


def test_with_the_requirement_off_required_roles_sign_in_with_the_password_alone(
    client: Client, analyst: User, settings: Any
) -> None:
    settings.ILP_REQUIRE_2FA = False
    sign_in_with_password(client, analyst)
    assert client.get(HOME).status_code == 200


def test_a_user_who_enrolled_voluntarily_is_asked_every_time(
    client: Client, officer: User, authenticator: Authenticator, settings: Any
) -> None:
    settings.ILP_REQUIRE_2FA = False
    device = authenticator.add(officer)
    sign_in_with_password(client, officer)
    assert client.get(HOME)["Location"] == verify_url(HOME)
    assert enter_code(client, authenticator.code(device)).status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_voluntary_app_removed_by_an_administrator_is_no_longer_asked_for(
    client: Client, officer: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(officer)
    sign_in_with_password(client, officer)
    device.delete()
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert client.get(HOME).status_code == 200


def test_sign_in_sign_out_and_health_stay_open_to_an_unverified_session(
    client: Client, analyst: User
) -> None:
    sign_in_with_password(client, analyst)
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("two_factor_enrol")).status_code == 200
    assert client.get(reverse("healthz")).status_code in {200, 503}
    assert client.post(reverse("logout")).status_code == 302
    assert not signed_in(client)


def test_an_htmx_request_is_redirected_with_hx_redirect(client: Client, analyst: User) -> None:
    sign_in_with_password(client, analyst)
    response = client.get(reverse("ilp:token_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("two_factor_verify"))


# -- Enrolment ----------------------------------------------------------------------------------


def test_enrolment_shows_a_local_qr_code_and_the_secret_in_base32(
    client: Client, supervisor: User
) -> None:
    sign_in_with_password(client, supervisor)
    response = client.get(reverse("two_factor_enrol"))
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'data-testid="totp-secret">([^<]+)<', html)
    assert shown is not None
    assert shown.group(1).replace(" ", "") == secret
    assert "<svg" in html
    assert "<?xml" not in html
    # Drawn here: no image is fetched from anywhere, and the secret is not in an outside URL.
    assert "chart.googleapis" not in html
    assert "<img" not in html
    assert "otpauth://" not in html
    # The same secret on reload, in the same session.
    client.get(reverse("two_factor_enrol"))
    assert TOTPDevice.objects.get(user=supervisor, confirmed=False).pk == device.pk


def test_another_session_gets_a_fresh_secret(client: Client, supervisor: User) -> None:
    sign_in_with_password(client, supervisor)
    client.get(reverse("two_factor_enrol"))
    first = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    other = Client()
    sign_in_with_password(other, supervisor)
    other.get(reverse("two_factor_enrol"))
    second = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    assert second.key != first.key
    # The first session's secret is gone: its page must be reloaded.
    response = enter_code(client, Authenticator().code(first), "two_factor_enrol")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_enrol"))


def test_enrolment_with_a_real_code_signs_the_session_in_and_shows_recovery_codes(
    client: Client, supervisor: User, authenticator: Authenticator
) -> None:
    sign_in_with_password(client, supervisor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    response = enter_code(client, authenticator.code(device), "two_factor_enrol")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Two-factor sign-in is set up" in html
    codes = re.findall(r'<li class="col">([a-z2-7]{8})</li>', html)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=supervisor).values_list("token", flat=True)
    )
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(
        actor=supervisor,
        action=AuditEvent.Action.CHANGE,
        details__second_factor="authenticator app enrolled",
    ).exists()


def test_enrolment_refuses_a_wrong_code_with_a_clear_message(
    client: Client, supervisor: User, authenticator: Authenticator
) -> None:
    sign_in_with_password(client, supervisor)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    response = enter_code(client, authenticator.wrong_code(device), "two_factor_enrol")
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME).status_code == 302


def test_a_user_with_an_app_cannot_enrol_another_without_verifying(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    response = client.get(reverse("two_factor_enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=analyst).count() == 1


# -- Verification -------------------------------------------------------------------------------


def test_verification_with_the_current_code_reaches_the_page_first_asked_for(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    key_after_password = client.session.session_key
    asked = reverse("ilp:token_list")
    assert client.get(asked)["Location"] == verify_url(asked)
    response = client.post(
        reverse("two_factor_verify"), {"code": authenticator.code(device), "next": asked}
    )
    assert response.status_code == 302
    assert response["Location"] == asked
    assert client.get(asked).status_code == 200
    assert client.session.session_key != key_after_password
    assert AuditEvent.objects.filter(
        actor=analyst, action=AuditEvent.Action.LOGIN, details__second_factor="authenticator app"
    ).exists()


def test_verification_never_redirects_off_the_site(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    response = client.post(
        reverse("two_factor_verify"),
        {"code": authenticator.code(device), "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == HOME


def test_a_wrong_code_gets_a_clear_message(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    wrong = authenticator.wrong_code(device)
    response = enter_code(client, wrong)
    assert response.status_code == 400
    # Counted by axes like a wrong password, with the code masked like a password.
    attempt = AccessAttempt.objects.get(username="analyst")
    assert attempt.failures_since_start == 1
    assert wrong not in attempt.post_data
    page = response.content.decode()
    assert "That code is not right" in page
    assert "After 5 wrong codes, sign-in is locked for 10 minutes" in page
    assert client.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, actor_username="analyst"
    ).exists()


def test_a_code_of_the_wrong_shape_is_refused_without_counting(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    response = enter_code(client, "12ab")
    assert response.status_code == 400
    assert "Enter the 6-digit code" in response.content.decode()
    assert not AccessFailureLog.objects.exists()


def test_a_code_cannot_be_used_twice(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    code = authenticator.code(device)
    sign_in_with_password(client, analyst)
    assert enter_code(client, code).status_code == 302
    other = Client()
    sign_in_with_password(other, analyst)
    assert enter_code(other, code).status_code in {400, 429}


def test_a_wrong_code_straight_after_another_is_asked_to_wait_and_not_counted(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, analyst)
        enter_code(client, authenticator.wrong_code(device))
        response = enter_code(client, authenticator.code(device))
        assert response.status_code == 429
        assert "wait 1 second," in response.content.decode()
        assert AccessFailureLog.objects.count() == 1
        traveller.shift(timedelta(seconds=2))
        assert enter_code(client, authenticator.code(device)).status_code == 302


def test_a_recovery_code_signs_in_once(
    client: Client, supervisor: User, authenticator: Authenticator
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, supervisor)
        client.get(reverse("two_factor_enrol"))
        device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
        html = enter_code(client, authenticator.code(device), "two_factor_enrol").content.decode()
        recovery = re.findall(r'<li class="col">([a-z2-7]{8})</li>', html)[0]
        client.post(reverse("logout"))
        traveller.shift(timedelta(minutes=1))
        sign_in_with_password(client, supervisor)
        response = client.post(
            reverse("two_factor_verify"), {"code": recovery.upper(), "next": HOME}, follow=True
        )
        assert response.redirect_chain[-1][0] == HOME
        assert "recovery code; 9 left" in response.content.decode()
        client.post(reverse("logout"))
        traveller.shift(timedelta(minutes=1))
        sign_in_with_password(client, supervisor)
        assert enter_code(client, recovery).status_code == 400


def test_new_recovery_codes_need_a_verified_session_and_replace_the_old(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    assert client.post(reverse("two_factor_status")).status_code == 302
    assert not StaticToken.objects.exists()
    enter_code(client, authenticator.code(device))
    page = client.post(reverse("two_factor_status")).content.decode()
    first = set(re.findall(r'<li class="col">([a-z2-7]{8})</li>', page))
    page = client.post(reverse("two_factor_status")).content.decode()
    second = set(re.findall(r'<li class="col">([a-z2-7]{8})</li>', page))
    assert len(first) == len(second) == 10
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == second


# -- Lockout ------------------------------------------------------------------------------------


def _five_wrong_codes(client: Client, device: Any, traveller: Any) -> list[Any]:
    responses = []
    for _ in range(5):
        traveller.shift(timedelta(seconds=20))  # past django-otp's back-off between tries
        responses.append(enter_code(client, Authenticator().wrong_code(device)))
    return responses


def test_five_wrong_codes_lock_sign_in_for_ten_minutes(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, analyst)
        responses = _five_wrong_codes(client, device, traveller)
        assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
        assert "Too many failed sign-ins" in responses[-1].content.decode()
        assert not signed_in(client)
        # The same rule as for wrong passwords: the account is locked, even with the password.
        response = client.post(reverse("login"), {"username": "analyst", "password": PASSWORD})
        assert response.status_code == 429
        assert AccessFailureLog.objects.filter(username="analyst").count() >= 5
    with time_machine.travel("2026-01-01 09:13 +0000", tick=False):
        sign_in_with_password(client, analyst)
        assert enter_code(client, authenticator.code(device)).status_code == 302
        assert client.get(HOME).status_code == 200


def test_signing_in_again_does_not_reset_the_count_of_wrong_codes(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, analyst)
        for _ in range(4):
            traveller.shift(timedelta(seconds=20))
            assert enter_code(client, authenticator.wrong_code(device)).status_code == 400
        client.post(reverse("logout"))
        # A right password resets axes's counts; the run of wrong codes on the device remains.
        sign_in_with_password(client, analyst)
        traveller.shift(timedelta(seconds=20))
        assert enter_code(client, authenticator.wrong_code(device)).status_code == 429
        assert not signed_in(client)


def test_a_locked_user_opening_the_code_page_is_signed_out(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, analyst)
        for _ in range(4):
            traveller.shift(timedelta(seconds=20))
            enter_code(client, authenticator.wrong_code(device))
        client.post(reverse("logout"))
        sign_in_with_password(client, analyst)
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=5)
        response = client.get(reverse("two_factor_verify"))
        assert response.status_code == 429
        assert not signed_in(client)


# -- The API ------------------------------------------------------------------------------------


def test_a_session_api_request_before_the_second_factor_is_a_403(
    client: Client, analyst: User
) -> None:
    sign_in_with_password(client, analyst)
    response = client.get(ME)
    assert response.status_code == 403
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["status"] == 403
    assert body["error"]["code"] == "two_factor_required"
    assert "Two-factor authentication is required" in body["error"]["message"]


def test_a_session_api_request_after_the_second_factor_is_served(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    enter_code(client, authenticator.code(device))
    assert client.get(ME).json()["username"] == "analyst"


def test_token_requests_are_not_asked_for_a_code(analyst: User) -> None:
    key = core_services.token_create(actor=analyst, name="rms").key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ME).status_code == 200


def test_a_token_cannot_issue_tokens_for_a_required_role(analyst: User) -> None:
    key = core_services.token_create(actor=analyst, name="rms").key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(TOKENS, {"name": "more"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"
    assert ApiToken.objects.count() == 1


def test_a_verified_session_issues_tokens_through_the_api(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    enter_code(client, authenticator.code(device))
    response = client.post(TOKENS, {"name": "rms"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["key"]


def test_the_token_page_issues_nothing_before_the_second_factor(
    client: Client, analyst: User
) -> None:
    sign_in_with_password(client, analyst)
    expires = "2099-01-01"
    response = client.post(reverse("ilp:token_list"), {"name": "x", "expires_on": expires})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_an_officer_may_issue_tokens_without_a_second_factor(client: Client, officer: User) -> None:
    sign_in_with_password(client, officer)
    response = client.post(TOKENS, {"name": "rms"}, content_type="application/json")
    assert response.status_code == 201


# -- Navigation ---------------------------------------------------------------------------------


def test_the_code_page_shows_no_navigation_but_lets_the_user_sign_out(
    client: Client, analyst: User, authenticator: Authenticator
) -> None:
    authenticator.add(analyst)
    sign_in_with_password(client, analyst)
    page = client.get(reverse("two_factor_verify")).content.decode()
    assert "Dashboard" not in page
    assert "Sign out" in page


def test_the_status_page_shows_whether_two_factor_is_on(
    client: Client, officer: User, analyst: User, authenticator: Authenticator
) -> None:
    sign_in_with_password(client, officer)
    page = client.get(reverse("two_factor_status")).content.decode()
    assert "Optional for your role" in page
    device = authenticator.add(analyst)
    other = Client()
    sign_in_with_password(other, analyst)
    enter_code(other, authenticator.code(device))
    page = other.get(reverse("two_factor_status")).content.decode()
    assert "An authenticator app was added" in page
