"""Receivers of the surveys domain signals (connected in DashboardsConfig.ready).

Each receiver only dispatches Celery tasks. The database is the source of
truth: if the broker is down the dispatch is logged and dropped, and the
periodic `aggregate_pending` sweep catches the work up later.
"""

from collections import defaultdict
from typing import Any

from django.dispatch import receiver

from surveys import signals
from trustpulse.dispatch import dispatch, dispatch_debounced

from . import tasks

AGGREGATE_GUARD_KEY = "dashboards:aggregate-dispatched"


@receiver(signals.response_submitted, dispatch_uid="dashboards.response_submitted")
def on_response_submitted(sender: object, **kwargs: object) -> None:
    """Each aggregation task drains every waiting response: queue one a second at most.

    The task is queued to run a second later, so it also takes what arrives
    meanwhile (a burst of write-outs queues one task, not one per response).
    """
    dispatch_debounced(tasks.aggregate, key=AGGREGATE_GUARD_KEY)


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
        dispatch(tasks.rollups_recompute, version_id, submitted, erased, reason == "withdrawn")


@receiver(signals.events_ingested, dispatch_uid="dashboards.events_ingested")
def on_events_ingested(sender: object, *, event_ids: list[int], **kwargs: object) -> None:
    dispatch(tasks.scores_refresh, event_ids)
