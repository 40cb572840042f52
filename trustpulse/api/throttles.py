"""Scoped throttling of API writes (rate `api_key_write`), one bucket per key or member.

The counters live in the default cache: Redis when REDIS_URL is set, so every
web process shares them. When the cache cannot be reached the throttle lets
the request through (and logs it): the database, not Redis, decides whether a
response is saved.
"""

import logging
from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class WriteThrottle(SimpleRateThrottle):
    """A fixed-window counter: one `incr` per request (DRF's stock throttle instead reads
    and writes back the list of every request time in the window, pickled, each time).

    A client may send up to twice the rate across a window boundary; the rate is a
    guard against runaway clients, not a quota.
    """

    scope = "api_key_write"
    window_end = 0.0
    now = 0.0

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        try:
            return self._count()
        except Exception:  # the cache is down: fail open
            logger.warning("Throttle cache unavailable; request allowed.", exc_info=True)
            return True

    def _count(self) -> bool:
        assert self.duration and self.num_requests
        self.now = self.timer()
        window = int(self.now // self.duration)
        key = f"{self.key}:{window}"
        try:
            n = self.cache.incr(key)
        except ValueError:  # the window's first request
            n = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        self.window_end = float((window + 1) * self.duration)
        return bool(n <= self.num_requests)

    def wait(self) -> float | None:
        return max(1.0, self.window_end - self.now)

    def get_rate(self) -> str | None:
        # Read at request time (not at import), so settings overrides apply.
        rate: str | None = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return rate

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        key = getattr(request.user, "api_key", None)
        if key is not None:
            ident = f"key-{key.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
