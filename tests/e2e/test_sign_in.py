"""A user signs in through the real login form in headless Chromium and sees the dashboard.

Two-factor sign-in is on (as in production): the analyst types the current code from their
authenticator app; a supervisor without one goes through enrolment, reading the key off the page.
"""

from __future__ import annotations

import os
import re
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from ilp.models import User
from tests.conftest import Authenticator
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.two_factor, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/screenshots"))


def sign_in_with_password(page: object, url: str, username: str) -> None:
    page.goto(f"{url}/")  # type: ignore[attr-defined]
    assert "/accounts/login/" in page.url  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]


def test_analyst_signs_in_and_sees_the_dashboard(
    live_server: object, page: object, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    url = live_server.url  # type: ignore[attr-defined]
    sign_in_with_password(page, url, "analyst")
    page.wait_for_selector("#id_code")  # type: ignore[attr-defined]
    assert "/accounts/2fa/verify/" in page.url  # type: ignore[attr-defined]
    page.fill("#id_code", authenticator.code(device))  # type: ignore[attr-defined]
    page.click("[data-testid=verify-submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=dashboard]")  # type: ignore[attr-defined]
    assert page.url == f"{url}/"  # type: ignore[attr-defined]
    roles = page.inner_text("[data-testid=roles]")  # type: ignore[attr-defined]
    assert roles == "analyst"
    nav = page.inner_text("nav")  # type: ignore[attr-defined]
    assert "Dashboard" in nav
    assert "Administration" not in nav
    # Bootstrap loaded from our own static files: the navbar is styled, not raw HTML.
    colour = page.eval_on_selector(  # type: ignore[attr-defined]
        ".navbar-ilp", "el => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(19, 41, 75)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)  # type: ignore[attr-defined]


def test_a_wrong_code_shows_a_message_in_the_browser(
    live_server: object, page: object, analyst: User, authenticator: Authenticator
) -> None:
    device = authenticator.add(analyst)
    url = live_server.url  # type: ignore[attr-defined]
    sign_in_with_password(page, url, "analyst")
    page.fill("#id_code", authenticator.wrong_code(device))  # type: ignore[attr-defined]
    page.click("[data-testid=verify-submit]")  # type: ignore[attr-defined]
    error = page.inner_text("[data-testid=code-error]")  # type: ignore[attr-defined]
    assert "That code is not right" in error


def test_supervisor_enrols_an_authenticator_app(
    live_server: object, page: object, supervisor: User
) -> None:
    url = live_server.url  # type: ignore[attr-defined]
    sign_in_with_password(page, url, "supervisor")
    page.wait_for_selector("[data-testid=qr-code] svg")  # type: ignore[attr-defined]
    assert "/accounts/2fa/enrol/" in page.url  # type: ignore[attr-defined]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "2fa-enrol.png"), full_page=True)  # type: ignore[attr-defined]
    # Type the key by hand into "the app", as a user who cannot scan would.
    secret = page.inner_text("[data-testid=totp-secret]").replace(" ", "")  # type: ignore[attr-defined]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    code = f"{TOTP(b32decode(secret)).token():06d}"
    page.fill("#id_code", code)  # type: ignore[attr-defined]
    page.click("[data-testid=enrol-submit]")  # type: ignore[attr-defined]
    codes = page.inner_text("[data-testid=recovery-codes]").split()  # type: ignore[attr-defined]
    assert len(codes) == 10
    page.screenshot(path=str(SCREENSHOTS / "2fa-recovery-codes.png"), full_page=True)  # type: ignore[attr-defined]
    page.click("[data-testid=continue]")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=dashboard]")  # type: ignore[attr-defined]
    assert page.url == f"{url}/"  # type: ignore[attr-defined]


def test_wrong_password_shows_a_message_in_the_browser(
    live_server: object, page: object, analyst: User
) -> None:
    url = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{url}/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", "wrong-password")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    error = page.inner_text("[data-testid=login-error]")  # type: ignore[attr-defined]
    assert "correct username and password" in error
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "login-error.png"))  # type: ignore[attr-defined]
