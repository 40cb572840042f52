"""Reads of the webhooks: for the studio, the API, the portal and the transparency report."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from ..enums import DeliveryStatus, WebhookEventType
from ..models import Respondent, Tombstone, WebhookDelivery, WebhookEndpoint


def endpoint_list(*, organization_id: int) -> QuerySet[WebhookEndpoint]:
    """The organization's endpoints, each with its delivery counts."""
    return (
        WebhookEndpoint.objects.filter(organization_id=organization_id)
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SUCCEEDED)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            waiting=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
            ),
            last_delivered_at=Max("deliveries__delivered_at"),
        )
        .order_by("id")
    )


def endpoint_get(*, organization_id: int, pk: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(organization_id=organization_id, pk=pk).first()


def delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's delivery log, newest first."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-id")


@dataclass(frozen=True, kw_only=True)
class Propagation:
    """One system told (or being told) of a respondent's withdrawal."""

    system: str
    event: str
    delivered_at: dt.datetime | None
    waiting: bool


def withdrawal_propagation(
    *, respondent: Respondent | None = None, tombstone: Tombstone | None = None
) -> list[Propagation]:
    """Which of the brand's systems were told of this person's withdrawal or erasure, and when."""
    if respondent is not None:
        scope = Q(
            event__organization_id=respondent.organization_id,
            event__respondent_ref=respondent.respondent_ref,
        )
    elif tombstone is not None:
        scope = Q(event__tombstone=tombstone)
    else:
        return []
    rows = (
        WebhookDelivery.objects.filter(
            scope,
            event__type__in=[
                WebhookEventType.CONSENT_WITHDRAWN,
                WebhookEventType.RESPONDENT_ERASED,
            ],
        )
        .select_related("endpoint", "event")
        .order_by("event_id", "endpoint_id")
    )
    return [
        Propagation(
            system=d.endpoint.recipient or d.endpoint.description or d.endpoint.url,
            event=d.event.type,
            delivered_at=d.delivered_at,
            waiting=d.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING),
        )
        for d in rows
    ]


def propagated_withdrawals(*, organization_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """Withdrawals in [start, end) that reached at least one of the brand's systems."""
    return (
        WebhookDelivery.objects.filter(
            event__organization_id=organization_id,
            event__type=WebhookEventType.CONSENT_WITHDRAWN,
            event__created_at__gte=start,
            event__created_at__lt=end,
            status=DeliveryStatus.SUCCEEDED,
        )
        .values("event_id")
        .distinct()
        .count()
    )
