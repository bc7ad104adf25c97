"""The role-aware dashboard and its navigation, fed by the panel registry."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from ilp import panels
from ilp.models import User

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_users_own_account(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-panel="account"' in content
    assert "Intelligence Unit" in content
    assert "analyst" in content


def test_dashboard_hides_administration_from_non_administrators(
    client: Client, analyst: User
) -> None:
    client.force_login(analyst)
    content = client.get(reverse("home")).content.decode()
    assert 'data-panel="administration"' not in content
    assert reverse("admin:index") not in content


def test_dashboard_shows_administration_to_administrators(
    client: Client, administrator: User
) -> None:
    client.force_login(administrator)
    content = client.get(reverse("home")).content.decode()
    assert 'data-panel="administration"' in content
    assert reverse("admin:ilp_user_changelist") in content


def test_every_navigation_entry_resolves_to_a_page_that_exists(
    client: Client, administrator: User
) -> None:
    client.force_login(administrator)
    request = client.get(reverse("home")).wsgi_request
    for item in panels.nav_for(request):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # pragma: no cover - the assertion below reports it
            pytest.fail(f"navigation entry {item.key} names a missing URL {item.url_name}")
        assert client.get(url).status_code == 200, item.key


def test_a_registered_panel_appears_only_for_users_it_is_visible_to(
    client: Client, analyst: User, officer: User
) -> None:
    panel = panels.Panel(
        "test-analysts-only",
        "Analysts only",
        "ilp/panels/administration.html",
        visible=lambda request: request.user.groups.filter(name="analyst").exists(),
        context=lambda request: {"counts": {"users": 3}},
    )
    panels.register_panel(panel)
    try:
        client.force_login(analyst)
        assert "Analysts only" in client.get(reverse("home")).content.decode()
        client.force_login(officer)
        assert "Analysts only" not in client.get(reverse("home")).content.decode()
    finally:
        panels._PANELS.pop("test-analysts-only")


def test_unknown_page_is_a_404_in_the_sites_style(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"ILP platform" in response.content
