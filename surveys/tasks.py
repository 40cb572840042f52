"""Celery tasks of the surveys app."""

from celery import shared_task

from .services.idempotency import idempotency_records_purge as _purge
from .services.inbox import inbox_drain as _drain
from .services.inbox import inbox_purge
from .services.rights import purge_expired


@shared_task(name="surveys.tasks.idempotency_records_purge")
def idempotency_records_purge() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_TTL_HOURS (run hourly by beat)."""
    return _purge() + inbox_purge()


@shared_task(name="surveys.tasks.inbox_drain", ignore_result=True)
def inbox_drain() -> int:
    """Write out accepted API submissions (queued after each, and swept by beat)."""
    return _drain()


@shared_task(name="surveys.tasks.retention_purge")
def retention_purge() -> int:
    """Apply the consent purposes' retention periods (run daily by beat)."""
    return len(purge_expired())
