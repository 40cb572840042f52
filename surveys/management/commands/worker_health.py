"""Is a worker taking tasks? Queue the health ping and wait for its answer.

Exit status 0 and one JSON line (the answering worker's host name and its
database check) when a worker answered within `--timeout` seconds; 1 and
`{"status": "unavailable", ...}` otherwise (broker down, no worker consuming
the queue, or the worker cannot reach Redis). `--queue` checks the workers
of one queue. See docs/DEPLOYMENT.md.
"""

import json
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trustpulse.health import PING_KEY, ping, redis_client


class Command(BaseCommand):
    help = "Check that a Celery worker takes tasks (a ping task round trip through Redis)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--timeout", type=float, default=10.0)
        parser.add_argument("--queue", default=None, help="the queue to ping (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.REDIS_URL:
            self._fail("REDIS_URL is not set: there is no broker to ping workers through")
        nonce = uuid.uuid4().hex
        key = PING_KEY.format(nonce=nonce)
        started = time.monotonic()
        try:
            ping.apply_async(args=[nonce], queue=options["queue"], expires=options["timeout"])
        except Exception as exc:  # noqa: BLE001 - the broker is the thing being checked
            self._fail(f"could not queue the ping ({type(exc).__name__})")
        deadline = started + options["timeout"]
        client = redis_client()
        while time.monotonic() < deadline:
            try:
                raw = client.get(key)
            except Exception as exc:  # noqa: BLE001
                self._fail(f"could not read the answer ({type(exc).__name__})")
            if raw is not None:
                client.delete(key)
                answer = json.loads(raw)
                ok = bool(answer.get("database", {}).get("ok"))
                seconds = round(time.monotonic() - started, 3)
                self.stdout.write(
                    json.dumps(
                        {"status": "ok" if ok else "unavailable", "seconds": seconds, **answer}
                    )
                )
                if not ok:
                    raise CommandError("the worker cannot reach its database")
                return
            time.sleep(0.1)
        self._fail(f"no worker answered within {options['timeout']:g} s")

    def _fail(self, why: str) -> None:
        self.stdout.write(json.dumps({"status": "unavailable", "error": why}))
        raise CommandError(why)
