"""Celery application in the standard Django shape."""

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustpulse.settings.local")

app = Celery("trustpulse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Catch the backlog up as soon as the broker is back (trustpulse/worker.py).
app.steps["consumer"].add("trustpulse.worker:CatchUp")


@setup_logging.connect
def worker_logging(*args: Any, **kwargs: Any) -> None:
    """Workers log through Django's LOGGING (its token-redacting filter included),
    not through Celery's own handlers."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
