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
import http.client
import itertools
import json
import math
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFINITION = HERE / "survey_20q.json"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
FLOOR_PATH = "/api/v1/bench/floor/"
RESPONSES_PATH = "/api/v1/surveys/{survey}/responses/"

WORDS = (
    "privacy data trust notice consent share control delete account email cookies "
    "tracking brand clear simple honest helpful slow quick app website form"
).split()


# Payloads ----------------------------------------------------------------


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize() + "."


def answer_value(q: dict[str, Any], rng: random.Random) -> Any:
    """A valid raw answer (API shape) for one question of a definition."""
    t = q["type"]
    choices = q.get("choices", [])
    settings = q.get("settings", {})
    if t == "attention_check":
        return next(c["code"] for c in choices if c.get("is_correct"))
    if t == "single_choice":
        return rng.choice(choices)["code"]
    if t == "multiple_choice":
        plain = [c["code"] for c in choices if not c.get("exclusive")]
        exclusive = [c["code"] for c in choices if c.get("exclusive")]
        if exclusive and rng.random() < 0.1:
            return [exclusive[0]]
        most = min(len(plain), settings.get("max_selections", len(plain)))
        return rng.sample(plain, rng.randint(max(1, settings.get("min_selections", 1)), most))
    if t == "scale":
        return rng.choice(choices)["value"]
    if t == "matrix":
        return {row["code"]: rng.choice(choices)["value"] for row in settings["rows"]}
    if t == "nps":
        return rng.randint(0, 10)
    if t == "rating":
        return rng.randint(1, 5)
    if t == "number":
        lo, hi, step = settings["min"], settings["max"], settings.get("step", 1)
        return lo + step * rng.randint(0, int((hi - lo) // step))
    if t == "short_text":
        return _sentence(rng, 3, 10)
    if t == "long_text":
        return " ".join(_sentence(rng, 6, 14) for _ in range(rng.randint(2, 4)))
    if t == "yes_no":
        return rng.random() < 0.5
    if t == "ranking":
        codes = [c["code"] for c in choices]
        rng.shuffle(codes)
        return codes
    if t == "date":
        lo = dt.date.fromisoformat(settings.get("min", "2000-01-01"))
        hi = dt.date.fromisoformat(settings.get("max", "2030-12-31"))
        return (lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))).isoformat()
    if t == "acknowledgement":
        return True
    raise ValueError(f"no generator for question type {t}")


def payloads(
    definition: dict[str, Any], count: int, notice_version: int | None, seed: int = 20261129
) -> list[bytes]:
    """`count` JSON bodies, each a completed response answering every question.

    With a notice version, each carries the consent a brand's app collected:
    the notice's required purpose only (``survey_research`` in the demo notice).
    """
    rng = random.Random(seed)
    questions = [q for s in definition["sections"] for q in s["questions"]]
    bodies = []
    for _ in range(count):
        answers = [{"question": q["code"], "value": answer_value(q, rng)} for q in questions]
        body: dict[str, Any] = {
            "answers": answers,
            "locale": definition["default_locale"],
            "channel": "api",
        }
        if notice_version is not None:
            body["consent"] = {"notice_version": notice_version, "purposes": ["survey_research"]}
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    return bodies


# Load generation ---------------------------------------------------------


@dataclass(kw_only=True)
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    sample_error: str = ""

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        return data[max(0, math.ceil(p / 100 * len(data)) - 1)]


def run_phase(
    phase: Phase,
    *,
    host: str,
    port: int,
    path: str,
    bodies: list[bytes],
    api_key: str,
    clients: int,
    requests: int,
    idempotency: bool,
    record: bool = True,
) -> None:
    """Send `requests` POSTs from `clients` threads; add what was measured to `phase`."""
    counter = itertools.count()
    lock = threading.Lock()
    base_headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        local: list[float] = []
        errors: Counter[str] = Counter()
        sample = ""
        while True:
            i = next(counter)
            if i >= requests:
                break
            headers = dict(base_headers)
            if idempotency:
                headers["Idempotency-Key"] = str(uuid.uuid4())
            body = bodies[i % len(bodies)]
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                continue
            elapsed = time.perf_counter() - t0
            if response.status == 201:
                local.append(elapsed)
            else:
                errors[f"HTTP {response.status}"] += 1
                sample = sample or data[:500].decode("utf-8", "replace")
        conn.close()
        if record:
            with lock:
                phase.latencies.extend(local)
                phase.errors.update(errors)
                phase.sample_error = phase.sample_error or sample

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if record:
        phase.seconds += time.perf_counter() - t0


def post_once(host: str, port: int, path: str, body: bytes, api_key: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
        response = conn.getresponse()
        return response.status, response.read()[:500].decode("utf-8", "replace")
    finally:
        conn.close()


# Server management (--start-server) -----------------------------------------


@dataclass(kw_only=True)
class Server:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    database: str
    admin_url: str
    redis_url: str
    log: Path


def _run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return result.stdout


def _recreate_database(admin_url: str, name: str, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_server(args: argparse.Namespace) -> tuple[Server, dict[str, Any]]:
    python = sys.executable
    gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
    if not _port_free(args.port):
        raise SystemExit(f"127.0.0.1:{args.port} is in use; pick another --port")
    database = args.database
    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": args.settings,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RESPONDENT_ID_HMAC_KEY": secrets.token_urlsafe(32),
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": args.redis_url,
            "BENCH_FLOOR_ENABLED": "true",
            # The per-key write throttle stays on the path, at a rate the bench never reaches.
            "THROTTLE_API_KEY_WRITE": "1000000/min",
            # No worker recycling in the middle of a measurement.
            "GUNICORN_MAX_REQUESTS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.pop("CELERY_BROKER_URL", None)
    print(f"==> recreating database {database}")
    _recreate_database(admin_url, database)
    print("==> migrate")
    _run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
    print("==> bench organization, live 20-question survey, API key")
    info = json.loads(_run([python, str(HERE / "prepare.py")], env).strip().splitlines()[-1])
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "gunicorn.log"
    cmd = [
        gunicorn,
        "trustpulse.wsgi",
        "-w",
        str(args.workers),
        "-b",
        f"127.0.0.1:{args.port}",
    ]
    print(f"==> {' '.join(cmd)}   (log: {log.relative_to(ROOT)})")
    with log.open("wb") as fh:
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(
        process=process,
        env=env,
        database=database,
        admin_url=admin_url,
        redis_url=args.redis_url,
        log=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stop_server(server)
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log}")
        if not _port_free(args.port):
            break
        time.sleep(0.2)
    else:
        stop_server(server)
        raise SystemExit("gunicorn did not listen within 60 s")
    return server, info


def stop_server(server: Server, keep: bool = False) -> None:
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn master: graceful stop of its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session, started above
            process.wait(timeout=10)
    if keep:
        return
    try:
        _recreate_database(server.admin_url, server.database, drop_only=True)
    except Exception as exc:  # noqa: BLE001 - cleanup is best effort
        print(f"could not drop {server.database}: {exc}")
    try:
        import redis

        redis.Redis.from_url(server.redis_url).flushdb()  # tasks queued without a worker
    except Exception as exc:  # noqa: BLE001
        print(f"could not empty {server.redis_url}: {exc}")


# Report ------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory": mem,
        "python": platform.python_version(),
    }


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
