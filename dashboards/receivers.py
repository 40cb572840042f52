"""Receivers of the surveys domain signals (connected in DashboardsConfig.ready).

Each receiver only dispatches Celery tasks. The database is the source of
truth: if the broker is down the dispatch is logged and dropped, and the
periodic `aggregate_pending` sweep catches the work up later.
"""

import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver

from surveys import signals

from . import tasks

log = logging.getLogger(__name__)


def dispatch(task: Any, *args: object) -> bool:
    """Queue `task`; never let a broker outage fail the request that saved the data."""
    try:
        task.delay(*args)
    except Exception as exc:  # noqa: BLE001 - any broker error: the sweep catches up
        log.warning("could not queue %s (%s); the pending sweep will pick it up", task.name, exc)
        return False
    return True


AGGREGATE_GUARD_KEY = "dashboards:aggregate-dispatched"


@receiver(signals.response_submitted, dispatch_uid="dashboards.response_submitted")
def on_response_submitted(sender: object, **kwargs: object) -> None:
    """Each aggregation task drains every waiting response: queue one a second at most.

    The task is queued to run a second later, so it also takes what arrives
    meanwhile (a burst of write-outs queues one task, not one per response).
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        dispatch(tasks.aggregate)
        return
    try:
        first = bool(cache.add(AGGREGATE_GUARD_KEY, 1, timeout=1))
    except Exception:  # noqa: BLE001 - no cache: queue every time, as before
        first = True
    if first:
        try:
            tasks.aggregate.apply_async(countdown=1)
        except Exception as exc:  # noqa: BLE001 - any broker error: the sweep catches up
            log.warning("could not queue aggregate (%s); the pending sweep will pick it up", exc)


@receiver(signals.respondent_erased, dispatch_uid="dashboards.respondent_erased")
def on_respondent_erased(
    sender: object,
    *,
    buckets: list[list[Any]],
    response_ids: list[str] | None = None,
    reason: str = "",
    **kwargs: object,
) -> None:
    """Answers were erased: recompute the buckets that counted them.

    A full withdrawal of consent also counts its responses as withdrawn.
    """
    by_version: dict[int, list[str]] = defaultdict(list)
    for version_id, submitted in buckets:
        by_version[version_id].append(submitted)
    erased = list(response_ids or [])
    for version_id, submitted in sorted(by_version.items()):
        dispatch(tasks.rollups_recompute_task, version_id, submitted, erased, reason == "withdrawn")


@receiver(signals.events_ingested, dispatch_uid="dashboards.events_ingested")
def on_events_ingested(sender: object, *, event_ids: list[int], **kwargs: object) -> None:
    dispatch(tasks.scores_refresh_task, event_ids)
