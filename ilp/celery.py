"""The Celery application (part of the composition root).

Tasks use Celery's Django task class, so ``task.delay_on_commit(...)`` enqueues only after the
surrounding transaction commits. Reliability settings (acks_late, reject_on_worker_lost and the
broker visibility timeout) live in settings, under CELERY_.
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilp.settings")

app = Celery("ilp", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_the_in_process_broker(**_: object) -> None:
    """Stop a worker or beat started without CELERY_BROKER_URL, saying so.

    With no broker the web process runs tasks itself (settings: IN_PROCESS_BROKER_URL), so a
    worker on the in-memory transport would wait for work that nobody can send it.
    """
    from django.conf import settings

    if app.conf.broker_url == settings.IN_PROCESS_BROKER_URL:
        raise SystemExit(
            "CELERY_BROKER_URL is not set: without a broker the web process runs tasks itself. "
            "Set it (e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/0) for the web process, "
            "the worker and beat alike."
        )
