"""Writes of collection's imports: every way incidents are bulk-loaded goes through here.

- the browser: ``import_upload`` → ``import_configure`` → ``import_preview`` → ``import_start``
  (the job runs ``import_run`` in the background);
- the API: ``import_submit`` (upload, map and start in one call) and ``import_rows`` (JSON rows,
  synchronously);
- the command line: ``import_file``.

Every import is recorded as an Import, and each incident it writes links back to it. The rows
are written in one transaction (pipeline.execute); when anything fails, that transaction is
rolled back and the Import is marked failed with the reason in a transaction of its own
(running.py holds that machinery).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from collection.imports.mappings import mapping_remember
from collection.imports.pipeline import execute
from collection.imports.progress import ProgressReporter
from collection.imports.reading import (
    RECORD_FIELDS,
    FileRefusedError,
    RecordsSource,
    check_upload_size,
    open_csv,
)
from collection.imports.results import ImportResult
from collection.imports.running import (
    LOCK_NAMESPACE,
    ImportFailedError,
    exclusive,
    fail,
    finisher,
    run_now,
    spec_of,
    stored_csv,
    target_of,
)
from collection.imports.spec import ImportSpec, SpecError, resolve
from collection.imports.writers import Target
from collection.models import Import
from ilp.models import Agency, User

__all__ = [
    "LOCK_NAMESPACE",
    "ImportFailedError",
    "import_configure",
    "import_discard",
    "import_file",
    "import_preview",
    "import_rows",
    "import_run",
    "import_start",
    "import_submit",
    "import_upload",
    "spec_of",
    "stored_csv",
]

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20_000
JSON_FIELDS = ("reference", "offence", "occurred_at", *RECORD_FIELDS[2:])
PREVIEW_SAMPLE = 20
MAX_API_ROWS = 10_000


def _require(actor: User, permission: str = "collection.add_import") -> Agency:
    if not actor.has_perm(permission):
        raise PermissionDenied("You may not import incidents.")
    if actor.agency is None:
        raise PermissionDenied("Your account belongs to no agency.")
    return actor.agency


def _upload_opener(upload: UploadedFile) -> Callable[[], IO[bytes]]:
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        return lambda: Path(path()).open("rb")
    # Uploads under Django's in-memory limit (2.5 MB by default): a fresh buffer per reading.
    upload.seek(0)
    content = upload.read()
    return lambda: io.BytesIO(content)


def _refusal(exc: Exception, field: str) -> ValidationError:
    return ValidationError({field: str(exc)})


@transaction.atomic
def import_upload(*, actor: User, upload: UploadedFile) -> Import:
    """Check an uploaded CSV file and record it as a pending import awaiting its mapping."""
    agency = _require(actor)
    try:
        check_upload_size(upload.size or 0)
        csv_file = open_csv(
            name=upload.name or "upload.csv", size=upload.size or 0, opener=_upload_opener(upload)
        )
    except FileRefusedError as exc:
        raise _refusal(exc, "file") from exc
    record = Import(
        agency=agency,
        created_by=actor,
        file_name=(upload.name or "upload.csv")[:255],
        status=Import.Status.PENDING,
        options={
            "header": csv_file.header,
            "encoding": csv_file.encoding,
            "delimiter": csv_file.delimiter,
            "notices": csv_file.notices,
        },
    )
    upload.seek(0)
    record.file.save(Path(record.file_name).name, upload, save=False)
    # The model marks mapping and fixed_values blank=False; an upload has neither yet.
    record.full_clean(exclude=["mapping", "fixed_values"])
    record.save()
    return record


def _editable(record: Import) -> None:
    if record.status != Import.Status.PENDING or (record.options or {}).get("queued_at"):
        raise ValidationError("This import has already started; upload the file again to redo it.")


@transaction.atomic
def import_configure(*, actor: User, record: Import, spec: ImportSpec) -> Import:
    """Set the column mapping and options of a pending import, and remember the mapping for the
    agency's next file with the same header."""
    _require(actor)
    _editable(record)
    header = list((record.options or {}).get("header") or stored_csv(record).header)
    try:
        resolve(spec, header)
    except SpecError as exc:
        raise _refusal(exc, "mapping") from exc
    record.mapping = dict(spec.mapping)
    record.fixed_values = dict(spec.fixed)
    record.options = {**(record.options or {}), **spec.options()}
    record.full_clean(exclude=["fixed_values"])  # {} is a valid "no fixed values"
    record.save(update_fields=["mapping", "fixed_values", "options"])
    mapping_remember(agency_id=record.agency_id, header=header, spec=spec)
    return record


