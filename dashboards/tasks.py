"""Celery tasks of the dashboards app (insight out).

Each task takes ids, calls one service and is idempotent: a retried or
duplicated delivery never counts anything twice (see
dashboards.services.aggregation). A task's name is its module and function.
"""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="dashboards.tasks.aggregate", acks_late=True)
def aggregate(limit: int = 500) -> int:
    """Drain one batch of unaggregated responses; queue another if more are waiting."""
    done = services.aggregate_batch(limit=limit)
    if done == limit:
        aggregate.delay(limit)
    return done


@shared_task(name="dashboards.tasks.aggregate_pending")
def aggregate_pending() -> int:
    """The catch-up sweep (beat, every minute): aggregate whatever is still waiting.

    Covers submissions whose task was never queued (broker down) or lost.
    """
    return services.aggregate_until_done()


@shared_task(name="dashboards.tasks.rollups_recompute", acks_late=True)
def rollups_recompute(
    version_id: int,
    submitted: list[str],
    erased: list[str] | None = None,
    withdrawn: bool = False,
) -> int:
    """Recompute a version's rollups for the days of the given submission times."""
    return services.rollups_recompute(
        version_id=version_id, submitted=submitted, erased=erased, withdrawn=withdrawn
    )


@shared_task(name="dashboards.tasks.scores_refresh", acks_late=True)
def scores_refresh(event_ids: list[int]) -> int:
    """Behaviour events arrived: refresh the enacted scores of their respondents."""
    return services.scores_refresh_for_events(event_ids=event_ids)


@shared_task(name="dashboards.tasks.report_pdf", acks_late=True)
def report_pdf(report_id: int) -> bool:
    """Print a transparency report to PDF (or record why it cannot be printed)."""
    from .reports.printing import report_print

    return report_print(report_id=report_id)


@shared_task(name="dashboards.tasks.reports_refresh")
def reports_refresh() -> int:
    """Beat (nightly): refresh every organization's current quarter, last quarter and last year."""
    from .reports.services import reports_refresh_due

    report_ids = reports_refresh_due()
    for report_id in report_ids:
        report_pdf.delay_on_commit(report_id)
    return len(report_ids)


@shared_task(
    name="dashboards.tasks.export_run",
    acks_late=True,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT,
    soft_time_limit=settings.EXPORT_TASK_TIME_LIMIT - 60,
)
def export_run(job_id: str) -> str:
    """Run one research export (dashboards.exports.run.export_run); returns its status."""
    from .exports.run import export_run as run

    job = run(job_id=job_id)
    return job.status if job is not None else "gone"


@shared_task(name="dashboards.tasks.exports_purge")
def exports_purge() -> int:
    """Delete the files of expired exports (beat, hourly)."""
    from .exports.services import exports_purge as purge

    return purge()
