"""Submission throughput: the real API endpoint against the benchmark floor, in one run.

N concurrent clients (threads, http.client) POST completed 20-question
responses (bench/survey_20q.json) to

- ``/api/v1/surveys/{id}/responses/`` (the real path: API key, throttle,
  idempotency, validation, respondent + response + answer rows, task dispatch),
  each request with its own ``Idempotency-Key``;
- ``/api/v1/bench/floor/`` (the same JSON bodies stored as one row, unvalidated:
  what the same stack costs at the least),

and prints responses/s, p50 and p99 latency for both and the ratio of the API
throughput to the floor's. Rounds alternate API and floor, after a warm-up.

Against a running server::

    python bench/submit.py --url http://127.0.0.1:8000 --api-key tp_… --survey 12

or let it start one (PostgreSQL and Redis on 127.0.0.1 must be up)::

    python bench/submit.py --start-server [--workers 5] [--clients 16] [--requests 2000]

``--start-server`` recreates the PostgreSQL database ``trustpulse_bench``,
migrates it, prepares a bench organization with the demo consent notice, the
live survey and an API key (bench/prepare.py), starts ``gunicorn
trustpulse.wsgi`` with the production settings on 127.0.0.1 (Redis database
14), and stops it, drops the database and empties that Redis database at the
end. Only loopback addresses are
accepted as targets; every loop is bounded by a request count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.submit_load import Phase, answer_value, payloads, post_once, run_phase  # noqa: E402
from bench.submit_server import (  # noqa: E402
    Server,
    _port_free,
    _recreate_database,
    _run,
    machine,
    start_server,
    stop_server,
)

__all__ = ["_port_free", "_recreate_database", "answer_value", "machine", "main", "payloads"]

DEFINITION = HERE / "survey_20q.json"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
FLOOR_PATH = "/api/v1/bench/floor/"
RESPONSES_PATH = "/api/v1/surveys/{survey}/responses/"


# Report ------------------------------------------------------------------


def report(api: Phase, floor: Phase, args: argparse.Namespace, workers: str) -> dict[str, Any]:
    rows = []
    print()
    print(f"{'endpoint':<8} {'ok':>6} {'errors':>6} {'resp/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for phase in (api, floor):
        errors = sum(phase.errors.values())
        p50, p99 = phase.percentile(50) * 1000, phase.percentile(99) * 1000
        print(
            f"{phase.name:<8} {phase.ok:>6} {errors:>6} {phase.throughput:>8.1f} "
            f"{p50:>8.1f} {p99:>8.1f}"
        )
        rows.append(
            {
                "endpoint": phase.name,
                "ok": phase.ok,
                "errors": dict(phase.errors),
                "responses_per_s": round(phase.throughput, 1),
                "p50_ms": round(p50, 1),
                "p99_ms": round(p99, 1),
            }
        )
        if phase.errors:
            print(f"  errors: {dict(phase.errors)}  first: {phase.sample_error}")
    ratio = api.throughput / floor.throughput if floor.throughput else float("nan")
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    print(f"\nratio API/floor throughput: {ratio:.2f} ({verdict} the 0.5 target)")
    info = machine()
    print(
        f"clients={args.clients} requests/side={args.requests} rounds={args.rounds} "
        f"warmup/side={args.warmup} gunicorn workers={workers} | "
        f"{info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, Python {info['python']}"
    )
    return {
        "results": rows,
        "ratio": round(ratio, 3),
        "clients": args.clients,
        "requests_per_side": args.requests,
        "rounds": args.rounds,
        "warmup_per_side": args.warmup,
        "gunicorn_workers": workers,
        "machine": info,
        "command": " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# Main --------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    default_workers = (os.cpu_count() or 1) * 2 + 1
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000", help="server (loopback only)")
    p.add_argument("--api-key", default=os.environ.get("BENCH_API_KEY", ""))
    p.add_argument("--survey", default="", help="survey id in the responses URL")
    p.add_argument(
        "--notice-version", type=int, default=1, help="consent notice version (0: send none)"
    )
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--requests", type=int, default=2000, help="measured requests per endpoint")
    p.add_argument("--warmup", type=int, default=200, help="unmeasured requests per endpoint")
    p.add_argument("--rounds", type=int, default=2, help="API/floor alternations")
    p.add_argument("--payloads", type=int, default=500, help="distinct JSON bodies")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--start-server", action="store_true", help="run a gunicorn of our own")
    p.add_argument("--workers", type=int, default=default_workers, help="with --start-server")
    p.add_argument("--port", type=int, default=8765, help="with --start-server")
    p.add_argument("--database", default="trustpulse_bench", help="with --start-server")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="with --start-server")
    p.add_argument(
        "--settings", default="trustpulse.settings.production", help="with --start-server"
    )
    p.add_argument("--keep", action="store_true", help="keep the server's database afterwards")
    args = p.parse_args(argv)
    if min(args.clients, args.requests, args.rounds, args.payloads) < 1 or args.warmup < 0:
        p.error("--clients, --requests, --rounds and --payloads must be positive")
    if args.requests > 200_000 or args.clients > 256:
        p.error("keep it bounded: at most 200000 requests and 256 clients")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    server: Server | None = None
    workers = "?"
    if args.start_server:
        server, info = start_server(args)
        host, port = "127.0.0.1", args.port
        api_key, survey = info["api_key"], str(info["survey_id"])
        notice_version = int(info["notice_version"])
        workers = str(args.workers)
    else:
        parts = urlsplit(args.url)
        host, port = parts.hostname or "", parts.port or 80
        if host not in LOOPBACK:
            raise SystemExit("Only a server on this machine (127.0.0.1) may be benchmarked.")
        api_key, survey = args.api_key, args.survey
        notice_version = args.notice_version or None
        if not api_key or not survey:
            raise SystemExit("--api-key and --survey are needed without --start-server")
        workers = os.environ.get("WEB_CONCURRENCY", "?")
    try:
        definition = json.loads(DEFINITION.read_text(encoding="utf-8"))
        bodies = payloads(definition, args.payloads, notice_version)
        api_path = RESPONSES_PATH.format(survey=survey)
        for name, path in (("API", api_path), ("floor", FLOOR_PATH)):
            status, text = post_once(host, port, path, bodies[0], api_key)
            if status != 201:
                raise SystemExit(f"{name} POST {path} answered {status}: {text}")
        api, floor = Phase(name="api"), Phase(name="floor")
        common = {"host": host, "port": port, "bodies": bodies, "api_key": api_key}
        common["clients"] = args.clients
        if args.warmup:
            print(f"==> warm-up: {args.warmup} requests per endpoint")
            run_phase(
                api, path=api_path, requests=args.warmup, idempotency=True, record=False, **common
            )
            run_phase(
                floor,
                path=FLOOR_PATH,
                requests=args.warmup,
                idempotency=False,
                record=False,
                **common,
            )
        per_round = [args.requests // args.rounds] * args.rounds
        per_round[-1] += args.requests - sum(per_round)
        for r, n in enumerate(per_round, 1):
            print(f"==> round {r}/{args.rounds}: {n} API requests, then {n} floor requests")
            run_phase(api, path=api_path, requests=n, idempotency=True, **common)
            run_phase(floor, path=FLOOR_PATH, requests=n, idempotency=False, **common)
        result = report(api, floor, args, workers)
        if server is not None:
            # The requests stored one row each; the write-out is a worker's. Time it too,
            # so the work moved off the request is measured, not hidden.
            print("==> writing out the accepted submissions (manage.py inbox_drain, one process)")
            drained = _run([sys.executable, "manage.py", "inbox_drain"], server.env).strip()
            print(f"    {drained}")
            result["write_out"] = drained
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        return 1 if (api.errors or floor.errors) else 0
    finally:
        if server is not None:
            print("==> stopping gunicorn")
            stop_server(server, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
