"""Production mode refuses insecure or malformed configuration and names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$%"


def run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    unset = {k for k, v in env.items() if v == "<unset>"} | {
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    base = {k: v for k, v in os.environ.items() if k not in unset}
    env = {k: v for k, v in env.items() if v != "<unset>"}
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(**overrides: str) -> dict[str, str]:
    env = {
        "ILP_ENV": "production",
        "SECRET_KEY": GOOD_KEY,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ilp"),
        "ALLOWED_HOSTS": "ilp.example.org",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    }
    env.update(overrides)
    return env


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = run_django(production(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


def test_missing_secret_key_in_production_names_the_variable() -> None:
    result = run_django(production(SECRET_KEY="<unset>"), "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_weak_secret_key_in_production_is_refused() -> None:
    result = run_django(production(SECRET_KEY="short"), "check")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


@pytest.mark.parametrize("url", ["postgres//nohost", "mysql-ish:/x", "postgres://h:notaport/db"])
def test_malformed_database_url_is_refused_by_name(url: str) -> None:
    result = run_django(production(DATABASE_URL=url), "check")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_debug_cannot_be_on_in_production() -> None:
    result = run_django(production(DEBUG="true"), "check")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_the_embedded_database() -> None:
    result = run_django(production(DATABASE_URL="<unset>"), "check")
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_production_refuses_sqlite_even_when_named() -> None:
    result = run_django(production(DATABASE_URL="sqlite:////tmp/ilp.sqlite3"), "check")
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


def setting_under(env: dict[str, str], expression: str) -> str:
    """What ``expression`` (over ``settings``) prints in a fresh process with ``env`` set and
    DEBUG unset."""
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    full = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "ilp.settings"}
    full.pop("DEBUG", None)
    result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_browsable_api_is_off_in_production() -> None:
    renderers = setting_under(production(), "settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']")
    assert "BrowsableAPIRenderer" not in renderers


def test_development_mode_keeps_debug_off_unless_asked() -> None:
    # `make run` shows users the site's own 404 and 500 pages and JSON errors under /api/.
    assert setting_under({"ILP_ENV": "development"}, "settings.DEBUG") == "False"


def test_static_files_are_served_without_collectstatic(client: Client) -> None:
    # WhiteNoise serves them from the static folders outside production (no runserver DEBUG).
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
