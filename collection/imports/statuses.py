"""Records systems name case outcomes in many ways; these map the common ones to Incident.Status.

Anything not listed is stored as ``unknown`` rather than refused: the status is secondary to the
crime record itself, and an analyst can still count the incident.
"""

from __future__ import annotations

from collection.models import Incident

_SYNONYMS: dict[str, tuple[str, ...]] = {
    Incident.Status.OPEN: (
        "open",
        "opened",
        "active",
        "new",
        "ongoing",
        "pending",
        "investigating",
        "under investigation",
        "open under investigation",
        "in progress",
        "reported",
    ),
    Incident.Status.CLOSED: (
        "closed",
        "close",
        "complete",
        "completed",
        "resolved",
        "filed",
        "finalised",
        "finalized",
        "undetected",
        "no suspect",
        "exceptionally cleared",
        "cleared exceptional",
        "inactive",
    ),
    Incident.Status.CHARGED: (
        "charged",
        "charge",
        "charged summonsed",
        "summonsed",
        "summoned",
        "summons",
        "arrest",
        "arrested",
        "arrest made",
        "cleared by arrest",
        "cleared arrest",
        "prosecuted",
        "prosecution",
        "detected",
    ),
    Incident.Status.NFA: (
        "nfa",
        "n f a",
        "no further action",
        "no action",
        "unfounded",
        "no crime",
        "cancelled",
        "canceled",
    ),
    Incident.Status.UNKNOWN: ("unknown", "n a", "na", "none", "null"),
}
_PUNCTUATION = str.maketrans({"_": " ", "-": " ", "/": " ", ".": " ", ",": " "})


def _key(text: str) -> str:
    return " ".join(text.casefold().translate(_PUNCTUATION).split())


STATUS_OF: dict[str, str] = {
    _key(synonym): str(status) for status, synonyms in _SYNONYMS.items() for synonym in synonyms
}
STATUS_OF.update({_key(str(label)): str(value) for value, label in Incident.Status.choices})


def status_for(text: str) -> str:
    """The Incident.Status value a records-system status means, or ``unknown``."""
    if not text:
        return Incident.Status.UNKNOWN.value
    return STATUS_OF.get(_key(text), Incident.Status.UNKNOWN.value)
