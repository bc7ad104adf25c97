"""Production mode as the Docker image runs it: collectstatic, then gunicorn with WhiteNoise.

What only production shows: static files are named by their content hash (a template naming a
file that is not there fails the page there and nowhere else); requests arrive through a TLS
proxy; and database connections are kept between requests, so the first request after
PostgreSQL drops them (a restart) must still succeed (CONN_HEALTH_CHECKS).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HOST = "ilp.example.org"
# Names the server's database sessions, so that the test drops only those.
APPLICATION = "ilp-production-test"
# The server uses the test database, which pytest-django makes only for tests marked as using it.
pytestmark = pytest.mark.django_db

STATIC_REFERENCE = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def production_env(static_root: Path) -> dict[str, str]:
    database = connection.settings_dict
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}},
        "ILP_ENV": "production",
        "SECRET_KEY": "production-test-" + "x7Qp2mZr9LkV4sTb" * 3,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}?application_name={APPLICATION}"
        ),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"),
        "ALLOWED_HOSTS": HOST,
        "STATIC_ROOT": str(static_root),
        "WEB_CONCURRENCY": "1",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A gunicorn serving production settings; requests come as if through the TLS proxy."""

    def __init__(self, port: int, static_root: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.static_root = static_root

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 - our own server on loopback
            self.base + path, headers={"Host": HOST, "X-Forwarded-Proto": "https"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status), response.read()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read()


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    static_root = tmp_path_factory.mktemp("static")
    env = production_env(static_root)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads would fill and stall the server.
    log = static_root.parent / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ilp.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    server = Server(port, static_root)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if server.get("/healthz")[0] in {200, 503}:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def health(server: Server) -> dict[str, Any]:
    status, body = server.get("/healthz")
    return {**json.loads(body), "http": status}


def test_healthz_answers_through_the_proxy(server: Server) -> None:
    report = health(server)
    assert report["http"] == 200, report
    assert report["checks"]["database"] == {"ok": True, "detail": "postgresql"}
    assert report["checks"]["broker"] == {"ok": True, "detail": "reachable"}


def test_the_sign_in_page_and_every_file_it_names_are_served(server: Server) -> None:
    status, page = server.get("/accounts/login/")
    assert status == 200
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.decode())
    assert assets, "the sign-in page names no static files"
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), f"{asset} is not content-hashed"
        assert server.get(asset)[0] == 200, asset


def test_every_static_file_a_template_names_was_collected(server: Server) -> None:
    manifest = json.loads((server.static_root / "staticfiles.json").read_text())["paths"]
    templates = sorted((ROOT / "templates").rglob("*.html"))
    named = {
        (template.relative_to(ROOT).as_posix(), name)
        for template in templates
        for name in STATIC_REFERENCE.findall(template.read_text())
    }
    assert len(named) > 20
    missing = sorted(f"{template} names {name}" for template, name in named if name not in manifest)
    assert not missing, missing


def test_the_first_request_after_the_database_drops_its_connections_succeeds(
    server: Server,
) -> None:
    assert health(server)["http"] == 200  # the worker now holds a connection
    with connection.cursor() as cursor:  # the test's own session, which is not dropped
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [APPLICATION],
        )
        (dropped,) = cursor.fetchone()
    assert dropped >= 1, "the server held no connection to drop"
    report = health(server)
    assert report["http"] == 200, report
    assert report["checks"]["database"]["ok"] is True
