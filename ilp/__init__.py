"""ILP platform core: shared people, agencies, roles, UI and API foundations."""

from ilp.celery import app as celery_app

__all__ = ["celery_app"]
