"""Writes of intelligence reports: create, edit, the review workflow and entity links.

Status flow: draft → submitted → approved, or submitted → returned (with a reason) → edited →
submitted again. Only the author edits, and only a draft or a returned report; a supervisor
(``collection.approve_report``) who is not the author approves or returns a submitted one.
Sources and requirements have their writes in ``source_services``; they are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.functions import Length
from django.utils import timezone

from collection import selectors
from collection.models import IntelligenceRequirement, Report, ReportLink, Source
from collection.reports.entity_kinds import KINDS
from collection.reports.entity_services import entity_create
from collection.reports.grading import GradeInput, convert
from collection.reports.source_services import (
    requirement_close,
    requirement_create,
    requirement_update,
    source_create,
    source_update,
)
from collection.reports.versioning import check_version, save_versioned
from ilp.audit import audit_record
from ilp.choices import Classification
from ilp.models import Agency, AuditEvent, User

CHANGE = AuditEvent.Action.CHANGE

__all__ = [
    "report_approve",
    "report_create",
    "report_link_add",
    "report_link_add_new",
    "report_link_remove",
    "report_return",
    "report_submit",
    "report_update",
    "requirement_close",
    "requirement_create",
    "requirement_update",
    "source_create",
    "source_update",
]

EDITABLE = (Report.Status.DRAFT, Report.Status.RETURNED)
REFERENCE_DIGITS = 6
# 28 CFR Part 23 §23.20(b): views and activities only when tied to crime, and saying how.
JUSTIFICATION_MIN_LENGTH = 20
VIEWS_FIELDS = ("records_views", "views_justification")


def _check_views(records_views: bool, justification: str, errors: dict[str, str]) -> None:
    if records_views and len(justification.strip()) < JUSTIFICATION_MIN_LENGTH:
        errors["views_justification"] = (
            "A report may record political, religious or social views, associations or "
            "activities only when they relate directly to criminal conduct (28 CFR Part 23): "
            f"say how, in at least {JUSTIFICATION_MIN_LENGTH} characters."
        )


def _views_changes(before: dict[str, Any], report: Report) -> dict[str, dict[str, Any]]:
    """Before and after of the entry-criteria fields that changed, for the audit trail."""
    return {
        name: {"before": before[name], "after": getattr(report, name)}
        for name in VIEWS_FIELDS
        if getattr(report, name) != before[name]
    }


def _last_editor(report: Report) -> str:
    """Who last changed a report. Only the author edits and submits, and only a reviewer
    approves; the model records no editor of a return (see the notes on ``updated_by``)."""
    user = report.approved_by if report.status == Report.Status.APPROVED else report.author
    return (user.get_full_name() or user.username) if user else "another user"


def next_reference(*, agency: Agency, year: int) -> str:
    """The next free 'IR-<year>-<nnnnnn>' of an agency. Call inside the transaction that holds
    the agency's row lock, so two writers of one agency never get the same number."""
    prefix = f"IR-{year}-"
    last = (
        Report.objects.filter(agency=agency, reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    # The reference is unique across agencies too, so skip numbers another agency holds.
    while Report.objects.filter(reference=f"{prefix}{number:0{REFERENCE_DIGITS}d}").exists():
        number += 1
    return f"{prefix}{number:0{REFERENCE_DIGITS}d}"


def _check_content(
    *,
    actor: User,
    received_at: datetime,
    source: Source,
    classification: int,
    requirements: Iterable[IntelligenceRequirement],
    keep: Iterable[int] = (),
    current_source_id: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if timezone.is_naive(received_at):
        errors["received_at"] = "Give the time received with a time zone."
    elif received_at > timezone.now():
        errors["received_at"] = "The time received cannot be in the future."
    if classification > actor.clearance:
        errors["classification"] = (
            f"You are cleared to {Classification(actor.clearance).label}: a report cannot be "
            "classified above your clearance."
        )
    sources = selectors.source_list(actor=actor).filter(pk=source.pk)
    if source.pk != current_source_id:
        # A report keeps a source retired after it was logged; a new choice must be active.
        sources = sources.filter(is_active=True)
    if not sources.exists():
        errors["source"] = "Choose an active source you can see."
    wanted = {r.pk for r in requirements}
    allowed = set(
        selectors.requirement_list(actor=actor)
        .filter(pk__in=wanted)
        .exclude(status=IntelligenceRequirement.Status.CLOSED, pk__in=set(wanted) - set(keep))
        .values_list("pk", flat=True)
    )
    if wanted - allowed:
        errors["requirements"] = "Choose open intelligence requirements you can see."
    return errors


def _grade_fields(grade: GradeInput, errors: dict[str, str]) -> dict[str, str]:
    try:
        converted = convert(grade)
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
        return {}
    return {
        "source_evaluation": converted.source_evaluation,
        "intelligence_assessment": converted.intelligence_assessment,
        "handling_code": converted.handling_code,
        "handling_conditions": converted.handling_conditions,
        "original_scheme": converted.original_scheme,
        "original_grade": converted.original_grade,
    }


@transaction.atomic
def report_create(
    *,
    actor: User,
    title: str,
    body: str,
    received_at: datetime,
    source: Source,
    grade: GradeInput,
    classification: int = Classification.OFFICIAL,
    requirements: Iterable[IntelligenceRequirement] = (),
    records_views: bool = False,
    views_justification: str = "",
) -> Report:
    """Log a new report as a draft of the actor, graded in any scheme (stored with its 3x5x2
    equivalent) and given the agency's next reference. A report recording political, religious
    or social views or activities needs a justification tying them to criminal conduct."""
    if not actor.has_perm("collection.add_report") or actor.agency_id is None:
        raise PermissionDenied("You may not log intelligence reports.")
    requirements = list(requirements)
    errors = _check_content(
        actor=actor,
        received_at=received_at,
        source=source,
        classification=classification,
        requirements=requirements,
    )
    views_justification = views_justification.strip()
    _check_views(records_views, views_justification, errors)
    grading = _grade_fields(grade, errors)
    if errors:
        raise ValidationError(errors)
    agency = Agency.objects.select_for_update().get(pk=actor.agency_id)
    year = timezone.localdate().year
    for _attempt in range(5):
        report = Report(
            agency=agency,
            reference=next_reference(agency=agency, year=year),
            title=title.strip(),
            body=body.strip(),
            received_at=received_at,
            source=source,
            classification=classification,
            author=actor,
            created_by=actor,
            records_views=records_views,
            views_justification=views_justification,
            **grading,
        )
        report.full_clean()
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            continue  # another agency took the number between our check and our insert
        report.requirements.set(requirements)
        before = {"records_views": False, "views_justification": ""}
        changes = _views_changes(before, report)
        details = {"changes": changes} if changes else None
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=report, details=details)
        return report
    raise ValidationError("Could not allocate a report reference; try again.")


def _editable_by_author(actor: User, report: Report, verb: str) -> None:
    if report.author_id != actor.pk:
        raise PermissionDenied(f"Only the author can {verb} this report.")
    if report.status not in EDITABLE:
        raise ValidationError(
            f"Only a draft or a returned report can be {verb}ed; this one is "
            f"{report.get_status_display().lower()}."
        )


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: Report,
    version: int,
    title: str | None = None,
    body: str | None = None,
    received_at: datetime | None = None,
    source: Source | None = None,
    grade: GradeInput | None = None,
    classification: int | None = None,
    requirements: Iterable[IntelligenceRequirement] | None = None,
    records_views: bool | None = None,
    views_justification: str | None = None,
) -> Report:
    """Edit a draft or returned report from the copy at ``version``; a stale copy is refused
    with who changed it and when, and nothing is overwritten. ``None`` leaves a field alone.
    The trail keeps the before and after of the views-and-activities fields."""
    current = Report.objects.select_related("author", "approved_by").get(pk=report.pk)
    _editable_by_author(actor, current, "edit")
    check_version("report", _last_editor(current), current, version)
    given: dict[str, Any] = {
        "title": title.strip() if title is not None else None,
        "body": body.strip() if body is not None else None,
        "received_at": received_at,
        "source": source,
        "classification": classification,
        "records_views": records_views,
        "views_justification": (
            views_justification.strip() if views_justification is not None else None
        ),
    }
    changes = {name: value for name, value in given.items() if value is not None}
    new_requirements = None if requirements is None else list(requirements)
    errors = _check_content(
        actor=actor,
        received_at=changes.get("received_at", current.received_at),
        source=changes.get("source", current.source),
        classification=changes.get("classification", current.classification),
        requirements=new_requirements or [],
        keep=current.requirements.values_list("pk", flat=True),
        current_source_id=current.source_id,
    )
    _check_views(
        changes.get("records_views", current.records_views),
        changes.get("views_justification", current.views_justification),
        errors,
    )
    if grade is not None:
        changes.update(_grade_fields(grade, errors))
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(current, name) for name in VIEWS_FIELDS}
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    save_versioned(current, version=version, fields=changes, kind="report", who=_last_editor)
    if new_requirements is not None:
        current.requirements.set(new_requirements)
    fields = sorted(changes) + (["requirements"] if new_requirements is not None else [])
    details: dict[str, Any] = {"fields": fields}
    views = _views_changes(before, current)
    if views:
        details["changes"] = views
    audit_record(actor=actor, action=CHANGE, obj=current, details=details)
    return current


