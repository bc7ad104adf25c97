"""The background job: takes an id, runs once, survives redelivery."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from collection.imports import services
from collection.imports.progress import ProgressReporter
from collection.imports.spec import ImportSpec
from collection.imports.tasks import incident_import_task
from collection.models import Import, Incident
from ilp.models import AuditEvent, User

pytestmark = pytest.mark.django_db

CSV = b"ref,when,lat,lon\n1,2020-01-01 10:00,51.5,-0.1\n2,2020-01-02 11:00,51.6,-0.2\n3,soon,1,1\n"
SPEC = ImportSpec(
    mapping={"reference": "ref", "occurred_at": "when", "latitude": "lat", "longitude": "lon"},
    fixed={"offence": "Theft"},
)


def queued(actor: User, content: bytes = CSV, dry_run: bool = False) -> Import:
    record = services.import_upload(actor=actor, upload=SimpleUploadedFile("crimes.csv", content))
    services.import_configure(actor=actor, record=record, spec=SPEC)
    return services.import_start(actor=actor, record=record, dry_run=dry_run)


def test_starting_an_import_enqueues_the_job_on_commit(
    analyst: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[attr-defined]
        record = queued(analyst)
    assert len(callbacks) == 1  # type: ignore[arg-type]
    assert record.status == Import.Status.PENDING
    assert record.options["queued_at"]


def test_the_job_runs_the_import(analyst: User) -> None:
    record = queued(analyst)
    incident_import_task(record.pk)
    record.refresh_from_db()
    assert record.status == Import.Status.SUCCEEDED
    assert (record.created, record.updated, record.rejected, record.rows_total) == (2, 0, 1, 3)
    assert record.progress == 100
    assert record.errors[0]["row"] == 4
    assert record.bbox == [-0.2, 51.5, -0.1, 51.6]
    assert set(record.incidents.values_list("reference", flat=True)) == {"1", "2"}
    assert record.incidents.first().created_by == analyst  # type: ignore[union-attr]
    event = AuditEvent.objects.get(object_type="collection.import", object_id=str(record.pk))
    assert event.actor == analyst
    assert event.details["created"] == 2


def test_running_a_finished_import_again_does_nothing(analyst: User) -> None:
    record = queued(analyst)
    incident_import_task(record.pk)
    versions = list(Incident.objects.order_by("pk").values_list("version", flat=True))
    incident_import_task(record.pk)
    record.refresh_from_db()
    assert (record.created, record.updated) == (2, 0)
    assert list(Incident.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_an_import_left_running_by_a_lost_worker_runs_again(analyst: User) -> None:
    record = queued(analyst)
    Import.objects.filter(pk=record.pk).update(status=Import.Status.RUNNING, progress=40)
    incident_import_task(record.pk)
    record.refresh_from_db()
    assert record.status == Import.Status.SUCCEEDED
    assert record.created == 2


@pytest.mark.django_db(transaction=True)
def test_an_import_running_in_another_worker_is_left_alone(analyst: User) -> None:
    record = queued(analyst)
    key = services.LOCK_NAMESPACE + record.pk
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s::bigint)", [key])
        assert services.import_run(import_id=record.pk) is None
        record.refresh_from_db()
        assert record.status == Import.Status.PENDING
        assert not Incident.objects.exists()
        # Unlock explicitly: a closed connection's backend lets go of its locks a moment later.
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s::bigint)", [key])
    finally:
        other.close()
    incident_import_task(record.pk)
    record.refresh_from_db()
    assert record.status == Import.Status.SUCCEEDED


def test_a_dry_run_job_records_the_counts_and_writes_nothing(analyst: User) -> None:
    record = queued(analyst, dry_run=True)
    incident_import_task(record.pk)
    record.refresh_from_db()
    assert record.status == Import.Status.SUCCEEDED
    assert record.options["dry_run"] is True
    assert (record.created, record.rejected) == (2, 1)
    assert not Incident.objects.exists()


def test_a_job_whose_file_has_gone_is_marked_failed(analyst: User) -> None:
    record = queued(analyst)
    record.file.delete(save=False)
    incident_import_task(record.pk)
    record.refresh_from_db()
    assert record.status == Import.Status.FAILED
    assert "no longer stored" in record.error


def test_a_job_for_an_unknown_import_does_nothing() -> None:
    incident_import_task(999_999)


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_is_open(analyst: User) -> None:
    record = queued(analyst)
    with ProgressReporter(record.pk) as reporter:
        reporter.report(0.42)
        reporter.report(0.30)  # never backwards
    record.refresh_from_db()
    assert record.progress == 42


def test_starting_twice_is_refused(analyst: User, tmp_path: Path) -> None:
    from django.core.exceptions import ValidationError

    record = queued(analyst)
    with pytest.raises(ValidationError, match="already started"):
        services.import_start(actor=analyst, record=record)
