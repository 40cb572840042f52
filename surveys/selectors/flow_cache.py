"""Read-mostly lookups of the respondent flow, cached per process.

The survey a slug names (with its organization and live version), its look
(branding), its consent notice version, who may frame it and whether it has
follow-ups hardly ever change, yet every respondent request needs them. Each
process keeps them in memory, stamped with the *generation* token held in the
shared cache (Redis in production). A change (publish, close, any save of a
survey, version, organization, branding, channel link, consent notice, notice
version, follow-up or webhook endpoint) bumps the token (`generation_bump`,
connected to those models' saves and deletes in `SurveysConfig.ready`), and
every process reloads on its next request. Without a token in the cache (a
restart, an eviction) a new one is drawn, so a restart only costs reloads;
when the cache cannot be reached, lookups go to the database every time.
Nothing a respondent submits is held here. A local-memory cache is not shared
between processes, so there an entry also expires after
``FLOW_CACHE_LOCAL_SECONDS`` (2 s by default; the test settings, one process,
keep it longer).

Within one request the token is read from the shared cache once
(`request_begun` / `request_ended`, connected to Django's request signals):
a page's several lookups cost one cache round trip, and a change made by the
request itself (`generation_bump`) still takes effect at once.
"""

import copy
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

log = logging.getLogger(__name__)

GENERATION_KEY = "tp:flow-cache:generation"
MAX_ENTRIES = 2048
T = TypeVar("T")
# (kind, key) -> (token, loaded at, value)
_LOCAL: dict[tuple[str, Any], tuple[str, float, Any]] = {}
# The token as read once in the current request (per thread: a worker may run threads).
_REQUEST = threading.local()


def request_begun(**_kwargs: Any) -> None:
    _REQUEST.active, _REQUEST.token = True, None


def request_ended(**_kwargs: Any) -> None:
    _REQUEST.active, _REQUEST.token = False, None


def _max_age() -> float | None:
    """How long an entry may live whatever the token (None: as long as the token holds)."""
    if isinstance(caches["default"], LocMemCache):
        return float(getattr(settings, "FLOW_CACHE_LOCAL_SECONDS", 2.0))
    return None


def generation() -> str | None:
    """The current generation token (None when the shared cache cannot be reached)."""
    if getattr(_REQUEST, "active", False):
        if _REQUEST.token is None:
            _REQUEST.token = _read_generation()
        token: str | None = _REQUEST.token
        return token
    return _read_generation()


def _read_generation() -> str | None:
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            token = cache.get(GENERATION_KEY)
    except Exception:  # the cache is down: no caching, the database answers
        log.warning("flow cache: the shared cache cannot be reached", exc_info=True)
        return None
    return str(token) if token is not None else None


def cached(kind: str, key: Any, load: Callable[[], T]) -> T:
    """`load()`'s value for (kind, key), from this process's memory while the generation holds.

    A shallow copy is handed out, so a caller setting an attribute never
    changes what the next request sees.
    """
    token = generation()
    if token is None:
        return load()
    hit = _LOCAL.get((kind, key))
    now = time.monotonic()
    if hit is not None and hit[0] == token:
        max_age = _max_age()
        if max_age is None or now - hit[1] < max_age:
            found: T = hit[2]
            return copy.copy(found)
    value = load()
    if len(_LOCAL) >= MAX_ENTRIES:
        _LOCAL.clear()
    _LOCAL[(kind, key)] = (token, now, value)
    return copy.copy(value)


def _bump() -> None:
    _LOCAL.clear()
    _REQUEST.token = None
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        log.warning("flow cache: could not bump the generation", exc_info=True)


def generation_bump(**_kwargs: Any) -> None:
    """Every process reloads its cached lookups (now, and again once the transaction commits).

    The second bump keeps a process that read the old rows between the change
    and its commit from keeping them under the new token.
    """
    _bump()
    transaction.on_commit(_bump)