def _transition(
    actor: User, report: Report, version: int | None, step: str, **fields: Any
) -> Report:
    current_version = report.version if version is None else version
    save_versioned(report, version=current_version, fields=fields, kind="report", who=_last_editor)
    details = {"step": step, "status": report.status}
    if step == "return":
        details["reason"] = report.returned_reason
    audit_record(actor=actor, action=CHANGE, obj=report, details=details)
    return report


def _fresh(report: Report) -> Report:
    return Report.objects.select_related("author", "approved_by").get(pk=report.pk)


@transaction.atomic
def report_submit(*, actor: User, report: Report, version: int | None = None) -> Report:
    """The author sends a draft or returned report for review."""
    current = _fresh(report)
    _editable_by_author(actor, current, "submit")
    check_version("report", _last_editor(current), current, version)
    return _transition(
        actor,
        current,
        version,
        "submit",
        status=Report.Status.SUBMITTED,
        submitted_at=timezone.now(),
        approved_by=None,
        approved_at=None,
    )


def _reviewable(actor: User, report: Report, verb: str) -> None:
    if not actor.has_perm("collection.approve_report"):
        raise PermissionDenied(f"Only a supervisor can {verb} reports.")
    if report.author_id == actor.pk:
        raise PermissionDenied(f"You cannot {verb} your own report; ask another supervisor.")
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(
            f"Only a submitted report can be {verb}ed; this one is "
            f"{report.get_status_display().lower()}."
        )


