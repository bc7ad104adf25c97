"""Changes and reads of reports, sources and requirements are in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collection.models import Report, Source
from collection.reports import services
from collection.reports.grading import GradeInput
from ilp.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def events(**filters: Any) -> list[tuple[str, dict[str, Any]]]:
    rows = AuditEvent.objects.filter(**filters).order_by("id")
    return [(e.action, e.details) for e in rows]


def test_the_life_of_a_report_is_audited(
    analyst: User, supervisor: User, source: Source, grade: GradeInput, received: Any
) -> None:
    report = services.report_create(
        actor=analyst, title="t", body="b", received_at=received, source=source, grade=grade
    )
    services.report_update(actor=analyst, report=report, version=1, title="t2")
    services.report_submit(actor=analyst, report=report)
    services.report_return(actor=supervisor, report=report, reason="More detail")
    trail = events(object_type="collection.report", object_id=str(report.pk))
    assert trail == [
        ("create", {}),
        ("change", {"fields": ["title"]}),
        ("change", {"step": "submit", "status": "submitted"}),
        ("change", {"step": "return", "status": "returned", "reason": "More detail"}),
    ]


def test_source_changes_never_write_the_identity_into_the_trail(
    analyst: User, covert_source: Source
) -> None:
    services.source_update(actor=analyst, source=covert_source, version=1, identity="Secret Name")
    assert events(object_type="collection.source") == [("change", {"fields": ["identity"]})]
    assert not AuditEvent.objects.filter(details__icontains="Secret Name").exists()


def test_reading_a_report_page_and_searching_are_audited(
    client: Client, analyst: User, approved: Report
) -> None:
    client.force_login(analyst)
    client.get(reverse("collection:report_detail", args=[approved.pk]))
    client.get(reverse("collection:report_list"), {"q": "dealing", "status": "approved"})
    assert events(action="view", object_id=str(approved.pk)) == [("view", {})]
    assert events(action="search") == [
        (
            "search",
            {"model": "collection.report", "filters": {"q": "dealing", "status": "approved"}},
        )
    ]
