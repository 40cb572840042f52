"""The respondent's web flow: TrustPulse against a peer and a floor, in one run.

Three systems, each behind ``gunicorn`` with the same number of sync workers
on 127.0.0.1 and its own PostgreSQL database:

- **TrustPulse**: the 20 questions of bench/survey_20q.json (three pages),
  the demo consent notice, production settings. A completion is: landing
  page, consent POST, for each page GET and POST, the thank-you page
  (9 requests).
- **peer**: django-survey-and-report 1.5.0, installed from PyPI into its own
  virtualenv (``/tmp/trustpulse-webflow-peer-venv``) by this script, in a
  minimal project of its own; the same 20 questions mapped onto its types
  (radio, select-multiple, integer, short/long text; a matrix as one radio
  question, ranking and date as short text), in three categories shown one
  per page. A completion: GET and POST per page, the confirmation page
  (7 requests).
- **floor**: a plain Django form of the 20 fields whose POST saves one row
  (bench/webflow_floor): GET, POST, thank-you page (3 requests).

N client threads (default 16) each complete responses in a loop, every
completion with a fresh cookie jar, for ``--seconds`` per system (after a
warm-up). Printed per system: completed responses/s, p50/p99 of a
completion's wall time, requests and SQL statements per completion (counted
in-process over one completion with Django's test client and an execute
wrapper, sessions included) and the ratios; the database counts are checked
against the clients' completions. Run::

    python bench/webflow.py [--workers 5] [--clients 16] [--seconds 30]

PostgreSQL and Redis must answer on 127.0.0.1. The databases
``webflow_trustpulse``, ``webflow_peer`` and ``webflow_floor`` are recreated
and dropped at the end; Redis database ``--redis-db`` (default 15) is emptied.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.submit import _recreate_database, machine  # noqa: E402
from bench.webflow_flows import Done, http_client  # noqa: E402
from bench.webflow_systems import (  # noqa: E402
    ADMIN_URL,
    System,
    prepare_floor,
    prepare_peer,
    prepare_trustpulse,
    run,
    start,
    stop,
)

# Measuring --------------------------------------------------------------------------


@dataclass(kw_only=True)
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    sample_error: str = ""
    sql: int = 0
    in_db: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies)
        return data[max(0, int(round(p / 100 * len(data))) - 1)] if data else float("nan")


def load(system: System, clients: int, seconds: float, result: Result | None) -> None:
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        local: list[float] = []
        errors: Counter[str] = Counter()
        sample = ""
        requests = 0
        while time.monotonic() < stop_at:
            request = http_client("127.0.0.1", system.port)
            t0 = time.perf_counter()
            try:
                requests += system.completion(request, system.key, rng)
            except Done as exc:
                errors["flow"] += 1
                sample = sample or str(exc)
                continue
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] += 1
                continue
            local.append(time.perf_counter() - t0)
        if result is not None:
            with lock:
                result.latencies.extend(local)
                result.errors.update(errors)
                result.requests += requests
                result.sample_error = result.sample_error or sample

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if result is not None:
        result.seconds = time.perf_counter() - t0


COUNT_SQL = """
import json, random, sys
sys.path.insert(0, {root!r})
import django
django.setup()
from django.db import connection
from bench.webflow_flows import {completion}, django_client
count = [0]
def wrapper(execute, sql, params, many, context):
    count[0] += 1
    return execute(sql, params, many, context)
request = django_client()
{completion}(request, {key!r}, random.Random(1))  # warm: per-process caches
request = django_client()
with connection.execute_wrapper(wrapper):
    {completion}(request, {key!r}, random.Random(2))
print(json.dumps(count[0]))
"""


def count_sql(system: System) -> int:
    """SQL statements of one completion, in-process (the process's caches warm)."""
    code = COUNT_SQL.format(root=str(ROOT), completion=system.completion.__name__, key=system.key)
    env = dict(system.env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return int(run([system.python, "-c", code], env, system.cwd).split()[-1])


def in_database(system: System) -> int:
    code = "import django; django.setup(); " + system.count_sql
    env = dict(system.env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return int(run([system.python, "-c", code], env, system.cwd).split()[-1])


def measure(system: System, args: argparse.Namespace) -> Result:
    result = Result(name=system.name)
    start(system, args.workers)
    try:
        print(f"==> {system.name}: warm-up {args.warmup:.0f} s, then {args.seconds:.0f} s")
        load(system, args.clients, args.warmup, None)
        before = in_database(system)
        load(system, args.clients, args.seconds, result)
        result.in_db = in_database(system) - before
    finally:
        stop(system)
    result.sql = count_sql(system)
    return result


def report(results: list[Result], args: argparse.Namespace) -> dict[str, Any]:
    by = {r.name: r for r in results}
    print()
    print(
        f"{args.clients} clients, gunicorn {args.workers} sync workers each, {args.seconds:.0f} s"
    )
    print(
        f"{'system':<12}{'completed/s':>12}{'p50 ms':>9}{'p99 ms':>9}{'req/compl':>10}"
        f"{'SQL/compl':>10}{'errors':>8}{'in DB':>8}{'done':>8}"
    )
    for r in results:
        n = len(r.latencies)
        print(
            f"{r.name:<12}{r.rate:>12.1f}{r.percentile(50) * 1000:>9.0f}"
            f"{r.percentile(99) * 1000:>9.0f}{(r.requests / n if n else 0):>10.1f}{r.sql:>10}"
            f"{sum(r.errors.values()):>8}{r.in_db:>8}{n:>8}"
        )
        if r.sample_error:
            print(f"  first error: {r.sample_error[:300]}")
    tp = by.get("TrustPulse")
    ratios: dict[str, float] = {}
    for other in ("peer", "floor"):
        if tp and other in by and by[other].rate:
            ratios[other] = tp.rate / by[other].rate
            print(f"TrustPulse/{other} = {ratios[other]:.3f}")
    counts_ok = all(r.in_db == len(r.latencies) for r in results)
    print(f"database counts equal the clients' completions: {counts_ok}")
    return {
        "machine": machine(),
        "load_average": os.getloadavg(),
        "results": {
            r.name: {
                "completed_per_s": r.rate,
                "p50_ms": r.percentile(50) * 1000,
                "p99_ms": r.percentile(99) * 1000,
                "completed": len(r.latencies),
                "requests_per_completion": r.requests / max(1, len(r.latencies)),
                "sql_per_completion": r.sql,
                "errors": dict(r.errors),
                "in_db": r.in_db,
            }
            for r in results
        },
        "ratios": ratios,
        "counts_ok": counts_ok,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=5)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--warmup", type=float, default=5.0)
    p.add_argument("--port", type=int, default=8781)
    p.add_argument("--redis-db", type=int, default=15)
    p.add_argument("--systems", default="TrustPulse,peer,floor")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    args.redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average before: {os.getloadavg()}")
    prepare = {"TrustPulse": prepare_trustpulse, "peer": prepare_peer, "floor": prepare_floor}
    systems = [prepare[name](args) for name in args.systems.split(",")]
    results = []
    try:
        for system in systems:
            results.append(measure(system, args))
    finally:
        for system in systems:
            stop(system)
            try:
                _recreate_database(ADMIN_URL, system.database, drop_only=True)
            except Exception as exc:  # noqa: BLE001 - cleanup is best effort
                print(f"could not drop {system.database}: {exc}")
        try:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()
        except Exception as exc:  # noqa: BLE001
            print(f"could not empty {args.redis_url}: {exc}")
    figures = report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0 if figures["counts_ok"] and not any(r.errors for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
