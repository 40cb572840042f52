"""`manage.py worker_health` against a real worker, and with none consuming."""

import json
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .test_celery_worker import worker  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_consuming_worker_answers_the_ping(worker, settings, redis_url):  # noqa: F811
    settings.REDIS_URL = redis_url
    out = StringIO()
    call_command("worker_health", "--timeout", "30", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["status"] == "ok"
    assert answer["database"]["ok"] is True
    assert answer["seconds"] < 30


def test_no_worker_on_the_queue_fails_within_the_timeout(worker, settings, redis_url):  # noqa: F811
    settings.REDIS_URL = redis_url
    out = StringIO()
    started = time.monotonic()
    with pytest.raises(CommandError, match="no worker answered within 2 s"):
        call_command("worker_health", "--timeout", "2", "--queue", "nobody-listens", stdout=out)
    assert time.monotonic() - started < 6
    assert json.loads(out.getvalue())["status"] == "unavailable"
