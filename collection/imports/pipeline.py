"""One import run: stream the rows in chunks, validate each chunk in a background thread while
the database writes the previous one, and write everything in ONE transaction.

Memory stays bounded by the chunk size (at most three chunks are alive: one being parsed, one
queued, one being written), whatever the size of the file. The parser thread never touches the
database; the calling thread owns the connection and the transaction.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any, TypeVar

from django.db import transaction

from collection.imports.parsing import IncidentRow, RowError, RowParser
from collection.imports.reading import RowSource, RowValues
from collection.imports.results import ImportResult
from collection.imports.spec import TIME_FIELDS, ImportSpec, resolve
from collection.imports.writers import Target, Writer, duplicate_error, make_writer, merge_bbox

CHUNK_ROWS = 50_000
# The first chunks are smaller so the database starts writing while the parser is still warming
# up; after that, big chunks keep the per-statement overhead small.
FIRST_CHUNKS = (5_000, 20_000)
T = TypeVar("T")


@dataclass
class _Chunk:
    prepared: Any
    rows: int
    fraction: float
    errors: list[RowError]
    offences: set[str]
    sample: list[IncidentRow] = field(default_factory=list)
    more: bool = False


def execute(
    *,
    source: RowSource,
    spec: ImportSpec,
    time_zone: str,
    target: Target,
    now: datetime,
    limit: int | None = None,
    sample_size: int = 0,
    progress: Callable[[float], None] | None = None,
    on_success: Callable[[ImportResult], None] | None = None,
    fast: bool | None = None,
) -> ImportResult:
    """Validate and write (or, in a dry run, only check) the rows of ``source``.

    Runs in one transaction: an exception anywhere leaves no incident written. ``on_success`` is
    called inside that transaction after the last chunk, so the Import's final state commits
    together with its incidents. A dry run rolls its transaction back. Raises SpecError when the
    mapping does not fit the header and FileRefusedError when the file breaks mid-way.
    """
    sources = resolve(spec, source.header)
    parser = RowParser(
        sources=sources,
        width=len(source.header),
        time_zone=time_zone,
        now=now,
        time_format=spec.time_format,
        crs=spec.crs,
        row_prefix=f"{PurePath(source.name).stem[:40]}:",
    )
    writer = make_writer(target, fast=fast)
    result = ImportResult(dry_run=target.dry_run, import_id=target.import_id)
    result.notices = list(source.notices)
    if any(spec.uses(name) for name in TIME_FIELDS):
        result.notices.append(
            f"Times without a zone are read as {time_zone} time (the agency's time zone)."
        )
    offence_names: set[str] = set()
    with transaction.atomic():
        writer.open()
        chunks = _chunks(source, parser, writer, limit=limit, sample_size=sample_size)
        with closing(in_background(chunks)) as stream:
            for chunk in stream:
                _take(result, chunk, writer, sample_size)
                if target.dry_run:
                    offence_names |= chunk.offences
                if progress is not None:
                    progress(chunk.fraction)
        writer.close()
        if target.dry_run:
            result.new_offences = writer.offences.new_names(offence_names)
            transaction.set_rollback(True)
        else:
            result.new_offences = sorted(writer.offences.added)
            if on_success is not None:
                on_success(result)
    return result


def _take(result: ImportResult, chunk: _Chunk, writer: Writer, sample_size: int) -> None:
    """Write one chunk and add what came of it to the result."""
    outcome = writer.write(chunk.prepared)
    result.rows += chunk.rows
    result.created += outcome.created
    result.updated += outcome.updated
    result.reject(sorted([*chunk.errors, *outcome.duplicates], key=lambda error: error.row))
    result.bbox = merge_bbox(result.bbox, outcome.bbox)
    result.sample += chunk.sample[: max(0, sample_size - len(result.sample))]
    result.truncated = result.truncated or chunk.more


def _batches(
    source: RowSource, limit: int | None
) -> Iterator[tuple[list[tuple[int, RowValues]], bool]]:
    """Rows in chunks; the flag says the row limit stopped reading before the end."""
    rows = source.rows()
    sizes = iter(FIRST_CHUNKS)
    try:
        batch: list[tuple[int, RowValues]] = []
        size = min(next(sizes), CHUNK_ROWS)
        for count, item in enumerate(rows, start=1):
            batch.append(item)
            if limit is not None and count >= limit:
                yield batch, next(rows, None) is not None
                return
            if len(batch) >= size:
                yield batch, False
                batch = []
                size = min(next(sizes, CHUNK_ROWS), CHUNK_ROWS)
        if batch:
            yield batch, False
    finally:
        rows.close()


def _chunks(
    source: RowSource, parser: RowParser, writer: Writer, *, limit: int | None, sample_size: int
) -> Iterator[_Chunk]:
    """Parsed, de-duplicated (within the chunk) and prepared chunks."""
    sampled = 0
    for batch, more in _batches(source, limit):
        rows, errors = parser.parse(batch)
        kept: list[IncidentRow] = []
        first_row: dict[str, int] = {}
        for row in rows:
            first = first_row.setdefault(row.reference, row.row)
            if first == row.row:
                kept.append(row)
            else:
                errors.append(duplicate_error(row.row, row.reference, first))
        sample = kept[: max(0, sample_size - sampled)]
        sampled += len(sample)
        yield _Chunk(
            prepared=writer.prepare(kept),
            rows=len(batch),
            fraction=source.fraction_read(),
            errors=errors,
            offences={row.offence for row in kept},
            sample=sample,
            more=more,
        )


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


def in_background(items: Iterator[T], depth: int = 1) -> Generator[T, None, None]:
    """Iterate ``items`` in a worker thread, ``depth`` items ahead of the consumer.

    The consumer waits on the database with the GIL released, so parsing the next chunk overlaps
    with writing this one. An exception in the thread is raised in the consumer; when the consumer
    stops early, the thread is told to stop and the iterator is closed in the thread.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def run() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:
            put(_Failed(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=run, name="import-parser", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
