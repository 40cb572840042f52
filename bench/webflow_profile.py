"""Server CPU per completion of the respondent's web flow, measured in-process.

bench/webflow.py measures throughput over HTTP, which is noisy on a shared
machine. This script calls the WSGI application directly (as a gunicorn sync
worker does: one environ per request, CSRF checks on, production settings)
and counts ``time.process_time`` per completion and per kind of request
(the cheapest of ``--rounds`` rounds: the machine may be shared), then
profiles ``--profile`` more completions with cProfile timed by CPU, not by
waits on the database (top functions by own and by cumulative time;
``--only "page GET"`` profiles one kind of request, ``--dump`` writes the
pstats file). Run with the environment of bench/webflow.py's TrustPulse
server, e.g.::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webflow_profile \\
    REDIS_URL=redis://127.0.0.1:6379/15 \\
    python bench/webflow_profile.py --completions 200 [--recreate] [--top 40]

``--recreate`` drops and creates the PostgreSQL database of DATABASE_URL
and migrates it. The secrets bench/webflow.py generates are generated here
too; the settings are ``trustpulse.settings.production`` with
``SECURE_SSL_REDIRECT=false`` and ``LOG_LEVEL=WARNING``; static files are
collected into ``/tmp/trustpulse-webflow-profile-static`` (``STATIC_ROOT``)
first.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import os
import random
import secrets
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.profile_submit import print_top  # noqa: E402
from bench.webflow_flows import Request, keep_cookies, trustpulse_completion  # noqa: E402

HOST = "127.0.0.1"


def environment() -> None:
    defaults = {
        "DJANGO_SETTINGS_MODULE": "trustpulse.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RESPONDENT_ID_HMAC_KEY": secrets.token_urlsafe(32),
        "CONTACT_EMAIL_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": "/tmp/trustpulse-webflow-profile-static",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)


def kind_of(method: str, path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if len(parts) == 2:
        return f"landing {method}"
    if parts[2] == "p":
        return f"page {method}"
    return f"{parts[2]} {method}"


def wsgi_client(
    app: Any, costs: dict[str, list[float]], profiler: Any = None, only: str = ""
) -> Request:
    """One respondent: a cookie jar, each request a WSGI call like gunicorn's sync worker."""
    jar: dict[str, str] = {}

    def request(method: str, path: str, data: list[tuple[str, str]] | None) -> tuple[int, str, str]:
        body = urlencode(data).encode() if data is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST,
            "HTTP_HOST": f"{HOST}:8000",
            "HTTP_USER_AGENT": "webflow-bench",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if jar:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if data is not None:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["HTTP_ORIGIN"] = f"http://{HOST}:8000"
            environ["HTTP_REFERER"] = f"http://{HOST}:8000{path}"
        status_headers: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            status_headers[:] = [status, headers]
            return lambda _data: None

        kind = kind_of(method, path)
        profiling = profiler is not None and (not only or only == kind)
        t0 = time.process_time()
        if profiling:
            profiler.enable()
        result = app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            if profiling:
                profiler.disable()
        costs[kind].append(time.process_time() - t0)
        status, headers = status_headers
        keep_cookies(jar, [v for k, v in headers if k.lower() == "set-cookie"])
        location = next((urlsplit(v).path for k, v in headers if k.lower() == "location"), "")
        return int(status.split()[0]), location, content.decode("utf-8", "replace")

    return request


def completions(
    app: Any, slug: str, n: int, rng: random.Random, profiler: Any = None, only: str = ""
) -> dict[str, list[float]]:
    costs: dict[str, list[float]] = defaultdict(list)
    for _ in range(n):
        trustpulse_completion(wsgi_client(app, costs, profiler, only), slug, rng)
    return costs


def report(costs: dict[str, list[float]], n: int, seconds: float) -> None:
    total = sum(sum(v) for v in costs.values())
    print(
        f"{n} completions: {total / n * 1000:.2f} ms CPU per completion "
        f"(process_time; wall {seconds / n * 1000:.2f} ms)"
    )
    for kind, values in sorted(costs.items()):
        print(
            f"  {kind:<14} {len(values) / n:4.1f}/completion  "
            f"{sum(values) / len(values) * 1000:7.2f} ms each"
        )


def recreate() -> None:
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    p = argparse.ArgumentParser(description="CPU per completion of the web flow, in-process.")
    p.add_argument("--completions", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3, help="rounds; the cheapest is reported")
    p.add_argument("--profile", type=int, default=100, help="completions under cProfile")
    p.add_argument("--only", default="", help='profile one kind of request, e.g. "page GET"')
    p.add_argument("--dump", default="", help="also write the profile (pstats) to this file")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--recreate", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    environment()
    import django

    django.setup()
    if args.recreate:
        recreate()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from django.core.wsgi import get_wsgi_application

    from bench.prepare import prepare

    slug = str(prepare()["survey_slug"])
    app = get_wsgi_application()
    rng = random.Random(args.seed)
    completions(app, slug, 20, rng)  # warm caches, connections, templates
    best: tuple[float, dict[str, list[float]], float] | None = None
    for _ in range(args.rounds):  # the least disturbed round (a shared machine)
        t0 = time.perf_counter()
        costs = completions(app, slug, args.completions, rng)
        seconds = time.perf_counter() - t0
        total = sum(sum(v) for v in costs.values())
        if best is None or total < best[0]:
            best = (total, costs, seconds)
    assert best is not None
    report(best[1], args.completions, best[2])
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
        completions(app, slug, args.profile, rng, profiler, args.only)
        if args.dump:
            profiler.dump_stats(args.dump)
        print_top(profiler, args.top)


if __name__ == "__main__":
    main()
