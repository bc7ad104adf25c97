"""How validated rows reach the database: the seam between the PostgreSQL fast path
(collection/imports/copy.py) and the portable ORM path (collection/imports/orm.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection

from collection.imports.offences import OffenceResolver
from collection.imports.parsing import IncidentRow, RowError


@dataclass
class ChunkOutcome:
    """What writing one chunk did (or, in a dry run, would do)."""

    created: int = 0
    updated: int = 0
    duplicates: list[RowError] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Target:
    """Who and what the incidents are written for."""

    agency_id: int
    import_id: int | None
    actor_id: int | None
    dry_run: bool


class Writer(Protocol):
    """Writes chunks inside the caller's transaction; ``prepare`` may run in another thread."""

    offences: OffenceResolver

    def prepare(self, rows: list[IncidentRow]) -> Any:
        """Turn rows into what ``write`` takes (no database access: it runs in a thread)."""
        ...

    def open(self) -> None:
        """Set up before the first chunk (inside the transaction)."""
        ...

    def write(self, prepared: Any) -> ChunkOutcome:
        """Write one chunk, rejecting references already seen earlier in this import."""
        ...

    def close(self) -> None:
        """Clean up after the last chunk (inside the transaction)."""
        ...


def make_writer(target: Target, *, fast: bool | None = None) -> Writer:
    """The COPY path on PostgreSQL, the ORM path elsewhere (or when ``fast`` is False)."""
    if fast is None:
        fast = connection.vendor == "postgresql"
    if fast:
        from collection.imports.copy import PostgresWriter

        return PostgresWriter(target)
    from collection.imports.orm import OrmWriter

    return OrmWriter(target)


def duplicate_error(row: int, reference: str, first: int) -> RowError:
    """The message for a reference seen earlier in the same import."""
    return RowError(
        row,
        f"reference {reference!r} repeats row {first}: only the first row with a reference "
        "is imported",
    )


def merge_bbox(
    first: tuple[float, float, float, float] | None,
    second: tuple[float, float, float, float] | None,
) -> tuple[float, float, float, float] | None:
    """The box around two boxes [min_lon, min_lat, max_lon, max_lat] (either may be None)."""
    if first is None:
        return second
    if second is None:
        return first
    return (
        min(first[0], second[0]),
        min(first[1], second[1]),
        max(first[2], second[2]),
        max(first[3], second[3]),
    )
