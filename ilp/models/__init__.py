"""Core models shared by every stage: accounts, and the entities intelligence is about."""

from ilp.models.accounts import Agency, ApiToken, ApiTokenQuerySet, Unit, User, validate_time_zone
from ilp.models.audit import AuditEvent
from ilp.models.entities import Area, Location, Organisation, Person, Vehicle
from ilp.models.records import Record, RecordQuerySet

__all__ = [
    "Agency",
    "ApiToken",
    "ApiTokenQuerySet",
    "Area",
    "AuditEvent",
    "Location",
    "Organisation",
    "Person",
    "Record",
    "RecordQuerySet",
    "Unit",
    "User",
    "Vehicle",
    "validate_time_zone",
]
