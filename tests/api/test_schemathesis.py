"""Fuzz the whole API from its own OpenAPI schema with schemathesis, against a live server.

Every check schemathesis has runs: no 5xx, status codes, content types, headers and bodies as
the schema says, bad input refused and good input accepted, authentication not ignored — and
object-level authorization: the ``[auth.wfc]`` block of schemathesis.toml names peers (an analyst
of this agency, an analyst and a partner of another), and whatever one peer reads as its own is
replayed as the others, who must not get it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from ilp import services
from ilp.models import Agency, User
from ilp.roles import Role
from tests.factories import UnitFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

pytestmark = pytest.mark.django_db(transaction=True)


def _wfc_document(path: Path, users: dict[str, User]) -> Path:
    """A Web Fuzzing Commons auth document: one fixed token header per user."""
    entries = [
        {
            "name": name,
            "fixedHeaders": [
                {
                    "name": "Authorization",
                    "value": f"Token {services.token_create(actor=user, name='fuzz').key}",
                }
            ],
        }
        for name, user in users.items()
    ]
    path.write_text(json.dumps({"auth": entries}), encoding="utf-8")
    return path


def test_api_conforms_to_its_schema_under_fuzzing(
    live_server: object,
    tmp_path: Path,
    *,
    analyst: User,
    outsider: User,
    partner: User,
    other_agency: Agency,
) -> None:
    away_unit = UnitFactory(agency=other_agency, code="AI", name="Away Intelligence")
    away_analyst = cast(
        User, UserFactory(username="away-analyst", unit=away_unit, role=Role.ANALYST)
    )
    # The first entry is the identity requests are sent as; peers are named in schemathesis.toml.
    auth = _wfc_document(
        tmp_path / "wfc-auth.json",
        {"analyst": analyst, "away-analyst": away_analyst, "partner": partner},
    )
    services.token_create(actor=outsider, name="someone else's")
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "",
        "NO_COLOR": "1",
        "ILP_SCHEMATHESIS_AUTH": str(auth),
    }
    result = subprocess.run(  # noqa: S603 - our own virtualenv's tool with fixed arguments
        [
            str(SCHEMATHESIS),
            "run",
            # The committed schema (lint checks it is current); the served one needs a sign-in.
            str(ROOT / "docs" / "api" / "openapi.yaml"),
            "--url",
            live_server.url,  # type: ignore[attr-defined]
            "--checks",
            "all",
            "--workers",
            "1",
            "--max-examples",
            "60",
            "--seed",
            "20261126",
            "--request-timeout",
            "20",
            # Revoking its own token would sign the fuzzer out mid-run; revoke is tested directly.
            "--exclude-path-regex",
            r".*/revoke/$",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    assert "passed" in output.lower()
