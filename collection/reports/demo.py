"""Demo sources, requirements and reports of the DEMO agency, made through the services so they
carry real references, grades in all three schemes, links and an audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from collection.models import Report, Source
from collection.reports import services
from collection.reports.grading import GradeInput
from ilp.demo import DemoContext
from ilp.models import User

MARKER = "DEMO-OSINT-01"
CONDITIONS = "Not to be disseminated outside the force without the handler's consent."

# title, body, source key, grade, hours ago, links [(kind, fields, role)], ends as
REPORTS: list[tuple[str, str, str, GradeInput, int, list[tuple[str, dict[str, Any], str]], str]] = [
    (
        "Cannabis grow at Unit 4, Riverside Trading Estate",
        "Strong smell of cannabis and constant humming from extractor fans at Unit 4 at night.\n"
        "Windows blacked out since March. A white Transit calls every Tuesday around 22:00.",
        "public",
        GradeInput(source_evaluation="2", intelligence_assessment="B", handling_code="P"),
        50,
        [
            ("location", {"name": "Unit 4", "address": "Riverside Trading Estate"}, "location"),
            (
                "vehicle",
                {"registration": "YX19 KFD", "make": "Ford", "colour": "White"},
                "vehicle_used",
            ),
        ],
        "approved",
    ),
    (
        "Blue Focus used for deliveries on the Meadows estate",
        "Source states that Dean CARTER uses a blue Ford Focus to deliver cocaine to users on "
        "the Meadows estate most evenings between 18:00 and 21:00.",
        "chis",
        GradeInput(
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="C",
            handling_conditions=CONDITIONS,
        ),
        30,
        [
            ("person", {"surname": "Carter", "forenames": "Dean"}, "subject"),
            (
                "vehicle",
                {"registration": "KM65 TRV", "make": "Ford", "colour": "Blue"},
                "vehicle_used",
            ),
        ],
        "submitted",
    ),
    (
        "Legacy record: threats against shop keeper",
        "Migrated from the old intelligence system. Shop keeper on Station Road threatened for "
        "refusing to store packages.",
        "crime",
        GradeInput(scheme="5x5x5", original_grade="B24"),
        400,
        [("organisation", {"name": "Station Road Crew", "kind": "gang"}, "mentioned")],
        "draft",
    ),
    (
        "Partner sighting at the port",
        "Border partner reports the Focus seen boarding the 06:00 ferry twice this month.",
        "partner",
        GradeInput(scheme="admiralty", original_grade="B2", handling_code="P"),
        12,
        [],
        "returned",
    ),
    (
        "Anonymous claim about the Red Lion",
        "Caller alleges the landlord of the Red Lion stores stolen goods. Caller has a dispute "
        "with the landlord.",
        "public",
        GradeInput(source_evaluation="3", intelligence_assessment="E", handling_code="P"),
        90,
        [],
        "approved",
    ),
]


def _sources(analyst: User) -> dict[str, Source]:
    return {
        "public": services.source_create(
            actor=analyst, kind=Source.Kind.PUBLIC, reference="DEMO-PUB-01"
        ),
        "chis": services.source_create(
            actor=analyst,
            kind=Source.Kind.COVERT_HUMAN,
            reference="DEMO-CHIS-07",
            identity="(demo) A regular at the Meadows community centre.",
            handlers=[analyst],
        ),
        "crime": services.source_create(
            actor=analyst, kind=Source.Kind.CRIME_SYSTEM, reference="DEMO-LEGACY"
        ),
        "partner": services.source_create(
            actor=analyst, kind=Source.Kind.PARTNER_AGENCY, reference="DEMO-BORDER"
        ),
        "osint": services.source_create(
            actor=analyst, kind=Source.Kind.OPEN_SOURCE, reference=MARKER
        ),
    }


def seed_reports(context: DemoContext) -> str:
    """Add the demo sources, requirements and reports (once)."""
    analyst, supervisor = context.users.get("analyst"), context.users.get("supervisor")
    if analyst is None or supervisor is None or analyst.agency is None:
        return "skipped: no analyst or supervisor"
    if Source.objects.filter(agency=analyst.agency, reference=MARKER).exists():
        return "already there"
    with transaction.atomic():
        sources = _sources(analyst)
        wanted = services.requirement_create(
            actor=supervisor,
            title="Drug supply on the Meadows estate",
            question="Who supplies class A drugs on the Meadows estate, how and when?",
            priority="high",
            due_date=timezone.localdate() + timedelta(days=10),
        )
        now = timezone.now()
        for title, body, key, grade, hours, links, ends in REPORTS:
            report = services.report_create(
                actor=analyst,
                title=title,
                body=body,
                received_at=now - timedelta(hours=hours),
                source=sources[key],
                grade=grade,
                requirements=[wanted] if "Meadows" in body or "Focus" in body else [],
            )
            for kind, fields, role in links:
                services.report_link_add_new(
                    actor=analyst, report=report, kind=kind, fields=fields, role=role
                )
            _move(report, ends, analyst, supervisor)
    return f"{len(REPORTS)} reports, {len(sources)} sources, 1 requirement"


def _move(report: Report, ends: str, analyst: User, supervisor: User) -> None:
    if ends == "draft":
        return
    services.report_submit(actor=analyst, report=report)
    if ends == "approved":
        services.report_approve(actor=supervisor, report=report)
    elif ends == "returned":
        services.report_return(
            actor=supervisor, report=report, reason="Which ferry route? Add the dates seen."
        )
