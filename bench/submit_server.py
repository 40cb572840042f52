"""The server bench/submit.py starts with --start-server: database, gunicorn, clean-up."""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


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
