"""The consent screen's counters: Redis INCRs flushed to their rows, no write on a GET."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from surveys.consent.services import counters
from surveys.models import ConsentCounter
from tests.surveys.test_views_public import AGREE, url

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def in_redis(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    counters._client = None
    with override_settings(CONSENT_COUNTERS_IN_REDIS=True, REDIS_URL=redis_url):
        yield client
    counters._client = None
    client.flushdb()


def test_the_landing_page_writes_nothing_and_the_flush_adds_its_counts(
    client, survey, in_redis, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as ctx:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(url(survey)).status_code == 200
    assert not [q for q in ctx.captured_queries if q["sql"].startswith(WRITES)]
    assert ConsentCounter.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(survey), AGREE)
    assert counters.consent_counters_flush() == 2
    row = ConsentCounter.objects.get()
    assert (row.shown, row.consented, row.declined) == (1, 1, 0)
    assert counters.consent_counters_flush() == 0  # nothing counted twice
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        Client().get(url(survey))
    in_redis.flushdb()  # Redis restarted before the flush: only that count is lost
    assert counters.consent_counters_flush() == 0
    assert ConsentCounter.objects.get().shown == 1


def test_without_redis_the_row_is_counted_directly(
    client, survey, django_capture_on_commit_callbacks
):
    with override_settings(CONSENT_COUNTERS_IN_REDIS=True, REDIS_URL="redis://127.0.0.1:1/0"):
        counters._client = None
        try:
            with django_capture_on_commit_callbacks(execute=True):
                client.get(url(survey))
        finally:
            counters._client = None
    assert ConsentCounter.objects.get().shown == 1
