"""Core models shared by every stage: accounts, and the entities intelligence is about."""

from ilp.models.accounts import Agency, ApiToken, ApiTokenQuerySet, Unit, User, validate_time_zone
from ilp.models.audit import AuditEvent
from ilp.models.entities import Area, Location, Organisation, Person, Vehicle
from ilp.models.governance import Dissemination, Notification, ReviewDecision
from ilp.models.records import Record, RecordQuerySet

__all__ = [
    "Agency",
    "ApiToken",
    "ApiTokenQuerySet",
    "Area",
    "AuditEvent",
    "Dissemination",
    "Location",
    "Notification",
    "Organisation",
    "Person",
    "Record",
    "RecordQuerySet",
    "ReviewDecision",
    "Unit",
    "User",
    "Vehicle",
    "validate_time_zone",
]
