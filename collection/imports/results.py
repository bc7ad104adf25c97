"""The outcome of an import or a dry run, as every interface reports it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from collection.imports.parsing import IncidentRow, RowError

# Enough to see every kind of problem in a file; a file with more errors needs fixing at source.
MAX_ERRORS = 1000


@dataclass
class ImportResult:
    """Counts, the (capped) row errors, the bounding box and notices of one run."""

    dry_run: bool = False
    import_id: int | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None
    notices: list[str] = field(default_factory=list)
    new_offences: list[str] = field(default_factory=list)
    sample: list[IncidentRow] = field(default_factory=list)
    truncated: bool = False

    def reject(self, errors: Iterable[RowError]) -> None:
        """Count rejected rows, keeping the first MAX_ERRORS messages."""
        for error in errors:
            self.rejected += 1
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(error)

    @property
    def accepted(self) -> int:
        """Rows written (or, in a dry run, that would be)."""
        return self.created + self.updated

    def all_notices(self) -> list[str]:
        """Notices, with the new offence types and the error cap spelled out."""
        notices = list(self.notices)
        if self.new_offences:
            verb = "would be" if self.dry_run else "were"
            names = ", ".join(self.new_offences[:20])
            more = f" and {len(self.new_offences) - 20} more" if len(self.new_offences) > 20 else ""
            notices.append(
                f"{len(self.new_offences)} offence name(s) not in the offence table {verb} "
                f"added, flagged for review: {names}{more}."
            )
        if self.rejected > len(self.errors):
            notices.append(
                f"Only the first {len(self.errors)} of {self.rejected} errors are listed."
            )
        return notices

    def bbox_list(self) -> list[float] | None:
        """[min_lon, min_lat, max_lon, max_lat] rounded to about 10 cm, or None."""
        return [round(value, 6) for value in self.bbox] if self.bbox else None

    def as_json(self) -> dict[str, Any]:
        """The result object of the command line (--json) and the API bulk endpoint."""
        return {
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "errors": [error.as_dict() for error in self.errors],
            "bbox": self.bbox_list(),
            "import_id": self.import_id,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "notices": self.all_notices(),
            "new_offences": self.new_offences,
        }
