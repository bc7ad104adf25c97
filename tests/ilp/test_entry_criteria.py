"""Entry criteria (28 CFR Part 23 §23.20(a), (b)): a subject needs reasonable suspicion written
down; political, religious or social views only when tied to criminal conduct."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ilp.models import User
from tests.collection.factories import PersonFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_marking_a_subject_without_a_justification_is_refused(analyst: User) -> None:
    person = PersonFactory.build(agency=analyst.agency, is_subject=True)
    with pytest.raises(ValidationError, match="reasonable-suspicion"):
        person.full_clean()


def test_a_subject_with_a_justification_is_accepted(analyst: User) -> None:
    person = PersonFactory.build(
        agency=analyst.agency,
        is_subject=True,
        subject_justification="Seen supplying heroin on three occasions (IR-2026-000012, -15).",
    )
    person.full_clean()


def test_views_without_a_tie_to_crime_are_refused(analyst: User) -> None:
    source = SourceFactory.create(agency=analyst.agency)
    report = ReportFactory.build(
        agency=analyst.agency, author=analyst, source=source, records_views=True
    )
    with pytest.raises(ValidationError, match="relates directly to criminal conduct"):
        report.full_clean(exclude=["reference"])


def test_views_tied_to_criminal_conduct_with_a_justification_are_accepted(analyst: User) -> None:
    report = ReportFactory.build(
        agency=analyst.agency,
        author=analyst,
        source=SourceFactory.create(agency=analyst.agency),
        records_views=True,
        views_justification="Group's leaflets incite criminal damage against named premises.",
    )
    report.full_clean(exclude=["reference"])
