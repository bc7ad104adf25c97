"""Running an import and recording what came of it: the advisory lock that keeps one worker
per import, the Import's final state (written in the import's own transaction), the failure
record (written after the rollback), and synchronous runs (command line, API rows)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from collection.imports.pipeline import execute
from collection.imports.progress import ProgressReporter
from collection.imports.reading import CsvFile, FileRefusedError, RowSource, open_csv
from collection.imports.results import MAX_ERRORS, ImportResult
from collection.imports.spec import ImportSpec, SpecError, resolve
from collection.imports.writers import Target
from collection.models import Import
from ilp.audit import audit_record
from ilp.models import Agency, AuditEvent, User

logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x494C50 << 32  # "ILP": keeps import locks apart from other advisory locks


def spec_of(record: Import) -> ImportSpec:
    """The ImportSpec recorded on an Import."""
    options = record.options or {}
    return ImportSpec(
        mapping=dict(record.mapping or {}),
        fixed={k: str(v) for k, v in (record.fixed_values or {}).items()},
        crs=str(options.get("crs") or ""),
        time_format=str(options.get("time_format") or ""),
    )


def stored_csv(record: Import) -> CsvFile:
    """The uploaded file of an Import, opened for reading (refused if it has gone)."""
    if not record.file:
        raise FileRefusedError("This import has no stored file.")
    storage, name = record.file.storage, record.file.name
    if not storage.exists(name):
        raise FileRefusedError("The uploaded file is no longer stored; upload it again.")
    return open_csv(
        name=record.file_name,
        size=storage.size(name),
        opener=lambda: storage.open(name, "rb"),
    )


def target_of(record: Import, *, dry_run: bool) -> Target:
    return Target(
        agency_id=record.agency_id,
        import_id=record.pk,
        actor_id=record.created_by_id,
        dry_run=dry_run,
    )


@contextmanager
def exclusive(import_id: int) -> Iterator[bool]:
    """Hold the import's advisory lock (PostgreSQL) so two workers never run it at once."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = LOCK_NAMESPACE + import_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::bigint)", [key])
        row = cursor.fetchone()
    acquired = bool(row and row[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::bigint)", [key])


def finisher(import_id: int) -> Callable[[ImportResult], None]:
    """Records the result on the Import (inside the import's transaction when not a dry run)."""

    def finish(result: ImportResult) -> None:
        record = Import.objects.get(pk=import_id)
        record.status = Import.Status.SUCCEEDED
        record.progress = 100
        record.finished_at = timezone.now()
        record.rows_total = result.rows
        record.created = result.created
        record.updated = result.updated
        record.rejected = result.rejected
        record.errors = [error.as_dict() for error in result.errors[:MAX_ERRORS]]
        record.bbox = result.bbox_list()
        record.error = ""
        record.options = {
            **(record.options or {}),
            "notices": result.all_notices(),
            "new_offences": result.new_offences,
            "dry_run": result.dry_run,
        }
        record.save()
        if not result.dry_run:
            # One event for the load, not one per incident: the Import is the provenance record
            # every incident links back to.
            audit_record(
                actor=record.created_by,
                action=AuditEvent.Action.CREATE,
                obj=record,
                details={
                    "kind": "incident_import",
                    "file_name": record.file_name,
                    "created": result.created,
                    "updated": result.updated,
                    "rejected": result.rejected,
                },
            )

    return finish


def fail(import_id: int, exc: Exception) -> Import | None:
    """Mark an import failed with the reason, after its transaction has been rolled back."""
    if isinstance(exc, FileRefusedError | SpecError | ValidationError):
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    else:
        logger.error("Import %s failed", import_id)
        reason = f"The import failed and nothing was written: {type(exc).__name__}: {exc}"
    with transaction.atomic():
        Import.objects.filter(pk=import_id).update(
            status=Import.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
        )
    return Import.objects.filter(pk=import_id).first()


def record_import(*, actor: User | None, agency: Agency, name: str, spec: ImportSpec) -> Import:
    with transaction.atomic():
        return Import.objects.create(
            agency=agency,
            created_by=actor,
            file_name=name[:255],
            status=Import.Status.RUNNING,
            mapping=dict(spec.mapping),
            fixed_values=dict(spec.fixed),
            options={**spec.options(), "time_zone": agency.time_zone},
        )


def run_now(
    *, actor: User | None, agency: Agency, source: RowSource, spec: ImportSpec, dry_run: bool
) -> ImportResult:
    """Run synchronously; unless a dry run, record an Import first and fail it on any error."""
    try:
        resolve(spec, source.header)
    except SpecError as exc:
        raise ValidationError({"mapping": str(exc)}) from exc
    actor_id = actor.pk if actor is not None else None
    if dry_run:
        return execute(
            source=source,
            spec=spec,
            time_zone=agency.time_zone,
            target=Target(agency_id=agency.pk, import_id=None, actor_id=actor_id, dry_run=True),
            now=timezone.now(),
        )
    record = record_import(actor=actor, agency=agency, name=source.name, spec=spec)
    try:
        with ProgressReporter(record.pk) as reporter:
            return execute(
                source=source,
                spec=spec,
                time_zone=agency.time_zone,
                target=target_of(record, dry_run=False),
                now=timezone.now(),
                progress=reporter.report,
                on_success=finisher(record.pk),
            )
    except Exception as exc:
        failed = fail(record.pk, exc)
        reason = failed.error if failed is not None else str(exc)
        raise ImportFailedError(reason, import_id=record.pk) from exc


class ImportFailedError(Exception):
    """A synchronous import failed as a whole; its Import is marked failed with this reason."""

    def __init__(self, reason: str, *, import_id: int | None) -> None:
        super().__init__(reason)
        self.import_id = import_id
