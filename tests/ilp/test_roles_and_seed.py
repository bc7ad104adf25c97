"""Roles as groups, and the idempotent demo data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ilp.management.commands.seed_demo import DEMO_PASSWORD
from ilp.models import Agency, Unit, User
from ilp.roles import Role, grant, permissions_for, sync_role_groups

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_administrator_group_can_manage_users_and_analyst_cannot() -> None:
    admin_perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="administrator").permissions.select_related("content_type")
    }
    assert {"ilp.add_user", "ilp.change_user", "ilp.add_unit"} <= admin_perms
    analyst_perms = Group.objects.get(name="analyst").permissions.values_list("codename", flat=True)
    assert "add_user" not in analyst_perms


def test_grant_adds_a_permission_on_the_next_sync() -> None:
    grant(Role.AUDITOR, "ilp.view_apitoken")
    try:
        sync_role_groups()
        assert (
            Group.objects.get(name="auditor").permissions.filter(codename="view_apitoken").exists()
        )
    finally:
        permissions_for(Role.AUDITOR)  # the registry is module state: undo for other tests
        from ilp import roles

        roles._GRANTS[Role.AUDITOR.value].discard("ilp.view_apitoken")


def test_seed_demo_is_idempotent_and_gives_one_login_per_role(client: Client) -> None:
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    assert Agency.objects.filter(code="DEMO").count() == 1
    assert Agency.objects.count() == 2
    assert Unit.objects.count() == 5
    roles = {u.role_names[0] for u in User.objects.prefetch_related("groups")}
    assert roles == {r.value for r in Role}
    response = client.post(
        reverse("login"), {"username": "commander", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")


def test_user_unit_must_belong_to_the_users_agency(analyst: User, partner: User) -> None:
    from django.core.exceptions import ValidationError

    analyst.unit = partner.unit
    with pytest.raises(ValidationError, match="unit must belong"):
        analyst.full_clean()
