"""Who sees which reports, sources and requirements, and what the read helpers count."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from collection import selectors
from collection.models import IntelligenceRequirement, Report, Source
from collection.reports import selectors as reads
from ilp.choices import Classification
from ilp.models import Agency, User
from tests.collection.factories import PersonFactory, ReportLinkFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_a_draft_is_private_to_its_author(
    draft: Report, analyst: User, supervisor: User, outsider: User
) -> None:
    assert draft in selectors.report_list(actor=analyst)
    assert draft not in selectors.report_list(actor=supervisor)
    assert draft not in selectors.report_list(actor=outsider)


def test_a_returned_report_is_its_authors_again(
    make_report: Callable[..., Report], analyst: User, supervisor: User
) -> None:
    returned = make_report(status=Report.Status.RETURNED)
    assert returned in selectors.report_list(actor=analyst)
    assert returned not in selectors.report_list(actor=supervisor)


def test_submitted_and_approved_reports_are_seen_across_the_agency(
    submitted: Report, approved: Report, outsider: User, officer: User, commander: User
) -> None:
    for persona in (outsider, officer, commander):
        assert set(selectors.report_list(actor=persona)) == {submitted, approved}


def test_another_agency_sees_none_of_them(
    approved: Report, away_report: Report, analyst: User, partner: User
) -> None:
    assert away_report not in selectors.report_list(actor=analyst)
    assert list(selectors.report_list(actor=partner)) == [away_report]


def test_a_role_without_view_permission_sees_nothing(
    approved: Report, source: Source, requirement: IntelligenceRequirement, auditor: User
) -> None:
    assert not selectors.report_list(actor=auditor).exists()
    assert not selectors.source_list(actor=auditor).exists()
    assert not selectors.requirement_list(actor=auditor).exists()


def test_records_above_the_users_clearance_are_hidden(
    make_report: Callable[..., Report], officer: User, analyst: User
) -> None:
    secret = make_report(classification=Classification.SECRET)
    User.objects.filter(pk=officer.pk).update(clearance=Classification.OFFICIAL_SENSITIVE)
    officer.refresh_from_db()
    assert secret not in selectors.report_list(actor=officer)
    assert secret in selectors.report_list(actor=analyst)


def test_covert_identity_is_for_handlers_only(
    covert_source: Source, source: Source, analyst: User, supervisor: User, partner: User
) -> None:
    assert selectors.source_identity_visible(actor=analyst, source=covert_source)
    assert not selectors.source_identity_visible(actor=supervisor, source=covert_source)
    assert selectors.source_identity_visible(actor=supervisor, source=source)
    assert not selectors.source_identity_visible(actor=partner, source=source)


def test_track_record_counts_submitted_and_approved_reports(
    make_report: Callable[..., Report], source: Source, analyst: User
) -> None:
    make_report(intelligence_assessment="A", source_evaluation="1")
    make_report(intelligence_assessment="B", source_evaluation="1")
    make_report(intelligence_assessment="E", source_evaluation="3")
    make_report(intelligence_assessment="C", status=Report.Status.SUBMITTED)
    make_report(intelligence_assessment="A", status=Report.Status.DRAFT)
    track = reads.source_track_record(actor=analyst, source=source)
    counts = track.counts
    assert counts.total == 4
    assert counts.by_assessment == {"A": 1, "B": 1, "C": 1, "D": 0, "E": 1}
    assert counts.by_evaluation == {"1": 2, "2": 1, "3": 1}
    assert (counts.corroborated, counts.corroborated_share, counts.false_share) == (2, 0.5, 0.25)
    assert track.last_received_at is not None


def test_requirement_summary_shows_the_share_of_the_busiest_source(
    make_report: Callable[..., Report],
    requirement: IntelligenceRequirement,
    agency: Agency,
    analyst: User,
) -> None:
    other = SourceFactory.create(agency=agency, reference="SRC-0002")
    for report in (
        make_report(intelligence_assessment="A"),
        make_report(intelligence_assessment="B"),
        make_report(intelligence_assessment="D"),
        make_report(source=other, intelligence_assessment="C"),
    ):
        report.requirements.add(requirement)
    summary = reads.requirement_summary(actor=analyst, requirement=requirement)
    assert (summary.counts.total, summary.sources) == (4, 2)
    assert (summary.top_source, summary.top_source_reports) == ("SRC-0001", 3)
    assert summary.top_source_share == 0.75
    assert summary.counts.corroborated == 2


def test_report_links_hide_entities_the_user_cannot_see(
    approved: Report, other_agency: Agency, agency: Agency, analyst: User
) -> None:
    ReportLinkFactory.create(report=approved, person=PersonFactory.create(agency=agency))
    ReportLinkFactory.create(report=approved, person=PersonFactory.create(agency=other_agency))
    groups = reads.report_links(actor=analyst, report=approved)
    assert [g.key for g in groups] == ["person"]
    assert len(groups[0].items) == 1


def test_awaiting_review_leaves_out_the_reviewers_own(
    make_report: Callable[..., Report], supervisor: User, submitted: Report
) -> None:
    make_report(author=supervisor, status=Report.Status.SUBMITTED)
    assert list(reads.reports_awaiting_review(actor=supervisor)) == [submitted]
