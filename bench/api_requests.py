"""Request latency of the foundation: the token-authenticated API, the health check, the dashboard.

Each request goes through the whole Django stack (middleware, authentication, view, template or
renderer, database) via ``django.test.Client``, without a network socket or a WSGI server, so
the figures are the platform's own cost per request. ``/healthz`` (one ``SELECT 1``) is the
baseline of the same run: the other endpoints are also reported as multiples of it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from ilp.models import User

NAME = "api_requests"
DEFAULT_REQUESTS = 500
# Untimed requests first: URL resolution, template compilation and connection set-up happen once.
WARM_UP = 20


def run(rows: int | None) -> dict[str, Any]:
    """Time ``rows`` (default 500) GET requests to each endpoint; return median and p95 in ms."""
    from bench import peak_rss_mib, setup_django, summary_ms

    setup_django()

    from django.db import connection
    from django.test import Client

    requests = rows or DEFAULT_REQUESTS
    user, key = _bench_user()
    api = Client(headers={"authorization": f"Token {key}"})
    anonymous = Client()
    browser = Client()
    browser.force_login(user)

    endpoints = {
        "api_me": (api, "/api/v1/core/me/"),
        "healthz": (anonymous, "/healthz"),
        "dashboard": (browser, "/"),
    }
    figures: dict[str, dict[str, float]] = {}
    for label, (client, path) in endpoints.items():
        samples = _time_requests(client, path, requests)
        figures[label] = summary_ms(samples)
    baseline = figures["healthz"]["median_ms"]
    for figure in figures.values():
        figure["x_healthz"] = round(figure["median_ms"] / baseline, 2)

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server_version,) = cursor.fetchone() or ("?",)
    return {
        "requests": requests,
        "endpoints": figures,
        "peak_rss_mib": peak_rss_mib(),
        "database": f"PostgreSQL {server_version}",
    }


def _bench_user() -> tuple[User, str]:
    """An analyst of a benchmark agency with one fresh API token (earlier runs' tokens removed)."""
    from django.contrib.auth.models import Group

    from ilp import services
    from ilp.models import Agency, ApiToken, Unit, User
    from ilp.roles import Role

    agency, _ = Agency.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark Police"})
    unit, _ = Unit.objects.get_or_create(
        agency=agency, code="INTEL", defaults={"name": "Benchmark Intelligence"}
    )
    user, _ = User.objects.update_or_create(
        username="bench-analyst",
        defaults={"agency": agency, "unit": unit, "is_active": True},
    )
    user.groups.set([Group.objects.get(name=Role.ANALYST.value)])
    ApiToken.objects.filter(user=user).delete()
    issued = services.token_create(actor=user, name="benchmark")
    return user, issued.key


def _time_requests(client: Client, path: str, count: int) -> list[int]:
    """Durations in nanoseconds of ``count`` GETs of ``path``, after an untimed warm-up."""
    for _ in range(WARM_UP):
        _get_ok(client, path)
    samples = []
    for _ in range(count):
        started = time.perf_counter_ns()
        _get_ok(client, path)
        samples.append(time.perf_counter_ns() - started)
    return samples


def _get_ok(client: Client, path: str) -> None:
    """GET ``path``; a benchmark of error pages would measure the wrong thing, so stop on one."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}, not 200")
