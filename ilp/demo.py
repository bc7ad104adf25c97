"""Demo data contributed by each stage: ``seed_demo`` makes the core's agencies, units and
logins, then calls every registered seeder in registration (app) order. Seeders must be
idempotent: ``seed_demo`` runs on every ``make run``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ilp.models import Agency, User


@dataclass(frozen=True)
class DemoContext:
    """What the core made, for the stages to build on."""

    agencies: dict[str, Agency]
    users: dict[str, User]


Seeder = Callable[[DemoContext], str]
_SEEDERS: dict[str, Seeder] = {}


def register_seeder(name: str, seeder: Seeder) -> None:
    """Add a stage's demo data (it returns a one-line summary of what it made)."""
    _SEEDERS[name] = seeder


def run_seeders(context: DemoContext) -> list[str]:
    """Run every registered seeder; return their summaries."""
    return [f"{name}: {seeder(context)}" for name, seeder in _SEEDERS.items()]
