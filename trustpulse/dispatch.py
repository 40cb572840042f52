"""Queueing Celery tasks from a request without ever failing it over the broker.

The database is the source of truth: when the broker (or the cache) is down,
a dispatch is logged and dropped, and the beat sweeps catch the work up.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

# Per process: when each debounce key was last taken here (monotonic seconds).
_taken: dict[str, float] = {}


def dispatch(task: Any, *args: object) -> bool:
    """Queue `task(*args)`; a broker error is logged, never raised."""
    try:
        task.delay(*args)
    except Exception as exc:  # noqa: BLE001 - any broker error: the sweep catches up
        log.warning("could not queue %s (%s); the pending sweep will pick it up", task.name, exc)
        return False
    return True


def dispatch_debounced(task: Any, *, key: str, seconds: int = 1) -> bool:
    """Queue `task()` at most once per `seconds` across every process; True if queued.

    For tasks that drain everything waiting: the task runs `seconds` later, so
    it also takes what arrives meanwhile (a burst queues one task, not one per
    request). The shared guard is a cache key; a process that took it less
    than `seconds` ago skips even that round trip. Without a cache the task is
    queued every time. In eager mode (no broker: tests, a first run) the task
    runs every time, at once.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return dispatch(task)
    now = time.monotonic()
    if now - _taken.get(key, -seconds) < seconds:
        return False
    try:
        first = bool(cache.add(key, 1, timeout=seconds))
    except Exception:  # noqa: BLE001 - no cache: queue every time
        first = True
    if not first:
        return False
    _taken[key] = now
    try:
        task.apply_async(countdown=seconds)
    except Exception as exc:  # noqa: BLE001 - any broker error: the sweep catches up
        log.warning("could not queue %s (%s); the pending sweep will pick it up", task.name, exc)
        return False
    return True
