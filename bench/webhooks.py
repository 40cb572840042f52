"""Webhook delivery: events per second by one worker, and commit → delivery delay.

Against a PostgreSQL database of its own (recreated, ``--database``), a real
Celery worker (one process, solo pool) on ``--redis-url`` and the reference
receiver (``surveys.integrations.receiver``, verifying every signature with
the ``standardwebhooks`` library) on loopback, in this process:

1. throughput: writes ``--events`` outbox events (each through
   ``surveys.integrations.outbox.write``, in its own transaction, so each is
   queued after commit) while no worker runs, then starts the worker and
   times how fast it drains them: events delivered per second;
2. delay: with the worker running, commits events at ``--load`` × that rate
   for ``--seconds`` and measures, per event, the time from its commit to its
   arrival at the receiver (p50, p99, max).

Settings: ``bench/hooks_settings.py`` (the test settings, keeping database
connections between tasks as production does). The events are written
straight into the outbox (one per respondent ref, so ordering never holds one
back); what a response submission costs besides is measured by
bench/submit.py.

    python bench/webhooks.py [--events 2000] [--load 0.8] [--seconds 30]
                             [--redis-url redis://127.0.0.1:6379/7] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=2000, help="events for the throughput run")
    p.add_argument("--load", type=float, default=0.8, help="delay run: this × the throughput")
    p.add_argument("--seconds", type=float, default=30.0, help="length of the delay run")
    p.add_argument("--database", default="trustpulse_bench_hooks")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"))
    p.add_argument("--timeout", type=float, default=300.0)
    p.add_argument("--json", type=Path, help="write the figures here too")
    return p.parse_args(argv)


def environment(args: argparse.Namespace, queue: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="hooks_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        REDIS_URL=args.redis_url,
        CELERY_BROKER_URL=args.redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        WEBHOOK_ALLOW_LOOPBACK="true",
    )
    return env


def recreate_database(name: str) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", sql], check=True, capture_output=True)


def start_worker(env: dict[str, str], queue: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
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
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def emit(org: Any, n: int, tag: str) -> tuple[str, float]:
    """Commit one event; its id and the time the commit returned."""
    from django.db import transaction

    from surveys.integrations import outbox

    with transaction.atomic():
        event = outbox.write(
            organization=org,
            type_="consent.withdrawn",
            respondent_ref=f"{tag}{n}",
            data={
                "respondent_ref": f"{tag}{n}",
                "receipt_ids": [],
                "purposes": ["marketing"],
                "erased_everything": False,
                "withdrawn_at": "2026-12-03T00:00:00+00:00",
            },
        )
    assert event is not None
    return event.public_id, time.time()


def wait_for(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def start_receiver(org: Any) -> Any:
    """A local receiver, running, subscribed to consent.withdrawn by a new endpoint."""
    from standardwebhooks import Webhook

    from surveys.integrations import services as webhooks
    from surveys.integrations.receiver import serve

    receiver = serve(host="127.0.0.1", port=0, secrets=["whsec_" + "A" * 32])
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    endpoint, secret = webhooks.endpoint_create(
        organization=org,
        actor=None,
        url=f"http://127.0.0.1:{receiver.server_address[1]}/in",
        event_types=["consent.withdrawn"],
    )
    receiver.webhooks[:] = [Webhook(secret)]
    return receiver


def arrived(receiver: Any) -> dict[str, float]:
    """Event id -> arrival time of every verified delivery so far."""
    with receiver.lock:
        return {r.id: r.received_at for r in receiver.received if r.verified}


def emit_paced(org: Any, target: float, seconds: float) -> tuple[dict[str, float], float]:
    """Emit `target` events a second for `seconds`: id -> commit time, and the rate reached."""
    count = int(target * seconds)
    committed: dict[str, float] = {}
    began = time.time()
    for i in range(count):
        due = began + i / target
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        event_id, at = emit(org, i, "d")
        committed[event_id] = at
    return committed, count / (time.time() - began)


def report(figures: dict[str, Any], json_path: Path | None) -> None:
    for key, value in figures.items():
        print(f"{key:>26}: {value}")
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(figures, indent=2))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    queue = f"bench-hooks-{os.getpid()}"
    env = environment(args, queue)
    recreate_database(args.database)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from surveys.models import Organization

    org = Organization.objects.create(name="Bench hooks", slug="bench-hooks")
    receiver = start_receiver(org)

    # 1. Throughput: the queue fills while no worker runs, then one worker drains it.
    for i in range(args.events):
        emit(org, i, "t")
    worker = start_worker(env, queue)
    try:
        started = time.time()
        drained = wait_for(lambda: len(arrived(receiver)) >= args.events, args.timeout)
        times = sorted(arrived(receiver).values())
        # From the first arrival (the worker is up) to the last.
        span = times[-1] - times[0] if len(times) > 1 else float("nan")
        rate = (len(times) - 1) / span if span > 0 else float("nan")
        boot = times[0] - started if times else float("nan")

        # 2. Delay at load × that rate, with the worker running.
        target = max(1.0, rate * args.load)
        committed, reached = emit_paced(org, target, args.seconds)
        wait_for(lambda: set(committed) <= set(arrived(receiver)), args.timeout)
    finally:
        stop_worker(worker)
        receiver.shutdown()
    got = arrived(receiver)
    delays = sorted(got[e] - t for e, t in committed.items() if e in got)
    unverified = sum(1 for r in receiver.received if not r.verified)
    figures = {
        "throughput_events": args.events,
        "all_delivered": drained and len(delays) == len(committed),
        "worker_boot_s": round(boot, 2),
        "events_per_s_one_worker": round(rate, 1),
        "delay_run_target_per_s": round(target, 1),
        "delay_run_reached_per_s": round(reached, 1),
        "delay_run_events": len(committed),
        "delay_p50_ms": round(statistics.median(delays) * 1000, 1) if delays else None,
        "delay_p99_ms": round(percentile(delays, 99) * 1000, 1) if delays else None,
        "delay_max_ms": round(delays[-1] * 1000, 1) if delays else None,
        "unverified_requests": unverified,
    }
    report(figures, args.json)
    return 0 if figures["all_delivered"] and not unverified else 1


if __name__ == "__main__":
    raise SystemExit(main())
