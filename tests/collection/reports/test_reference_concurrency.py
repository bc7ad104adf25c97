"""Two people logging reports at the same moment never get the same reference."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from collection.models import Report, Source
from collection.reports import services
from collection.reports.grading import GradeInput
from ilp.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_creates_get_distinct_consecutive_references(
    analyst: User, supervisor: User, source: Source, grade: GradeInput, received: Any
) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def log(actor: User) -> None:
        try:
            barrier.wait()
            services.report_create(
                actor=actor, title="t", body="b", received_at=received, source=source, grade=grade
            )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log, args=(u,)) for u in (analyst, supervisor) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(int(r[-6:]) for r in Report.objects.values_list("reference", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 4))
