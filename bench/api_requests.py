"""Request latency of the foundation: the token-authenticated API, the health check, the dashboard.

Each request goes through the whole Django stack (middleware, authentication, view, template or
renderer, database) via ``django.test.Client``, without a network socket or a WSGI server, so
the figures are the platform's own cost per request. ``/healthz`` (one ``SELECT 1``) is the
baseline of the same run: the other endpoints are also reported as multiples of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ilp.models import User

NAME = "api_requests"
DEFAULT_REQUESTS = 500
# Untimed requests first: URL resolution, template compilation and connection set-up happen once.
WARM_UP = 20


def run(rows: int | None) -> dict[str, Any]:
    """Time ``rows`` (default 500) GET requests to each endpoint; return median and p95 in ms."""
    from bench import endpoint_figures, peak_rss_mib, server_version, setup_django

    setup_django()

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
    figures = endpoint_figures(endpoints, requests, WARM_UP)
    return {
        "requests": requests,
        "endpoints": figures,
        "peak_rss_mib": peak_rss_mib(),
        "database": server_version(),
    }


def _bench_user() -> tuple[User, str]:
    """An analyst of a benchmark agency with one fresh API token (earlier runs' tokens removed)."""
    from bench import bench_analyst
    from ilp import services
    from ilp.models import ApiToken

    user, _ = bench_analyst(
        agency_code="BENCH", agency_name="Benchmark Police", username="bench-analyst"
    )
    ApiToken.objects.filter(user=user).delete()
    issued = services.token_create(actor=user, name="benchmark")
    return user, issued.key
