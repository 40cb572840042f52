"""Celery tasks of the dashboards app (insight out).

Tasks take ids, return early if there is nothing to do, and are idempotent:
a retried or duplicated delivery never counts anything twice (see
dashboards.services.aggregation).
"""

import datetime as dt
import zoneinfo

from celery import shared_task
from django.conf import settings

from surveys.models import BehaviourEvent, SurveyVersion

from .services import aggregate_batch, aggregate_until_done, rollups_recompute, scores_refresh


@shared_task(name="dashboards.tasks.aggregate", acks_late=True)
def aggregate(limit: int = 500) -> int:
    """Drain one batch of unaggregated responses; queue another if more are waiting."""
    done = aggregate_batch(limit=limit)
    if done == limit:
        aggregate.delay(limit)
    return done


@shared_task(name="dashboards.tasks.aggregate_pending")
def aggregate_pending() -> int:
    """The catch-up sweep (beat, every minute): aggregate whatever is still waiting.

    Covers submissions whose task was never queued (broker down) or lost.
    """
    return aggregate_until_done()


@shared_task(name="dashboards.tasks.rollups_recompute", acks_late=True)
def rollups_recompute_task(
    version_id: int,
    submitted: list[str],
    erased: list[str] | None = None,
    withdrawn: bool = False,
) -> int:
    """Recompute a version's rollups for the days of the given submission times.

    `erased`: the erased response ids being taken out; `withdrawn`: their
    respondent withdrew consent entirely (counted once as withdrawals).
    """
    version = (
        SurveyVersion.objects.select_related("survey__organization").filter(pk=version_id).first()
    )
    if version is None:
        return 0
    tz = zoneinfo.ZoneInfo(version.survey.organization.timezone)
    days = {dt.datetime.fromisoformat(s).astimezone(tz).date() for s in submitted}
    rollups_recompute(version_id=version_id, days=days, erased=erased, withdrawn=withdrawn)
    return len(days)


@shared_task(name="dashboards.tasks.scores_refresh", acks_late=True)
def scores_refresh_task(event_ids: list[int]) -> int:
    """Behaviour events arrived: refresh the enacted scores of their respondents."""
    respondent_ids = set(
        BehaviourEvent.objects.filter(pk__in=event_ids).values_list("respondent_id", flat=True)
    )
    return scores_refresh(respondent_ids=respondent_ids)


@shared_task(name="dashboards.tasks.report_pdf", acks_late=True)
def report_pdf(report_id: int) -> bool:
    """Print a transparency report to PDF (or record why it cannot be printed)."""
    from .reports.printing import report_print

    return report_print(report_id=report_id)


@shared_task(name="dashboards.tasks.reports_refresh")
def reports_refresh() -> int:
    """Beat (nightly): refresh every organization's current quarter, last quarter and last year."""
    from django.utils import timezone

    from surveys.models import Organization

    from .reports.services import due_periods, report_generate

    done = 0
    for org_id in Organization.objects.values_list("pk", flat=True):
        org = Organization.objects.get(pk=org_id)
        for period in due_periods(timezone.localdate()):
            report = report_generate(organization=org, period=period)
            report_pdf.delay_on_commit(report.pk)
            done += 1
    return done


@shared_task(
    name="dashboards.tasks.export_run",
    acks_late=True,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT,
    soft_time_limit=settings.EXPORT_TASK_TIME_LIMIT - 60,
)
def export_run_task(job_id: str) -> str:
    """Run one research export (dashboards.exports.services.export_run); returns its status."""
    from .exports.services import export_run

    job = export_run(job_id=job_id)
    return job.status if job is not None else "gone"


@shared_task(name="dashboards.tasks.exports_purge")
def exports_purge() -> int:
    """Delete the files of expired exports (beat, hourly)."""
    from .exports.services import exports_purge as purge

    return purge()
