"""Touchpoint tasks: each takes ids, returns early if the object is gone, calls one service."""

from celery import shared_task

from ..models import Response
from . import services


@shared_task(name="surveys.touchpoints.tasks.deliveries_prepare")
def deliveries_prepare(response_id: str) -> int:
    response = (
        Response.objects.select_related("respondent", "survey").filter(pk=response_id).first()
    )
    if response is None:
        return 0
    return len(services.deliveries_prepare(response=response))


@shared_task(name="surveys.touchpoints.tasks.deliveries_send")
def deliveries_send(respondent_id: str) -> int:
    return services.deliveries_send(respondent_id=respondent_id)


@shared_task(name="surveys.touchpoints.tasks.contact_emails_purge")
def contact_emails_purge() -> int:
    return services.contact_emails_purge()


@shared_task(name="surveys.touchpoints.tasks.deliveries_sweep")
def deliveries_sweep() -> int:
    return services.deliveries_sweep()


@shared_task(name="surveys.touchpoints.tasks.privacy_reports_send")
def privacy_reports_send() -> int:
    from .reports import privacy_reports_send as send

    return send()