def import_preview(*, actor: User, record: Import) -> ImportResult:
    """Dry run over the first PREVIEW_ROWS rows of a pending import: counts, errors and the
    first rows as they would be stored. Nothing is written."""
    agency = _require(actor)
    try:
        return execute(
            source=stored_csv(record),
            spec=spec_of(record),
            time_zone=agency.time_zone,
            target=Target(agency_id=agency.pk, import_id=None, actor_id=actor.pk, dry_run=True),
            now=timezone.now(),
            limit=PREVIEW_ROWS,
            sample_size=PREVIEW_SAMPLE,
        )
    except (FileRefusedError, SpecError) as exc:
        raise _refusal(exc, "file") from exc


@transaction.atomic
def import_start(*, actor: User, record: Import, dry_run: bool = False) -> Import:
    """Queue a configured import; the job (incident_import_task) runs after this commits."""
    from collection.imports.tasks import incident_import_task

    _require(actor)
    _editable(record)
    if not record.mapping:
        raise ValidationError("Map the columns before starting the import.")
    record.options = {
        **(record.options or {}),
        "dry_run": dry_run,
        "queued_at": timezone.now().isoformat(),
    }
    record.save(update_fields=["options"])
    incident_import_task.delay_on_commit(record.pk)
    return record


@transaction.atomic
def import_submit(*, actor: User, upload: UploadedFile, spec: ImportSpec, dry_run: bool) -> Import:
    """Upload, map and queue in one step (the API): the mapping is checked against the header
    now, so a wrong column name is refused at once rather than by a failed job."""
    record = import_upload(actor=actor, upload=upload)
    try:
        import_configure(actor=actor, record=record, spec=spec)
        return import_start(actor=actor, record=record, dry_run=dry_run)
    except ValidationError:
        record.file.delete(save=False)
        raise


@transaction.atomic
def import_discard(*, actor: User, record: Import) -> None:
    """Delete an import that was uploaded but never started, and its stored file."""
    _require(actor)
    _editable(record)
    if record.file:
        record.file.delete(save=False)
    record.delete()


def import_run(*, import_id: int) -> Import | None:
    """Run a queued import (the body of incident_import_task). Idempotent: a finished import is
    left alone; one left 'running' by a lost worker is run again from the start (its earlier
    transaction died with the worker, and the write is an upsert); one running elsewhere now
    (it holds the import's advisory lock) is left to finish."""
    with exclusive(import_id) as acquired:
        if not acquired:
            logger.info("Import %s is running in another worker", import_id)
            return None
        record = Import.objects.select_related("agency").filter(pk=import_id).first()
        if record is None or record.status in {Import.Status.SUCCEEDED, Import.Status.FAILED}:
            return record
        Import.objects.filter(pk=import_id).update(status=Import.Status.RUNNING, progress=0)
        dry_run = bool((record.options or {}).get("dry_run"))
        try:
            with ProgressReporter(import_id) as reporter:
                result = execute(
                    source=stored_csv(record),
                    spec=spec_of(record),
                    time_zone=record.agency.time_zone,
                    target=target_of(record, dry_run=dry_run),
                    now=timezone.now(),
                    progress=reporter.report,
                    on_success=None if dry_run else finisher(import_id),
                )
        except Exception as exc:
            return fail(import_id, exc)
        if dry_run:
            finisher(import_id)(result)
        record.refresh_from_db()
        return record


def import_file(
    *, actor: User | None, agency: Agency, path: Path, spec: ImportSpec, dry_run: bool = False
) -> ImportResult:
    """Import a CSV file on the server (the command line: no size limit, memory stays bounded).

    A dry run validates everything and counts what would be created or updated, writing
    nothing, not even an Import record (its result has import_id None).
    """
    try:
        spec.check()
        source = open_csv(name=path.name, size=path.stat().st_size, opener=lambda: path.open("rb"))
    except (FileRefusedError, SpecError) as exc:
        raise ValidationError(str(exc)) from exc
    return run_now(actor=actor, agency=agency, source=source, spec=spec, dry_run=dry_run)


def import_rows(
    *,
    actor: User,
    records: Sequence[dict[str, Any]],
    dry_run: bool = False,
    ignored: Sequence[str] = (),
) -> ImportResult:
    """Import rows sent as JSON objects keyed by field name (the API bulk endpoint), at most
    MAX_API_ROWS per call, synchronously. Times without a zone are the agency's local time."""
    agency = _require(actor)
    if not records:
        raise ValidationError({"rows": "Send at least one row."})
    if len(records) > MAX_API_ROWS:
        raise ValidationError({"rows": f"Send at most {MAX_API_ROWS} rows per call."})
    unknown = sorted({key for record in records for key in record} - set(JSON_FIELDS))
    if unknown:
        raise ValidationError(
            {"rows": f"Unknown field(s) {', '.join(unknown)}; rows take {', '.join(JSON_FIELDS)}."}
        )
    source = RecordsSource(records=records)
    if ignored:
        source.notices.append(f"Keys that are not fields were ignored: {', '.join(ignored)}.")
    spec = ImportSpec(mapping={name: name for name in RECORD_FIELDS})
    return run_now(actor=actor, agency=agency, source=source, spec=spec, dry_run=dry_run)
