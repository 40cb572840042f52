"""Health of each process, for load balancers, orchestrators and monitoring (docs/DEPLOYMENT.md).

* web: `GET /healthz` answers 200 when this process reaches PostgreSQL and
  Redis, 503 (with the failing check named) when it does not. Anonymous,
  tells nothing but the checks.
* worker: the `trustpulse.health.ping` task (`manage.py worker_health`):
  a worker takes it from the queue, checks its database, and leaves a note
  in Redis (REDIS_URL) that the command waits for — the path a real task takes.
* backlog: `GET /healthz/backlog` (staff, or `Authorization: Bearer
  <MONITORING_TOKEN>`) answers the backlog's size and oldest age as JSON
  (surveys/backlog.py).
"""

import hmac
import json
import socket
import time
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PING_KEY = "health:ping:{nonce}"


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def redis_client() -> Any:
    """A client of REDIS_URL with short timeouts (health checks must not hang)."""
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1, retry_on_timeout=False
    )


def _redis() -> None:
    client = redis_client()
    try:
        client.ping()
    finally:
        client.close()


def checks() -> dict[str, dict[str, Any]]:
    """Each dependency of this process and whether it answers (Redis only when configured)."""
    found = {"database": _timed(_database)}
    if settings.REDIS_URL:
        found["redis"] = _timed(_redis)
    return found


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    found = checks()
    ok = all(c["ok"] for c in found.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": found}, status=200 if ok else 503
    )


def _monitor(request: HttpRequest) -> bool:
    token = getattr(settings, "MONITORING_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given.removeprefix("Bearer ").encode(), token.encode())
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


@never_cache
@require_GET
def healthz_backlog(request: HttpRequest) -> JsonResponse:
    from surveys.backlog import backlog

    if not _monitor(request):
        return JsonResponse(
            {"errors": [{"field": "", "code": "not_authenticated", "message": "Staff only."}]},
            status=403,
        )
    return JsonResponse(backlog().as_json())


@shared_task(name="trustpulse.health.ping", ignore_result=True, acks_late=False)
def ping(nonce: str) -> None:
    """Answer a worker health check: database reachable, note left in Redis for the asker."""
    answer = {"hostname": socket.gethostname(), "database": _timed(_database)}
    client = redis_client()
    try:
        client.set(PING_KEY.format(nonce=nonce), json.dumps(answer), ex=120)
    finally:
        client.close()
