"""Freshness under submission load: submit → visible in the metrics, p50/p95/max.

Against a PostgreSQL database of its own (recreated: ``trustpulse_bench_fresh``)
and a real Celery worker on Redis:

1. prepares an organization, the demo consent notice and the live demo
   privacy-comfort survey, and loads ``--preload`` stored answers with
   ``COPY`` (as bench/aggregate.py does), aggregated, so the store is not empty;
2. starts a real Celery worker (``celery -A trustpulse worker``, prefork,
   ``--concurrency``) on ``--redis-url`` after purging its queue;
3. submits ``--rate`` complete responses per second for ``--seconds`` through
   the submission service (``surveys.services.response_submit``: the same
   transaction, the same after-commit ``response_submitted`` signal, the same
   receiver queueing ``dashboards.tasks.aggregate``), at a steady pace;
4. waits until every one is aggregated, and prints the distribution of
   ``aggregated_at − submitted_at`` over them. A response's rollups are
   committed in the transaction that stamps ``aggregated_at``, so that is
   when the response becomes visible in every metric.

    python bench/freshness.py [--rate 10] [--seconds 120] [--preload 100000]
                              [--redis-url redis://127.0.0.1:6379/7] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = "trustpulse_bench_fresh"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=10.0, help="submissions per second")
    p.add_argument("--seconds", type=float, default=120.0, help="length of the submission phase")
    p.add_argument("--preload", type=int, default=100_000, help="answers stored beforehand")
    p.add_argument("--concurrency", type=int, default=2, help="worker processes")
    p.add_argument("--submitters", type=int, default=4, help="submitting processes")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"))
    p.add_argument("--timeout", type=float, default=300.0, help="wait at most this for the drain")
    p.add_argument("--json", type=Path, help="write the figures here too")
    return p.parse_args(argv)


def environment(redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="trustpulse.settings.test",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    return env


def recreate_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", sql], check=True, capture_output=True)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def celery(*args: str) -> list[str]:
    return [str(ROOT / ".venv/bin/celery"), "-A", "trustpulse", *args]


def start_worker(concurrency: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    subprocess.run(celery("purge", "-f"), env=env, cwd=ROOT, check=True, capture_output=True)
    worker = subprocess.Popen(
        celery("worker", "-l", "warning", "--concurrency", str(concurrency), "--without-gossip"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    from trustpulse.celery import app

    for _ in range(60):
        if app.control.ping(timeout=1.0):
            return worker
        if worker.poll() is not None:
            raise SystemExit("the Celery worker exited on start")
    raise SystemExit("the Celery worker did not answer a ping within a minute")


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def preload(survey: Any, answers: int) -> int:
    """COPY responses until about `answers` answers are stored; aggregate them."""
    from aggregate import answer_sets, copy_responses, drain

    sets = answer_sets(survey, 200)
    per = sum(len(rows) for rows, _ in sets) / len(sets)
    stored = copy_responses(
        survey, sets, int(answers / per), dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    )
    drain()
    return stored


def _submitter(job: tuple[int, int, float, float, int]) -> list[str]:
    """One submitting process: submissions k, k + n, k + 2n, … each at its due time."""
    from django.db import connection
    from submit import payloads

    from surveys.models import Survey
    from surveys.selectors import definition_export

    k, n, began, rate, count = job
    survey = Survey.objects.select_related("live_version").get(slug="privacy-comfort")
    doc = definition_export(version=survey.live_version)
    bodies = [json.loads(b) for b in payloads(doc, count, 1)]
    ids = []
    try:
        for i in range(k, count, n):
            delay = began + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
            ids.append(str(_submit(survey, bodies[i])))
    finally:
        connection.close()
    return ids


def submit_steadily(rate: float, seconds: float, processes: int) -> tuple[list[str], float]:
    """Submit at `rate` per second for `seconds` from `processes` forked submitters.

    Submission i is due at i / rate seconds after the start, whichever process
    sends it; returns the response ids and the rate reached.
    """
    import multiprocessing

    from django.db import connections

    from trustpulse.celery import app

    connections.close_all()
    app.pool.force_close_all()
    count = int(rate * seconds)
    began = time.time() + 2.0  # let every process build its bodies first
    jobs = [(k, processes, began, rate, count) for k in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        ids = [i for part in pool.map(_submitter, jobs) for i in part]
    return ids, count / (time.time() - began)


def _submit(survey: Any, body: dict[str, Any]) -> Any:
    """Submit one generated body; answers to questions its logic hides are dropped first."""
    from surveys.responses.services.write import response_submit
    from trustpulse.validation import ServiceValidationError

    answers = body["answers"]
    for _ in range(3):
        try:
            return response_submit(
                survey=survey, answers=answers, consent=body["consent"], channel="api"
            ).pk
        except ServiceValidationError as exc:
            hidden = {
                int(e.field.split("[")[1].split("]")[0])
                for e in exc.errors
                if e.field.startswith("answers[") and "not shown" in e.message
            }
            if not hidden:
                raise
            answers = [a for i, a in enumerate(answers) if i not in hidden]
    raise SystemExit("could not build a valid response")


def wait_aggregated(ids: list[Any], timeout: float) -> bool:
    from surveys.models import Response

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Response.objects.filter(pk__in=ids, aggregated_at__isnull=True).exists():
            return True
        time.sleep(0.5)
    return False


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = environment(args.redis_url)
    recreate_database()
    setup_django(env)
    from aggregate import prepare

    from surveys.models import Response

    survey = prepare()
    stored = preload(survey, args.preload)
    worker = start_worker(args.concurrency, env)
    try:
        ids, reached = submit_steadily(args.rate, args.seconds, args.submitters)
        drained = wait_aggregated(ids, args.timeout)
    finally:
        stop_worker(worker)
    lags = sorted(
        (aggregated - submitted).total_seconds()
        for submitted, aggregated in Response.objects.filter(
            pk__in=ids, aggregated_at__isnull=False
        ).values_list("submitted_at", "aggregated_at")
    )
    figures = {
        "preloaded_answers": stored,
        "submissions": len(ids),
        "rate_target": args.rate,
        "rate_reached": round(reached, 1),
        "worker_concurrency": args.concurrency,
        "submitters": args.submitters,
        "aggregated": len(lags),
        "all_aggregated": drained,
        "p50_s": round(statistics.median(lags), 3) if lags else None,
        "p95_s": round(percentile(lags, 95), 3) if lags else None,
        "max_s": round(lags[-1], 3) if lags else None,
    }
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if drained else 1


if __name__ == "__main__":
    raise SystemExit(main())
