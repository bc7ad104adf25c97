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


def test_browsable_api_is_off_in_production() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])"
    )
    env = {**os.environ, **production(), "DJANGO_SETTINGS_MODULE": "ilp.settings"}
    env.pop("DEBUG", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "BrowsableAPIRenderer" not in result.stdout


def test_development_mode_keeps_debug_off_unless_asked() -> None:
    # `make run` shows users the site's own 404 and 500 pages and JSON errors under /api/.
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = {**os.environ, "ILP_ENV": "development", "DJANGO_SETTINGS_MODULE": "ilp.settings"}
    env.pop("DEBUG", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_static_files_are_served_without_collectstatic(client: Client) -> None:
    # WhiteNoise serves them from the static folders outside production (no runserver DEBUG).
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
