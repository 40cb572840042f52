"""Backlog recovery: after a 20 s broker outage under load, the workers catch up at once.

A private redis-server (on a free port) is the broker; a real prefork worker
(two processes) consumes; NO beat runs, and the sweeps are set to an hour,
so nothing but the worker's reconnection hook (trustpulse/worker.py) and the
workers' own chaining can catch the backlog up. API submissions go through
the deferred path (one inbox row each, 201 in the request) from two threads
while Redis is stopped for 20 s; the load stops when Redis is back, so the
measured catch-up is the hook's alone. Accepted = written = aggregated, and
the rollups equal a full rebuild. Figures in docs/PERFORMANCE.md.
"""

import threading
import time

import pytest

from dashboards.models import ResponseRollup
from surveys.backlog import backlog
from surveys.enums import ApiScope
from surveys.models import Response, SubmissionInbox
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey

from .test_aggregation_faults import (
    assert_equals_rebuild,
    free_port,
    start_redis,
    start_worker,
    stop,
)
from .test_aggregation_faults import queue as queue_fixture  # noqa: F401 - a fixture
from .test_celery_worker import use_broker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OUTAGE_S = 20
CATCH_UP_LIMIT_S = 60


class Load:
    """Threads posting complete API submissions until stopped; counts what got a 201."""

    def __init__(self, survey, plaintext_key: str, threads: int = 2) -> None:
        self.survey, self.key, self.accepted, self.failed = survey, plaintext_key, [], 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(threads)]

    def run(self, n: int) -> None:
        from django.db import connection
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.key}")
        i = 0
        try:
            while not self.stop.is_set():
                i += 1
                reply = client.post(
                    f"/api/v1/surveys/{self.survey.pk}/responses/",
                    {"answers": COMFORT_ANSWERS, "consent": CONSENT},
                    format="json",
                    HTTP_IDEMPOTENCY_KEY=f"load-{n}-{i}",
                )
                if reply.status_code == 201:
                    self.accepted.append(reply.json()["id"])
                else:
                    self.failed += 1
                time.sleep(0.05)
        finally:
            connection.close()


def test_the_backlog_catches_up_within_a_minute_of_the_brokers_return(settings, queue_fixture):  # noqa: F811
    from django.core.cache import cache

    from surveys.accounts.services.accounts import api_key_create
    from surveys.responses.services import inbox

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SUBMISSION_DEFERRED_WRITE = True
    cache.clear()
    inbox._last_dispatch = 0.0
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port)
    use_broker(broker)
    worker = start_worker(
        broker, queue_fixture, pool="prefork", name="recovery", concurrency=2, sweep_seconds=3600
    )
    org = OrganizationFactory()
    survey = live_survey(org)
    _, key = api_key_create(organization=org, name="load", scopes=list(ApiScope.values))
    load = Load(survey, key)
    try:
        time.sleep(4)  # the worker is up
        for t in load.threads:
            t.start()
        time.sleep(5)
        redis.terminate()
        redis.wait(timeout=10)
        time.sleep(OUTAGE_S)
        redis = start_redis(port)
        back = time.monotonic()
        load.stop.set()
        for t in load.threads:
            t.join(timeout=30)
        at_return = backlog(organization_ids=[org.pk])
        assert wait_for(
            lambda: backlog(organization_ids=[org.pk]).empty, timeout=CATCH_UP_LIMIT_S + 30
        ), f"not caught up: {backlog(organization_ids=[org.pk])}"
        caught_up = time.monotonic() - back
        accepted = len(load.accepted)
        print(
            f"\naccepted {accepted} (failed requests {load.failed}); at the broker's return "
            f"{at_return.inbox_pending} waiting to be written out (oldest "
            f"{at_return.inbox_oldest_age_s} s), {at_return.unaggregated} to aggregate; "
            f"caught up {caught_up:.1f} s after the return"
        )
        assert load.failed == 0
        assert at_return.inbox_pending > 0  # the outage did leave a backlog
        assert caught_up <= CATCH_UP_LIMIT_S
        written = set(map(str, Response.objects.filter(survey=survey).values_list("pk", flat=True)))
        assert written == set(load.accepted)  # none lost, none duplicated
        assert SubmissionInbox.objects.filter(survey=survey, materialized_at=None).count() == 0
        assert Response.objects.filter(survey=survey, aggregated_at=None).count() == 0
        assert sum(ResponseRollup.objects.values_list("n", flat=True)) == accepted
        assert_equals_rebuild(survey)
    finally:
        load.stop.set()
        stop(worker)
        redis.terminate()
