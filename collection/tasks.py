"""Celery tasks of the collection stage (found by autodiscovery through this module)."""

from collection.imports.tasks import incident_import_task

__all__ = ["incident_import_task"]
