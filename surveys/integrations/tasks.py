"""Celery tasks of the webhooks: send one delivery; sweep what is due (beat)."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)

# A retry sooner than this is queued with a countdown; later ones wait for the sweep.
COUNTDOWN_MAX_SECONDS = 60


@shared_task(name="surveys.integrations.tasks.webhook_deliver", ignore_result=True)
def webhook_deliver(delivery_id: int) -> str:
    """Try one delivery; queue the respondent's next event or an early retry."""
    outcome = services.delivery_attempt(delivery_id=delivery_id)
    try:
        if outcome.next_delivery_id is not None:
            webhook_deliver.delay(outcome.next_delivery_id)
        if outcome.retry_in is not None and outcome.retry_in <= COUNTDOWN_MAX_SECONDS:
            webhook_deliver.apply_async((delivery_id,), countdown=outcome.retry_in)
    except Exception as exc:  # noqa: BLE001 - any broker error: the sweep catches up
        log.warning("could not queue the next webhook delivery (%s); the sweep will", exc)
    return outcome.state


@shared_task(name="surveys.integrations.tasks.webhooks_sweep", ignore_result=True)
def webhooks_sweep() -> int:
    """Queue every due delivery (after a broker outage, a retry time, a lost worker)."""
    due = services.deliveries_due()
    for pk in due:
        webhook_deliver.delay(pk)
    return len(due)
