"""Receivers of the surveys domain signals (connected in DashboardsConfig.ready).

Each receiver only dispatches a Celery task. The database is the source of
truth: if the broker is down the dispatch is logged and dropped, and the
periodic `aggregate_pending` sweep catches the work up later.
"""

import logging

from django.dispatch import receiver

from surveys import signals

from . import tasks

log = logging.getLogger(__name__)


def dispatch(task, *args: object) -> bool:  # type: ignore[no-untyped-def]
    """Queue `task`; never let a broker outage fail the request that saved the data."""
    try:
        task.delay(*args)
    except Exception as exc:  # noqa: BLE001 - any broker error: the sweep catches up
        log.warning("could not queue %s (%s); the pending sweep will pick it up", task.name, exc)
        return False
    return True


@receiver(signals.response_submitted, dispatch_uid="dashboards.response_submitted")
def on_response_submitted(sender: object, *, response_id: str, **kwargs: object) -> None:
    dispatch(tasks.response_aggregate, response_id)
