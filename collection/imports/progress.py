"""Progress of a running import, written where the user can see it while the import's own
transaction is still open.

The incidents are written in one transaction, so a progress update made on the same connection
would stay invisible until the end. Updates therefore go through a second, autocommitting
connection to the same database. That connection only ever touches the Import row's progress
column (a non-key column, so it does not wait for the key-share lock the incidents' foreign key
checks take), and the import's transaction never updates that row until the last chunk is
written, so the two never wait for each other. SQLite allows only one writer at a time, so there
progress is shown only when the import finishes.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType

from django.db import DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from collection.models import Import

logger = logging.getLogger(__name__)
# Writing more often than this gains the user nothing and costs the database a commit each time.
MIN_INTERVAL_SECONDS = 0.5


class ProgressReporter:
    """Context manager: ``report(fraction)`` maps 0–1 of the file read to 0–99 %."""

    def __init__(self, import_id: int) -> None:
        self.import_id = import_id
        self.enabled = connection.vendor == "postgresql"
        self._side: BaseDatabaseWrapper | None = None
        self._last_percent = -1
        self._last_time = 0.0

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def report(self, fraction: float) -> None:
        """Record progress (never 100 %: that belongs to the import's own commit)."""
        percent = max(0, min(99, int(fraction * 100)))
        now = time.monotonic()
        if not self.enabled or percent <= self._last_percent:
            return
        if now - self._last_time < MIN_INTERVAL_SECONDS and percent < 99:
            return
        self._last_percent, self._last_time = percent, now
        try:
            if self._side is None:
                self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Import._meta.db_table} SET progress = %s "  # noqa: S608
                    "WHERE id = %s AND progress < %s",
                    [percent, self.import_id, percent],
                )
        except DatabaseError:
            # Progress is a courtesy: never fail an import because it could not be shown.
            logger.warning("Could not record progress of import %s", self.import_id, exc_info=True)
            self.enabled = False
