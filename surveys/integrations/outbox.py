"""The transactional outbox: one call per domain change, inside its transaction.

Each ``*_event`` function below is called by the service that makes the
change (one line there), so the event row and one delivery row per subscribed
endpoint commit or roll back together with the change. After commit the
deliveries are queued to the workers; if the broker is down the beat sweep
(``tasks.webhooks_sweep``) queues them later. Nothing is written when no
enabled endpoint of the organization subscribes to the event's type.

Payloads carry ids and the brand's ``respondent_ref``, never portal tokens,
never external ids; their shapes are in ``docs/schemas/webhooks/``.
"""

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ..enums import DeliveryStatus, WebhookEventType
from ..models import (
    ConsentRecord,
    Organization,
    Respondent,
    Response,
    Survey,
    Tombstone,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from ..selectors import flow_cache

if TYPE_CHECKING:
    import datetime as dt

log = logging.getLogger(__name__)

PAYLOAD_VERSION = 1


def envelope(event: WebhookEvent, data: dict[str, Any], organization_slug: str) -> dict[str, Any]:
    return {
        "id": event.public_id,
        "type": event.type,
        "version": PAYLOAD_VERSION,
        "timestamp": event.created_at.isoformat(),
        "organization": organization_slug,
        "data": data,
    }


def subscribers(organization_id: int, type_: str) -> list[WebhookEndpoint]:
    """The organization's enabled endpoints for `type_` (cached per process: `flow_cache`)."""
    enabled = flow_cache.cached(
        "webhook_endpoints",
        organization_id,
        lambda: list(WebhookEndpoint.objects.filter(organization_id=organization_id, enabled=True)),
    )
    return [e for e in enabled if type_ in e.event_types]


def dispatch_after_commit(delivery_ids: list[int]) -> None:
    """Queue the deliveries once the transaction commits; a broker outage is left to the sweep."""

    def send() -> None:
        from .tasks import webhook_deliver

        for pk in delivery_ids:
            try:
                webhook_deliver.delay(pk)
            except Exception as exc:  # noqa: BLE001 - any broker error: the sweep catches up
                log.warning("could not queue webhook delivery (%s); the sweep will", exc)
                return

    transaction.on_commit(send)


def write(
    *,
    organization: Organization | int,
    type_: str,
    data: dict[str, Any],
    respondent_ref: str = "",
    tombstone: Tombstone | None = None,
    endpoints: Iterable[WebhookEndpoint] | None = None,
) -> WebhookEvent | None:
    """Write one event and its deliveries (call inside the change's transaction)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    targets = list(endpoints) if endpoints is not None else subscribers(org_id, type_)
    if not targets:
        return None
    slug = (
        organization.slug
        if isinstance(organization, Organization)
        else Organization.objects.values_list("slug", flat=True).get(pk=org_id)
    )
    event = WebhookEvent(
        organization_id=org_id,
        type=type_,
        payload={},
        respondent_ref=respondent_ref,
        tombstone=tombstone,
        created_at=timezone.now(),
    )
    event.payload = envelope(event, data, slug)
    event.save(force_insert=True)
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                ordering_key=respondent_ref,
                status=DeliveryStatus.PENDING,
                next_attempt_at=now,
            )
            for endpoint in targets
        ]
    )
    dispatch_after_commit([d.pk for d in deliveries])
    return event


def _iso(value: "dt.datetime | None") -> str | None:
    return value.isoformat() if value is not None else None


# --- one function per event type --------------------------------------------------


def response_completed_event(response: Response) -> None:
    if response.is_test:
        return
    write(
        organization=response.survey.organization_id,
        type_=WebhookEventType.RESPONSE_COMPLETED,
        respondent_ref=response.respondent.respondent_ref,
        data={
            "response_id": str(response.pk),
            "survey_id": response.survey_id,
            "survey_version": response.version.number,
            "respondent_ref": response.respondent.respondent_ref,
            "submitted_at": _iso(response.submitted_at),
            "channel": response.channel,
            "locale": response.locale,
        },
    )


def consent_given_event(record: ConsentRecord) -> None:
    version = record.notice_version
    write(
        organization=version.notice.organization_id,
        type_=WebhookEventType.CONSENT_GIVEN,
        respondent_ref=record.respondent.respondent_ref,
        data={
            "receipt_id": str(record.receipt_id),
            "respondent_ref": record.respondent.respondent_ref,
            "response_id": str(record.response_id) if record.response_id else None,
            "notice": {"slug": version.notice.slug, "version": version.number},
            "purposes": list(record.purposes_granted),
            "given_at": _iso(record.given_at),
        },
    )


def consent_withdrawn_event(
    *,
    respondent: Respondent,
    purposes: list[str],
    receipt_ids: list[str],
    erased: bool,
    at: "dt.datetime",
) -> None:
    write(
        organization=respondent.organization_id,
        type_=WebhookEventType.CONSENT_WITHDRAWN,
        respondent_ref=respondent.respondent_ref,
        data={
            "respondent_ref": respondent.respondent_ref,
            "receipt_ids": receipt_ids,
            "purposes": sorted(purposes),
            "erased_everything": erased,
            "withdrawn_at": at.isoformat(),
        },
    )


def respondent_erased_event(
    *,
    respondent: Respondent,
    receipt_ids: list[str],
    response_ids: list[str],
    reason: str,
    at: "dt.datetime",
    tombstone: Tombstone | None,
) -> None:
    # The respondent's earlier events (their withdrawal) stay findable from the tombstone,
    # so the portal link can still say where the withdrawal was sent.
    if tombstone is not None and respondent.respondent_ref:
        WebhookEvent.objects.filter(
            organization_id=respondent.organization_id, respondent_ref=respondent.respondent_ref
        ).update(tombstone=tombstone)
    write(
        organization=respondent.organization_id,
        type_=WebhookEventType.RESPONDENT_ERASED,
        respondent_ref=respondent.respondent_ref,
        tombstone=tombstone,
        data={
            "respondent_ref": respondent.respondent_ref,
            "receipt_ids": receipt_ids,
            "response_ids": response_ids,
            "reason": reason,
            "erased_at": at.isoformat(),
        },
    )


def data_request_event(*, respondent: Respondent, kind: str) -> None:
    write(
        organization=respondent.organization_id,
        type_=WebhookEventType.DATA_REQUEST_RECEIVED,
        respondent_ref=respondent.respondent_ref,
        data={
            "respondent_ref": respondent.respondent_ref,
            "kind": kind,
            "received_at": timezone.now().isoformat(),
        },
    )


def survey_event(survey: Survey, type_: WebhookEventType) -> None:
    version = survey.live_version
    write(
        organization=survey.organization,
        type_=type_,
        data={
            "survey_id": survey.pk,
            "slug": survey.slug,
            "kind": survey.kind,
            "status": survey.status,
            "version": version.number if version is not None else None,
        },
    )


def report_published_event(*, organization: Organization, public: bool) -> None:
    write(
        organization=organization,
        type_=WebhookEventType.REPORT_PUBLISHED,
        data={"public": public, "url_path": f"/transparency/{organization.slug}/"},
    )


def export_ready_event(
    sender: object,
    *,
    organization_id: int,
    export_id: str,
    survey_id: int,
    format: str,
    expires_at: "dt.datetime | None",
    **kwargs: object,
) -> None:
    """Receiver of `signals.export_ready` (sent inside the export's transaction)."""
    write(
        organization=organization_id,
        type_=WebhookEventType.EXPORT_READY,
        data={
            "export_id": export_id,
            "survey_id": survey_id,
            "format": format,
            "expires_at": _iso(expires_at),
        },
    )
