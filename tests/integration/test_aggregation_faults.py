"""Aggregation through faults, with real workers, a real Redis and PostgreSQL.

* Redis stopped during a stream of submissions (a redis-server of the test's
  own, on a free port — never the machine's shared one): no response is lost,
  and once Redis is back the beat sweep brings the rollups to exactly what
  `rebuild_rollups` computes.
* The prefork child running an aggregation batch killed with SIGKILL: the
  batch's transaction rolls back, `acks_late` + `task_reject_on_worker_lost`
  redeliver the task (the beat sweep would also pick the responses up), and
  the rollups equal the rebuild.
* Two workers consuming at once: SKIP LOCKED gives them disjoint batches and
  the rollups equal the rebuild.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboards.models import AnswerDayRollup, AnswerRollup, ResponseRollup, ScoreRollup
from dashboards.services import rollups_rebuild
from surveys.models import Response
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey

from .test_celery_worker import _database_url, conf_set, use_broker, wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for(lambda: _answers(port), timeout=10), "redis-server did not start"
    return proc


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_worker(
    broker: str,
    queue: str,
    *,
    pool: str = "solo",
    beat: bool = False,
    name: str = "w1",
    concurrency: int = 1,
    sweep_seconds: int = 2,
) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="trustpulse.settings.test",
        DATABASE_URL=_database_url(),
        REDIS_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        AGGREGATE_SWEEP_SECONDS=str(sweep_seconds),
        INBOX_SWEEP_SECONDS=str(sweep_seconds),
    )
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "trustpulse",
        "worker",
        f"--pool={pool}",
        "-c",
        str(concurrency),
        "-Q",
        queue,
        "-n",
        f"{name}@%h",
        "-l",
        "warning",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if beat:
        args += ["-B", "-s", f"/tmp/beat-{queue}"]
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def batch_in_progress() -> bool:
    """Another connection is inside an aggregation transaction on the test database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
            "AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0] > 0


def snapshot():
    def rows(model, *fields):
        return sorted(tuple(map(str, r)) for r in model.objects.values_list(*fields))

    return (
        rows(AnswerRollup, "version_id", "question_code", "item", "bucket", "day", "n", "total"),
        rows(AnswerDayRollup, "version_id", "question_code", "item", "bucket", "day", "n", "total"),
        rows(ResponseRollup, "version_id", "day", "age_band", "n"),
        rows(ScoreRollup, "version_id", "day", "n", "n_x", "sum_x"),
    )


def assert_equals_rebuild(survey) -> None:
    incremental = snapshot()
    rollups_rebuild(survey_id=survey.pk)
    assert snapshot() == incremental


def all_aggregated(survey, n: int) -> bool:
    return Response.objects.filter(survey=survey, aggregated_at__isnull=False).count() == n


@pytest.fixture
def queue(redis_url):
    if not _database_url():
        from tests.conftest import require_service

        require_service("PostgreSQL", False, "the fault suite needs PostgreSQL")
    name = f"faults-{os.getpid()}-{time.monotonic_ns()}"
    old_broker = str(
        __import__("trustpulse.celery", fromlist=["app"]).app.conf["CELERY_BROKER_URL"]
    )
    conf_set(task_always_eager=False, task_default_queue=name)
    yield name
    conf_set(task_always_eager=True, task_default_queue="celery")
    use_broker(old_broker)


def test_redis_outage_during_submissions_loses_nothing(queue):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port)
    use_broker(broker)
    worker = start_worker(broker, queue, beat=True)
    try:
        survey = live_survey(OrganizationFactory())
        saved = []
        for i in range(30):
            if i == 10:
                redis.terminate()
                redis.wait(timeout=10)
            if i == 20:
                redis = start_redis(port)
            saved.append(response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS))
        assert Response.objects.filter(survey=survey).count() == 30
        assert wait_for(lambda: all_aggregated(survey, 30), timeout=60), "sweep never caught up"
        assert sum(ResponseRollup.objects.values_list("n", flat=True)) == 30
        assert_equals_rebuild(survey)
    finally:
        stop(worker)
        redis.terminate()


def test_killed_prefork_child_is_redelivered(queue, redis_url):
    use_broker(redis_url)
    survey = live_survey(OrganizationFactory())
    conf_set(task_always_eager=True)  # store 400 responses without queueing anything
    for _ in range(400):
        response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    conf_set(task_always_eager=False)
    # The worker starts first: on connecting it queues a catch-up aggregation
    # (trustpulse/worker.py), which must find nothing waiting.
    worker = start_worker(redis_url, queue, pool="prefork")
    try:
        from dashboards.services.aggregation import DERIVED
        from dashboards.tasks import aggregate

        time.sleep(3)  # the worker is up, its catch-up done, and its child is waiting
        Response.objects.update(aggregated_at=None)
        for model in DERIVED:  # every rollup the aggregation fills, response scores included
            model.objects.all().delete()
        aggregate.apply_async(kwargs={"limit": 400})
        deadline = time.monotonic() + 30
        while not batch_in_progress():  # poll tightly: a batch of 400 takes about a second
            assert time.monotonic() < deadline, "the batch never started"
        children = subprocess.run(
            ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children
        killed_at = time.monotonic()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        assert not all_aggregated(survey, 400)  # the killed batch rolled back
        assert wait_for(lambda: all_aggregated(survey, 400), timeout=60), "never redelivered"
        print(f"recovered {time.monotonic() - killed_at:.1f} s after SIGKILL (redelivery)")
        assert sum(ResponseRollup.objects.values_list("n", flat=True)) == 400
        assert_equals_rebuild(survey)
    finally:
        stop(worker)


def test_two_workers_never_double_count(queue, redis_url):
    use_broker(redis_url)
    workers = [start_worker(redis_url, queue, name=f"w{i}") for i in (1, 2)]
    try:
        survey = live_survey(OrganizationFactory())
        for _ in range(60):
            response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
        from dashboards.tasks import aggregate

        for _ in range(6):  # extra deliveries race each other
            aggregate.apply_async(kwargs={"limit": 7})
        assert wait_for(lambda: all_aggregated(survey, 60), timeout=60)
        time.sleep(1)
        assert sum(ResponseRollup.objects.values_list("n", flat=True)) == 60
        assert_equals_rebuild(survey)
    finally:
        for w in workers:
            stop(w)
