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
    scope = "api_key_write"

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return bool(super().allow_request(request, view))
        except Exception:  # the cache is down: fail open
            logger.warning("Throttle cache unavailable; request allowed.", exc_info=True)
            return True

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
