"""Navigation entries and dashboard panels of reports, sources and requirements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collection.models import IntelligenceRequirement, Report
from ilp.models import Agency, User
from tests.collection.factories import RequirementFactory

pytestmark = pytest.mark.django_db


def dashboard(client: Client, user: User) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_analyst_has_reports_sources_and_requirements_in_the_top_bar(
    client: Client, analyst: User
) -> None:
    page = dashboard(client, analyst)
    for name in ("report_list", "source_list", "requirement_list"):
        assert reverse(f"collection:{name}") in page


def test_auditor_has_none_of_them(client: Client, auditor: User) -> None:
    page = dashboard(client, auditor)
    assert reverse("collection:report_list") not in page
    assert reverse("collection:source_list") not in page


def test_supervisor_sees_reports_awaiting_review(
    client: Client, supervisor: User, submitted: Report, make_report: Callable[..., Report]
) -> None:
    make_report(status=Report.Status.SUBMITTED, author=supervisor)
    page = dashboard(client, supervisor)
    assert 'data-panel="reports-awaiting-review"' in page
    assert 'data-testid="awaiting-review-count">1<' in page
    assert submitted.reference in page


def test_analyst_has_no_review_panel_but_sees_drafts_and_returned(
    client: Client, analyst: User, draft: Report, make_report: Callable[..., Report]
) -> None:
    make_report(status=Report.Status.RETURNED)
    page = dashboard(client, analyst)
    assert 'data-panel="reports-awaiting-review"' not in page
    assert "<strong>1</strong> draft ·" in page
    assert draft.reference in page


def test_requirements_due_soon_panel(client: Client, analyst: User, agency: Agency) -> None:
    today = timezone.localdate()
    RequirementFactory.create(agency=agency, title="Due next week", due_date=today + timedelta(7))
    RequirementFactory.create(agency=agency, title="Due next year", due_date=today + timedelta(300))
    RequirementFactory.create(
        agency=agency,
        title="Closed",
        due_date=today,
        status=IntelligenceRequirement.Status.CLOSED,
    )
    page = dashboard(client, analyst)
    assert 'data-testid="requirements-due-count">1<' in page
    assert "Due next week" in page
    assert "Due next year" not in page


def test_commander_has_no_panels_of_reports(client: Client, commander: User) -> None:
    page = dashboard(client, commander)
    assert 'data-panel="my-reports"' not in page
    assert 'data-panel="requirements-due"' not in page
