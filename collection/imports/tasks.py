"""Background jobs of collection's imports."""

from __future__ import annotations

from celery import shared_task

from collection.imports import services


@shared_task(name="collection.incident_import")
def incident_import_task(import_id: int) -> None:
    """Run the queued import ``import_id`` (see services.import_run).

    Idempotent, so the broker may deliver it twice (acks_late): a finished import is left as it
    is, and one left 'running' by a lost worker starts again from the beginning. Failures are
    recorded on the Import, not raised: a retry would only fail the same way.
    """
    services.import_run(import_id=import_id)
