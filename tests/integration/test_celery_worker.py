"""A real Celery worker on real Redis and PostgreSQL.

The worker runs as a separate process against the test database, so the
data must be committed (transactional_db). Covers: a submission announced
after commit reaches the worker; a duplicated delivery counts once; a
broker outage loses nothing and the pending sweep catches up.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from dashboards.models import AnswerRollup, ResponseRollup
from dashboards.services import rollups_rebuild
from surveys.models import Response
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey
from trustpulse.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        return ""
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(redis_url):
    """A Celery worker process (solo pool) bound to the test database and Redis."""
    db_url = _database_url()
    if not db_url:
        from tests.conftest import require_service

        require_service("postgresql", False, "the integration suite needs PostgreSQL")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="trustpulse.settings.test",
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    queue = f"it-{os.getpid()}-{time.monotonic_ns()}"
    env["CELERY_TASK_DEFAULT_QUEUE"] = queue  # what the worker itself sends stays on its queue
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "trustpulse",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    old = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    conf_set(task_always_eager=False, task_default_queue=queue)
    use_broker(redis_url)
    try:
        yield queue
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        conf_set(
            task_always_eager=old["task_always_eager"],
            task_default_queue=old["task_default_queue"],
        )
        use_broker(old["broker_url"])


def conf_set(**values: object) -> None:
    """Set Celery settings (the app reads Django settings under the CELERY_ namespace)."""
    for name, value in values.items():
        celery_app.conf[f"CELERY_{name.upper()}"] = value


def use_broker(url: str) -> None:
    """Point the app at `url`, dropping pooled connections to the old broker."""
    conf_set(broker_url=url)
    kombu_pools.reset()  # closes and forgets every pooled connection
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def aggregated(response_id) -> bool:
    return Response.objects.filter(pk=response_id, aggregated_at__isnull=False).exists()


def test_submission_reaches_the_worker_after_commit(worker):
    survey = live_survey(OrganizationFactory())
    response = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    assert wait_for(lambda: aggregated(response.pk)), "the worker never aggregated the response"


def rollup_total() -> int:
    return sum(ResponseRollup.objects.values_list("n", flat=True))


def test_duplicate_delivery_counts_once(worker):
    from dashboards.tasks import aggregate

    survey = live_survey(OrganizationFactory())
    responses = [
        response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS) for _ in range(3)
    ]
    assert wait_for(lambda: all(aggregated(r.pk) for r in responses))
    for _ in range(3):  # the same task delivered again and again
        aggregate.apply_async()
    marker = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    assert wait_for(lambda: aggregated(marker.pk))  # FIFO: the duplicates ran before it
    assert rollup_total() == 4
    incremental = sorted(AnswerRollup.objects.values_list("question_code", "bucket", "n"))
    rollups_rebuild(survey_id=survey.pk)
    assert sorted(AnswerRollup.objects.values_list("question_code", "bucket", "n")) == incremental


def test_broker_outage_loses_nothing_and_the_sweep_catches_up(worker, redis_url):
    from dashboards.tasks import aggregate_pending

    survey = live_survey(OrganizationFactory())
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    started = time.monotonic()
    response = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    assert time.monotonic() - started < 15  # publishing gave up quickly
    assert Response.objects.filter(pk=response.pk, status="complete").exists()
    assert not aggregated(response.pk)
    use_broker(redis_url)  # the broker is back
    aggregate_pending.apply_async()
    assert wait_for(lambda: aggregated(response.pk)), "the sweep did not catch up"
    assert rollup_total() == 1


def test_an_accepted_api_submission_is_written_out_and_aggregated_by_the_worker(worker, settings):
    """The API's deferred path: one row in the request, the worker writes and aggregates it."""
    from django.core.cache import cache

    from surveys.enums import ApiScope
    from surveys.models import SubmissionInbox
    from tests.api.helpers import key_client
    from trustpulse import dispatch

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.clear()  # the dispatch guard lives in the cache
    dispatch._taken.clear()  # and this process's own
    org = OrganizationFactory()
    survey = live_survey(org)
    client = key_client(org, ApiScope.values)
    reply = client.post(
        f"/api/v1/surveys/{survey.pk}/responses/",
        {"answers": COMFORT_ANSWERS, "consent": CONSENT},
        format="json",
        HTTP_IDEMPOTENCY_KEY="it-deferred-1",
    )
    assert reply.status_code == 201
    response_id = reply.json()["id"]
    assert SubmissionInbox.objects.filter(pk=response_id, materialized_at=None).exists()
    assert wait_for(lambda: aggregated(response_id))
    assert (
        Response.objects.get(pk=response_id).respondent.respondent_ref
        == (reply.json()["respondent_ref"])
    )
    assert SubmissionInbox.objects.get(pk=response_id).payload == {}
