"""The Celery application (part of the composition root).

Tasks use Celery's Django task class, so ``task.delay_on_commit(...)`` enqueues only after the
surrounding transaction commits. Reliability settings (acks_late, reject_on_worker_lost and the
broker visibility timeout) live in settings, under CELERY_.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilp.settings")

app = Celery("ilp", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