@transaction.atomic
def report_approve(*, actor: User, report: Report, version: int | None = None) -> Report:
    """A supervisor, not the author, approves a submitted report."""
    current = _fresh(report)
    _reviewable(actor, current, "approve")
    check_version("report", _last_editor(current), current, version)
    return _transition(
        actor,
        current,
        version,
        "approve",
        status=Report.Status.APPROVED,
        approved_by=actor,
        approved_at=timezone.now(),
        returned_reason="",
    )


@transaction.atomic
def report_return(
    *, actor: User, report: Report, reason: str, version: int | None = None
) -> Report:
    """A supervisor, not the author, returns a submitted report to its author with a reason."""
    current = _fresh(report)
    _reviewable(actor, current, "return")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the report is returned."})
    check_version("report", _last_editor(current), current, version)
    return _transition(
        actor,
        current,
        version,
        "return",
        status=Report.Status.RETURNED,
        returned_reason=reason.strip(),
    )


@transaction.atomic
def report_link_add(
    *,
    actor: User,
    report: Report,
    kind: str,
    entity: Model,
    role: str = ReportLink.Role.MENTIONED,
) -> ReportLink:
    """Link a person, location, vehicle or organisation the actor can see to a draft or
    returned report of theirs, in a role."""
    current = _fresh(report)
    _editable_by_author(actor, current, "edit")
    described = KINDS.get(kind)
    if described is None:
        raise ValidationError({"kind": "Choose person, location, vehicle or organisation."})
    if not described.visible(actor).filter(pk=entity.pk).exists():
        raise ValidationError({"entity": f"Choose a {kind} you can see."})
    if ReportLink.objects.filter(report=current, role=role, **{kind: entity}).exists():
        raise ValidationError({"entity": f"This {kind} is already linked in that role."})
    link = ReportLink(report=current, role=role, **{kind: entity})
    link.full_clean()
    link.save()
    audit_record(actor=actor, action=CHANGE, obj=current, details=_link_details("add", link))
    return link


@transaction.atomic
def report_link_remove(*, actor: User, report: Report, link: ReportLink) -> None:
    """Remove one link from a draft or returned report of the actor's."""
    current = _fresh(report)
    _editable_by_author(actor, current, "edit")
    if link.report_id != current.pk:
        raise ValidationError("That link belongs to another report.")
    details = _link_details("remove", link)
    link.delete()
    audit_record(actor=actor, action=CHANGE, obj=current, details=details)


def _link_details(step: str, link: ReportLink) -> dict[str, Any]:
    kind = next(k for k in KINDS if getattr(link, f"{k}_id") is not None)
    return {"step": f"link_{step}", "kind": kind, "entity_id": link.entity.pk, "role": link.role}


@transaction.atomic
def report_link_add_new(
    *,
    actor: User,
    report: Report,
    kind: str,
    fields: dict[str, Any],
    role: str = ReportLink.Role.MENTIONED,
) -> ReportLink:
    """Create a new entity in place and link it; if the link is refused, nothing is created."""
    _editable_by_author(actor, _fresh(report), "edit")
    entity = entity_create(actor=actor, kind=kind, fields=fields)
    return report_link_add(actor=actor, report=report, kind=kind, entity=entity, role=role)
