"""A user signs in through the real login form in headless Chromium and sees the dashboard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ilp.models import User
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/screenshots"))


def test_analyst_signs_in_and_sees_the_dashboard(
    live_server: object, page: object, analyst: User
) -> None:
    url = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{url}/")  # type: ignore[attr-defined]
    assert "/accounts/login/" in page.url  # type: ignore[attr-defined]
    page.fill("#id_username", "analyst")  # type: ignore[attr-defined]
    page.fill("#id_password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
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
