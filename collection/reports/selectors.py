"""Reads built on the collection selectors: track records, grading summaries, grouped links and
dashboard counts. Each starts from ``collection.selectors`` with the acting user, so it can
never show more than the actor may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from collection import selectors
from collection.models import IntelligenceRequirement, Report, ReportLink, Source
from collection.reports.entity_kinds import KINDS
from ilp.grading import IntelligenceAssessment, SourceEvaluation
from ilp.selectors import Actor

# Drafts and returned reports are not yet part of the record a source is judged on.
COUNTED = (Report.Status.SUBMITTED, Report.Status.APPROVED)
CORROBORATED = ("A", "B")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class GradeCounts:
    """How many reports carry each 3x5x2 intelligence assessment and source evaluation."""

    total: int
    by_assessment: dict[str, int]
    by_evaluation: dict[str, int]

    @property
    def corroborated(self) -> int:
        """Reports graded A or B (known directly, or indirectly but corroborated)."""
        return sum(self.by_assessment[g] for g in CORROBORATED)

    @property
    def corroborated_share(self) -> float:
        return _share(self.corroborated, self.total)

    @property
    def false_share(self) -> float:
        """Share graded E: suspected to be false or malicious."""
        return _share(self.by_assessment["E"], self.total)


def _grade_counts(reports: QuerySet[Report]) -> GradeCounts:
    by_assessment = dict.fromkeys(IntelligenceAssessment.values, 0)
    by_evaluation = dict.fromkeys(SourceEvaluation.values, 0)
    rows = reports.order_by().values("intelligence_assessment", "source_evaluation")
    for row in rows.annotate(n=Count("id")):
        by_assessment[row["intelligence_assessment"]] += row["n"]
        by_evaluation[row["source_evaluation"]] += row["n"]
    return GradeCounts(sum(by_assessment.values()), by_assessment, by_evaluation)


@dataclass(frozen=True)
class TrackRecord:
    """A source's reliability as shown by its submitted and approved reports."""

    counts: GradeCounts
    last_received_at: datetime | None


def source_track_record(*, actor: Actor, source: Source) -> TrackRecord:
    """The track record of a source over the reports the actor may see."""
    reports = selectors.report_list(actor=actor).filter(source=source, status__in=COUNTED)
    last = reports.order_by().aggregate(last=Max("received_at"))["last"]
    return TrackRecord(counts=_grade_counts(reports), last_received_at=last)


@dataclass(frozen=True)
class RequirementSummary:
    """How well a requirement is answered, and how much rests on a single source."""

    counts: GradeCounts
    sources: int
    top_source: str = ""
    top_source_reports: int = 0

    @property
    def top_source_share(self) -> float:
        return _share(self.top_source_reports, self.counts.total)


def requirement_answers(*, actor: Actor, requirement: IntelligenceRequirement) -> QuerySet[Report]:
    """The reports answering a requirement that the actor may see, newest first."""
    return selectors.report_list(actor=actor).filter(requirements=requirement)


def requirement_summary(
    *, actor: Actor, requirement: IntelligenceRequirement
) -> RequirementSummary:
    """Grades of the submitted and approved answers, and the share of the busiest source."""
    answers = requirement_answers(actor=actor, requirement=requirement).filter(status__in=COUNTED)
    per_source = list(
        answers.order_by()
        .values("source__reference")
        .annotate(n=Count("id"))
        .order_by("-n", "source__reference")
    )
    top = per_source[0] if per_source else {"source__reference": "", "n": 0}
    return RequirementSummary(
        counts=_grade_counts(answers),
        sources=len(per_source),
        top_source=top["source__reference"],
        top_source_reports=top["n"],
    )


@dataclass
class LinkGroup:
    """The links of one kind of entity on a report page."""

    key: str
    label: str
    items: list[tuple[ReportLink, str]] = field(default_factory=list)


def _entity_url(url_name: str, pk: int) -> str:
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:  # the entity pages live in another part of the stage
        return ""


def report_links(*, actor: Actor, report: Report) -> list[LinkGroup]:
    """The report's links to entities the actor may see, grouped by kind, with page URLs."""
    visible = Q()
    for kind in KINDS.values():
        visible |= Q(**{f"{kind.key}__in": kind.visible(actor).values("pk")})
    links = (
        ReportLink.objects.filter(report=report)
        .filter(visible)
        .select_related(*KINDS)
        .order_by("id")
    )
    groups = {key: LinkGroup(key, kind.plural) for key, kind in KINDS.items()}
    for link in links:
        key = next(k for k in KINDS if getattr(link, f"{k}_id") is not None)
        groups[key].items.append((link, _entity_url(KINDS[key].url_name, link.entity.pk)))
    return [group for group in groups.values() if group.items]


def reports_awaiting_review(*, actor: Actor) -> QuerySet[Report]:
    """Submitted reports the actor could review: not their own."""
    return (
        selectors.report_list(actor=actor)
        .filter(status=Report.Status.SUBMITTED)
        .exclude(author_id=actor.pk)
    )


def my_unfinished_reports(*, actor: Actor) -> QuerySet[Report]:
    """The actor's own drafts and returned reports, most recently touched first."""
    return (
        selectors.report_list(actor=actor)
        .filter(author_id=actor.pk, status__in=[Report.Status.DRAFT, Report.Status.RETURNED])
        .order_by("-updated_at")
    )


def requirements_due(*, actor: Actor, within_days: int = 14) -> QuerySet[IntelligenceRequirement]:
    """Open requirements due within ``within_days`` (or overdue), soonest first."""
    horizon: date = timezone.localdate() + timedelta(days=within_days)
    return (
        selectors.requirement_list(actor=actor)
        .filter(status=IntelligenceRequirement.Status.OPEN, due_date__lte=horizon)
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class ReportActions:
    """What the actor may do with a report now (the services enforce the same rules)."""

    edit: bool
    submit: bool
    review: bool


def report_actions(*, actor: Actor, report: Report) -> ReportActions:
    """Which workflow buttons to show the actor on a report they can see."""
    own = report.author_id == actor.pk
    editable = own and report.status in (Report.Status.DRAFT, Report.Status.RETURNED)
    review = (
        not own
        and report.status == Report.Status.SUBMITTED
        and actor.has_perm("collection.approve_report")
    )
    return ReportActions(edit=editable, submit=editable, review=review)


def report_requirements(*, actor: Actor, report: Report) -> QuerySet[IntelligenceRequirement]:
    """The requirements a report answers that the actor may see."""
    return selectors.requirement_list(actor=actor).filter(reports=report)
