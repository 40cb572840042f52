"""Profile one submission path in-process: cProfile around N requests via Django's test client.

Uses the database of DATABASE_URL (migrated; bench/prepare.py's tenant is
created there if missing) and the settings of DJANGO_SETTINGS_MODULE, so run
it with the same environment as the server, e.g.::

    DJANGO_SETTINGS_MODULE=trustpulse.settings.production SECRET_KEY=x \\
    ALLOWED_HOSTS=testserver RESPONDENT_ID_HMAC_KEY=y SECURE_SSL_REDIRECT=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustpulse_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 BENCH_FLOOR_ENABLED=true \\
    THROTTLE_API_KEY_WRITE=1000000/min python bench/profile_submit.py --requests 300

Prints the functions with the most own time and the most cumulative time,
and the mean wall time per request for the API and the floor.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main() -> None:
    p = argparse.ArgumentParser(description="Profile the submission path in-process.")
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--top", type=int, default=35)
    p.add_argument("--floor", action="store_true", help="profile the floor endpoint instead")
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustpulse.settings.production")
    import django

    django.setup()
    from django.test import Client
    from prepare import prepare
    from submit import DEFINITION, FLOOR_PATH, RESPONSES_PATH, payloads

    info = prepare()
    definition = json.loads(DEFINITION.read_text(encoding="utf-8"))
    bodies = payloads(definition, args.requests, int(info["notice_version"]))
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {info['api_key']}"}
    api_path = RESPONSES_PATH.format(survey=info["survey_id"])

    def send(path: str, body: bytes) -> None:
        r = client.post(
            path,
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            **auth,
        )
        assert r.status_code == 201, (r.status_code, r.content[:300])

    for path in (api_path, FLOOR_PATH):  # warm caches and connections
        for body in bodies[:20]:
            send(path, body)
    for path in (api_path, FLOOR_PATH):
        t0 = time.perf_counter()
        for body in bodies:
            send(path, body)
        ms = (time.perf_counter() - t0) / len(bodies) * 1000
        print(f"{path}: {ms:.2f} ms per request (in-process, unprofiled)")
    target = FLOOR_PATH if args.floor else api_path
    profiler = cProfile.Profile()
    profiler.enable()
    for body in bodies:
        send(target, body)
    profiler.disable()
    print_top(profiler, args.top)


def print_top(profiler: cProfile.Profile, top: int) -> None:
    """The functions with the most own time, then with the most cumulative time."""
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
