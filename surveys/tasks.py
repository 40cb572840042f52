"""Celery tasks of the surveys app."""

from celery import shared_task

from .consent.services.rights import purge_expired
from .responses.services.idempotency import idempotency_records_purge as _purge
from .responses.services.inbox import inbox_drain as _drain
from .responses.services.inbox import inbox_purge


@shared_task(name="surveys.tasks.idempotency_records_purge")
def idempotency_records_purge() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_TTL_HOURS (run hourly by beat)."""
    return _purge() + inbox_purge()


@shared_task(name="surveys.tasks.consent_counters_flush", ignore_result=True)
def consent_counters_flush() -> int:
    """Add the consent screen's counts kept in Redis to their daily rows."""
    from .consent.services.counters import consent_counters_flush as flush

    return flush()


@shared_task(name="surveys.tasks.inbox_drain", ignore_result=True)
def inbox_drain() -> int:
    """Write out accepted API submissions (queued after each, and swept by beat)."""
    return _drain()


@shared_task(name="surveys.tasks.retention_purge")
def retention_purge() -> int:
    """Apply the consent purposes' retention periods (run daily by beat)."""
    return len(purge_expired())


@shared_task(
    name="surveys.tasks.invitations_send",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def invitations_send(batch_id: int) -> int:
    """Send a batch's waiting invitation emails (addresses are blanked as they go)."""
    from .distribution.services.invitations import invitations_send as send

    return send(batch_id=batch_id)


@shared_task(name="surveys.tasks.invitations_sweep")
def invitations_sweep() -> int:
    """Queue every batch that still has unsent emails (run by beat; catches up after outages)."""
    from .distribution.selectors import invitation_batches_waiting

    batches = invitation_batches_waiting()
    for batch_id in batches:
        invitations_send.delay(batch_id)
    return len(batches)


# The webhooks' tasks live in their capability package; importing it registers them.
from .integrations import tasks as _integrations_tasks  # noqa: E402, F401
from .touchpoints import tasks as _touchpoints_tasks  # noqa: E402, F401
