"""Load demo agencies, units and one login per role. Safe to run again: it updates in place."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from ilp.choices import Classification
from ilp.demo import DemoContext, run_seeders
from ilp.models import Agency, Unit, User
from ilp.roles import Role, sync_role_groups

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo logins only, printed for the user

AGENCIES = [
    ("DEMO", "Demo Constabulary", Agency.Kind.POLICE, "Europe/London"),
    ("NCP", "Northshire County Police", Agency.Kind.PARTNER, "Europe/London"),
]
UNITS = [
    ("DEMO", "INTEL", "Force Intelligence Bureau"),
    ("DEMO", "RESP", "Response Team North"),
    ("DEMO", "NHT", "Neighbourhood Team Central"),
    ("DEMO", "PSD", "Professional Standards"),
    ("NCP", "INTEL", "Northshire Intelligence Unit"),
]
# username, first, last, agency, unit, role, clearance
USERS = [
    ("analyst", "Asha", "Patel", "DEMO", "INTEL", Role.ANALYST, Classification.SECRET),
    ("supervisor", "Sam", "Okafor", "DEMO", "INTEL", Role.SUPERVISOR, Classification.SECRET),
    ("commander", "Claire", "Hughes", "DEMO", "INTEL", Role.COMMANDER, Classification.SECRET),
    ("officer", "Owen", "Price", "DEMO", "RESP", Role.OFFICER, Classification.OFFICIAL_SENSITIVE),
    ("analyst2", "Nadia", "Rahman", "DEMO", "NHT", Role.ANALYST, Classification.OFFICIAL_SENSITIVE),
    ("partner", "Pat", "Morgan", "NCP", "INTEL", Role.PARTNER, Classification.OFFICIAL_SENSITIVE),
    ("auditor", "Alex", "Reid", "DEMO", "PSD", Role.AUDITOR, Classification.SECRET),
    ("admin", "Ada", "Admin", "DEMO", None, Role.ADMINISTRATOR, Classification.TOP_SECRET),
]


class Command(BaseCommand):
    help = "Create or update the demo agencies, units and one login per role."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        sync_role_groups()
        agencies = {}
        for code, name, kind, tz in AGENCIES:
            agencies[code], _ = Agency.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "time_zone": tz}
            )
        units = {}
        for agency_code, code, name in UNITS:
            units[(agency_code, code)], _ = Unit.objects.update_or_create(
                agency=agencies[agency_code], code=code, defaults={"name": name}
            )
        rows = []
        users = {}
        for username, first, last, agency_code, unit_code, role, clearance in USERS:
            is_admin = role == Role.ADMINISTRATOR
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.invalid",
                    "agency": agencies[agency_code],
                    "unit": units[(agency_code, unit_code)] if unit_code else None,
                    "clearance": clearance,
                    "is_staff": is_admin,
                    "is_superuser": is_admin,
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role.value)])
            users[username] = user
            rows.append((username, role.label, str(user.agency.code if user.agency else "")))
        for summary in run_seeders(DemoContext(agencies=agencies, users=users)):
            self.stdout.write(f"  {summary}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Demo logins (password for all: {DEMO_PASSWORD}):")
        )
        for username, label, agency in rows:
            self.stdout.write(f"  {username:<12} {label:<36} {agency}")
