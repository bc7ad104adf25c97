"""What the audit trail costs on a page view: a report's page and its API object, each timed with
the audit write in place and with it switched off, in alternating rounds so both see the same
machine. The target (issue #4) is under 10 % on a page view.

"Switched off" replaces the one statement that appends an event (``AuditEvent.save`` and
``bulk_create``) with nothing; everything else — access checks, the page, the serializer — runs
as usual, so the difference is the audit trail's own cost.
"""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ilp.models import User

NAME = "audit_cost"
DEFAULT_REQUESTS = 300
ROUNDS = 6
WARM_UP = 20


def run(rows: int | None) -> dict[str, Any]:
    """Time ``rows`` (default 300) views of each target, audited and not, in ``ROUNDS`` rounds."""
    from bench import peak_rss_mib, setup_django, summary_ms, time_gets

    setup_django()

    from django.test import Client

    from bench.api_requests import _bench_user
    from ilp.models import AuditEvent

    requests = rows or DEFAULT_REQUESTS
    user, key = _bench_user()
    report_id = _bench_report(user)
    browser = Client()
    browser.force_login(user)
    api = Client(headers={"authorization": f"Token {key}"})
    targets = {
        "report_page": (browser, f"/collection/reports/{report_id}/"),
        "report_api": (api, f"/api/v1/collection/reports/{report_id}/"),
    }
    per_round = max(1, requests // ROUNDS)
    figures: dict[str, dict[str, Any]] = {}
    for label, (client, path) in targets.items():
        time_gets(client, path, WARM_UP)
        audited: list[int] = []
        unaudited: list[int] = []
        events_before = AuditEvent.objects.count()
        for _ in range(ROUNDS):
            audited += time_gets(client, path, per_round)
            with _audit_switched_off():
                unaudited += time_gets(client, path, per_round)
        events = AuditEvent.objects.count() - events_before
        on, off = statistics.median(audited), statistics.median(unaudited)
        on_ms, off_ms = summary_ms(audited), summary_ms(unaudited)
        figures[label] = {
            "audited_median_ms": on_ms["median_ms"],
            "audited_p95_ms": on_ms["p95_ms"],
            "not_audited_median_ms": off_ms["median_ms"],
            "not_audited_p95_ms": off_ms["p95_ms"],
            "overhead_percent": round(100 * (on - off) / off, 1),
            # Proof the audited views wrote their events (and the others none).
            "events_per_audited_view": round(events / len(audited), 2),
        }
    return {
        "requests_each": per_round * ROUNDS,
        "rounds": ROUNDS,
        "targets": figures,
        "target_percent": 10,
        "peak_rss_mib": peak_rss_mib(),
    }


@contextlib.contextmanager
def _audit_switched_off() -> Iterator[None]:
    """Audit events are built but not written."""
    from ilp.models import AuditEvent

    manager = type(AuditEvent.objects)
    saved_save, saved_bulk = AuditEvent.save, manager.bulk_create
    AuditEvent.save = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    manager.bulk_create = lambda self, objs, *args, **kwargs: list(objs)  # type: ignore[method-assign]
    try:
        yield
    finally:
        AuditEvent.save = saved_save  # type: ignore[method-assign]
        manager.bulk_create = saved_bulk  # type: ignore[method-assign]


def _bench_report(user: User) -> int:
    """An approved-looking report of the benchmark agency with a source (made once)."""
    from django.utils import timezone

    from collection.models import Report, Source
    from collection.reports.grading import GradeInput
    from collection.reports.services import report_create
    from collection.reports.source_services import source_create

    existing = Report.objects.filter(agency=user.agency, title="Benchmark report").first()
    if existing is not None:
        return int(existing.pk)
    source = Source.objects.filter(agency=user.agency, reference="BENCH-SRC").first()
    if source is None:
        source = source_create(actor=user, kind="osint", reference="BENCH-SRC")
    report = report_create(
        actor=user,
        title="Benchmark report",
        body="Observed activity near the station; " * 40,
        received_at=timezone.now() - timedelta(days=1),
        source=source,
        grade=GradeInput(source_evaluation="1", intelligence_assessment="A", handling_code="P"),
    )
    return int(report.pk)
