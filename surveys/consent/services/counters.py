"""The consent screen's anonymous counters (shown, declined, consented), off the hot row.

Every visitor of a survey's landing page counts one "shown" for the day's
notice version. Written straight to the `ConsentCounter` row, every
concurrent landing would wait on that one row (and a GET would write). With
``CONSENT_COUNTERS_IN_REDIS`` (on whenever ``REDIS_URL`` is set) a count is a
Redis ``INCR`` of its own key; the beat task `consent_counters_flush` adds
what accumulated to the rows (at most ``CONSENT_COUNTER_FLUSH_SECONDS`` late).
Without Redis, or when it cannot be reached, the row is updated directly as
before. These are anonymous tallies: a Redis restart before a flush loses
at most the last interval's counts, never anything a respondent submitted.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ...models import ConsentCounter

log = logging.getLogger(__name__)

COUNTER_FIELDS = ("shown", "declined", "consented")
PENDING = "tp:consent-counters:pending"  # a Redis set of the keys with counts to flush
_client: Any = None


def _redis() -> Any:
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
    return _client


def _key(version_id: int, day: dt.date, field: str) -> str:
    return f"tp:consent-counter:{version_id}:{day.isoformat()}:{field}"


def counter_bump_row(*, version_id: int, day: dt.date, field: str, by: int = 1) -> None:
    """Add `by` to the day's `field` of a notice version's row (created when missing)."""
    updated = ConsentCounter.objects.filter(notice_version_id=version_id, day=day).update(
        **{field: F(field) + by}
    )
    if not updated:
        counter, created = ConsentCounter.objects.get_or_create(
            notice_version_id=version_id, day=day, defaults={field: by}
        )
        if not created:
            ConsentCounter.objects.filter(pk=counter.pk).update(**{field: F(field) + by})


def counter_bump(*, version_id: int, field: str) -> None:
    """Count one anonymous event for today: in Redis when it is on, else on the row."""
    assert field in COUNTER_FIELDS
    day = timezone.localdate()
    if settings.CONSENT_COUNTERS_IN_REDIS:
        # Counted once the transaction commits (a consent rolled back counts nothing).
        transaction.on_commit(lambda: _count_in_redis(version_id, day, field))
        return
    counter_bump_row(version_id=version_id, day=day, field=field)


def _count_in_redis(version_id: int, day: dt.date, field: str) -> None:
    key = _key(version_id, day, field)
    try:
        pipe = _redis().pipeline(transaction=False)
        pipe.incr(key)
        pipe.sadd(PENDING, key)
        pipe.execute()
    except Exception:
        log.warning("consent counters: Redis unreachable, counting on the row", exc_info=True)
        counter_bump_row(version_id=version_id, day=day, field=field)


def consent_counters_flush() -> int:
    """Add the counts accumulated in Redis to their rows; returns how many were added."""
    if not settings.CONSENT_COUNTERS_IN_REDIS:
        return 0
    client = _redis()
    today = timezone.localdate()
    added = 0
    for raw in client.smembers(PENDING):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        try:
            _, _, version, day_text, field = key.split(":")
            day = dt.date.fromisoformat(day_text)
            version_id = int(version)
            assert field in COUNTER_FIELDS
        except (ValueError, AssertionError):
            client.srem(PENDING, key)
            continue
        count = int(client.getset(key, 0) or 0)
        if count:
            try:
                with transaction.atomic():
                    counter_bump_row(version_id=version_id, day=day, field=field, by=count)
            except Exception:
                client.incrby(key, count)  # kept for the next flush
                raise
            added += count
        if day < today and not int(client.get(key) or 0):
            client.delete(key)
            client.srem(PENDING, key)
    return added
