"""Celery application in the standard Django shape."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustpulse.settings.local")

app = Celery("trustpulse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Catch the backlog up as soon as the broker is back (trustpulse/worker.py).
app.steps["consumer"].add("trustpulse.worker:CatchUp")
