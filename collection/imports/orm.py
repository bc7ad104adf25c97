"""The portable path (SQLite, the embedded default): bulk_create and bulk_update in batches.

Slower than COPY and it remembers every reference of the import in memory to spot repeats, which
suits the file sizes of a laptop installation; PostgreSQL takes the fast path instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

from django.db.models import F
from django.utils import timezone

from collection.imports.offences import OffenceResolver
from collection.imports.parsing import IncidentRow
from collection.imports.writers import ChunkOutcome, Target, duplicate_error
from collection.models import Incident

# SQLite allows at most 32,766 parameters in one statement (999 in old builds).
BATCH = 500
UPDATED_FIELDS = [
    "offence",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "latitude",
    "longitude",
    "h3_cell",
    "address",
    "status",
    "source_import",
    "updated_at",
    "version",
]


def _batches(items: Sequence[str]) -> Iterator[list[str]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


class OrmWriter:
    """Writes chunks through the ORM, inside the caller's transaction."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.offences = OffenceResolver()
        self.seen: dict[str, int] = {}

    def prepare(self, rows: list[IncidentRow]) -> list[IncidentRow]:
        return rows

    def open(self) -> None:
        self.seen = {}

    def close(self) -> None:
        self.seen = {}

    def write(self, prepared: list[IncidentRow]) -> ChunkOutcome:
        outcome = ChunkOutcome()
        fresh = []
        for row in prepared:
            first = self.seen.setdefault(row.reference, row.row)
            if first != row.row:
                outcome.duplicates.append(duplicate_error(row.row, row.reference, first))
            else:
                fresh.append(row)
        existing = self._existing([row.reference for row in fresh])
        outcome.updated = sum(1 for row in fresh if row.reference in existing)
        outcome.created = len(fresh) - outcome.updated
        longitudes = [row.longitude for row in fresh if row.longitude is not None]
        latitudes = [row.latitude for row in fresh if row.latitude is not None]
        if longitudes and latitudes:
            outcome.bbox = (min(longitudes), min(latitudes), max(longitudes), max(latitudes))
        if not self.target.dry_run:
            self._save(fresh, existing)
        return outcome

    def _existing(self, references: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for batch in _batches(references):
            found.update(
                Incident.objects.filter(
                    agency_id=self.target.agency_id, reference__in=batch
                ).values_list("reference", "id")
            )
        return found

    def _save(self, rows: list[IncidentRow], existing: dict[str, int]) -> None:
        ids = self.offences.ids({row.offence for row in rows})
        now = timezone.now()
        new, changed = [], []
        for row in rows:
            incident = Incident(
                agency_id=self.target.agency_id,
                created_by_id=self.target.actor_id,
                reference=row.reference,
                offence_id=ids[row.offence],
                occurred_from=row.occurred_from,
                occurred_to=row.occurred_to,
                reported_at=row.reported_at,
                latitude=row.latitude,
                longitude=row.longitude,
                h3_cell=row.h3_cell,
                address=row.address,
                status=row.status,
                source_import_id=self.target.import_id,
                updated_at=now,
            )
            pk = existing.get(row.reference)
            if pk is None:
                new.append(incident)
            else:
                incident.pk = pk
                incident.version = F("version") + 1
                changed.append(incident)
        Incident.objects.bulk_create(new, batch_size=BATCH)
        Incident.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=BATCH)
