"""Celery tasks of the dashboards app (insight out).

Tasks take ids, return early if the object is gone, and are idempotent: a
retried or duplicated delivery never counts twice.
"""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from surveys.enums import ResponseStatus
from surveys.models import Response


@shared_task(name="dashboards.tasks.response_aggregate", acks_late=True)
def response_aggregate(response_id: str) -> bool:
    """Take a submitted response into aggregation, once.

    The rollups themselves come with the aggregation work; today this marks
    the response as aggregated. Returns False when it was already done or the
    response is gone.
    """
    updated = Response.objects.filter(
        pk=response_id, status=ResponseStatus.COMPLETE, aggregated_at__isnull=True
    ).update(aggregated_at=timezone.now())
    return bool(updated)


@shared_task(name="dashboards.tasks.aggregate_pending")
def aggregate_pending(older_than_seconds: int = 60, limit: int = 5000) -> int:
    """Catch up on submitted responses whose task never ran (broker or worker down)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Response.objects.filter(
            status=ResponseStatus.COMPLETE, aggregated_at__isnull=True, submitted_at__lt=cutoff
        ).values_list("pk", flat=True)[:limit]
    )
    return sum(response_aggregate(str(pk)) for pk in ids)
