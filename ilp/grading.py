"""Intelligence grading vocabularies: 3x5x2 (the default), legacy 5x5x5 and NATO Admiralty.

Reliability belongs to the source and credibility to each report; handling travels with the record.
"""

from django.db import models


class SourceEvaluation(models.TextChoices):
    """3x5x2 source evaluation."""

    RELIABLE = "1", "1 — Reliable"
    UNTESTED = "2", "2 — Untested"
    NOT_RELIABLE = "3", "3 — Not reliable"


class IntelligenceAssessment(models.TextChoices):
    """3x5x2 intelligence assessment."""

    A = "A", "A — Known directly to the source"
    B = "B", "B — Known indirectly to the source but corroborated"
    C = "C", "C — Known indirectly to the source"
    D = "D", "D — Not known"
    E = "E", "E — Suspected to be false or malicious"


class HandlingCode(models.TextChoices):
    """3x5x2 handling code: C requires written conditions that travel with the record."""

    P = "P", "P — Lawful sharing permitted"
    C = "C", "C — Lawful sharing permitted with conditions"


class GradingScheme(models.TextChoices):
    """The scheme a grade was originally given in (kept beside its 3x5x2 equivalent)."""

    G3X5X2 = "3x5x2", "3x5x2 (College of Policing)"
    G5X5X5 = "5x5x5", "5x5x5 (legacy)"
    ADMIRALTY = "admiralty", "NATO Admiralty (A–F / 1–6)"
