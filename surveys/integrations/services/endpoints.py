"""Webhook endpoints (organization admins): create, change, rotate, delete, test, redeliver.

Each write validates first (the destination rules included), writes in one
transaction and logs an audit event.
"""

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trustpulse.validation import FieldError, ServiceValidationError

from ...enums import AuditAction, DeliveryStatus, WebhookEventType
from ...models import (
    Organization,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from ...services.audit import audit_log
from .. import outbox, transport
from ..destinations import DestinationRefused, destination_resolve

log = logging.getLogger(__name__)

SUBSCRIBABLE = [t for t in WebhookEventType.values if t != WebhookEventType.TEST]


def _endpoint_errors(
    *, url: str, event_types: Sequence[str], description: str, recipient: str, answer_purposes: Any
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not url:
        errors.append(FieldError(field="url", code="required", message="Enter the endpoint's URL."))
    elif len(url) > 500:
        errors.append(FieldError(field="url", code="max_length", message="At most 500 characters."))
    else:
        try:
            destination_resolve(url)
        except DestinationRefused as exc:
            errors.append(FieldError(field="url", code=exc.code, message=exc.message))
    if not isinstance(event_types, (list, tuple)) or not event_types:
        errors.append(
            FieldError(field="event_types", code="required", message="Choose at least one event.")
        )
    else:
        for i, t in enumerate(event_types):
            if t not in SUBSCRIBABLE:
                errors.append(
                    FieldError(
                        field=f"event_types[{i}]", code="invalid", message=f"Unknown event: {t}"
                    )
                )
    if len(description) > 200:
        errors.append(
            FieldError(field="description", code="max_length", message="At most 200 characters.")
        )
    if len(recipient) > 200:
        errors.append(
            FieldError(field="recipient", code="max_length", message="At most 200 characters.")
        )
    if not isinstance(answer_purposes, (list, tuple)) or not all(
        isinstance(p, str) and 0 < len(p) <= 64 for p in answer_purposes
    ):
        errors.append(
            FieldError(field="answer_purposes", code="invalid", message="A list of purpose ids.")
        )
    elif answer_purposes and not recipient:
        errors.append(
            FieldError(
                field="recipient",
                code="required",
                message="Name the recipient the consent notices list, to receive answers.",
            )
        )
    return errors


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    actor: User | None,
    url: str,
    event_types: Sequence[str],
    description: str = "",
    enabled: bool = True,
    recipient: str = "",
    answer_purposes: Sequence[str] = (),
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (returned here only: shown once)."""
    url, description, recipient = url.strip(), description.strip(), recipient.strip()
    errors = _endpoint_errors(
        url=url,
        event_types=event_types,
        description=description,
        recipient=recipient,
        answer_purposes=answer_purposes,
    )
    if errors:
        raise ServiceValidationError(errors)
    secret = transport.secret_new()
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=url,
        description=description,
        event_types=[t for t in SUBSCRIBABLE if t in event_types],
        enabled=enabled,
        recipient=recipient,
        answer_purposes=sorted(set(answer_purposes)),
        secret=secret,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_log(
        organization=organization,
        action=AuditAction.WEBHOOK_CREATED,
        actor=actor,
        target=endpoint,
        data={"url": url, "event_types": endpoint.event_types},
    )
    return endpoint, secret


UPDATABLE = ("url", "description", "event_types", "enabled", "recipient", "answer_purposes")


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, actor: User | None, **changes: Any) -> list[str]:
    """Change some of UPDATABLE; returns the names of the fields that changed."""
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise ServiceValidationError(
            [FieldError(field=f, code="invalid", message="Not changeable.") for f in unknown]
        )
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    new = {f: getattr(endpoint, f) for f in UPDATABLE}
    for f in ("url", "description", "recipient"):
        if f in changes:
            changes[f] = str(changes[f] or "").strip()
    new.update(changes)
    errors = _endpoint_errors(
        url=new["url"],
        event_types=new["event_types"],
        description=new["description"],
        recipient=new["recipient"],
        answer_purposes=new["answer_purposes"],
    )
    if errors:
        raise ServiceValidationError(errors)
    new["event_types"] = [t for t in SUBSCRIBABLE if t in new["event_types"]]
    new["answer_purposes"] = sorted(set(new["answer_purposes"]))
    new["enabled"] = bool(new["enabled"])
    changed = [f for f in UPDATABLE if getattr(endpoint, f) != new[f]]
    if not changed:
        return []
    for f in changed:
        setattr(endpoint, f, new[f])
    if "enabled" in changed and endpoint.enabled:
        endpoint.failing_since = None
        endpoint.disabled_reason = ""
    endpoint.save()
    audit_log(
        organization=endpoint.organization,
        action=AuditAction.WEBHOOK_UPDATED,
        actor=actor,
        target=endpoint,
        data={"changed": changed, "url": endpoint.url, "enabled": endpoint.enabled},
    )
    if "enabled" in changed and endpoint.enabled:
        # What waited while it was off goes out now.
        outbox.dispatch_after_commit(
            list(
                endpoint.deliveries.filter(status=DeliveryStatus.PENDING)
                .order_by("event_id")
                .values_list("pk", flat=True)[:1000]
            )
        )
    return changed


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User | None) -> None:
    audit_log(
        organization=endpoint.organization,
        action=AuditAction.WEBHOOK_DELETED,
        actor=actor,
        target=endpoint,
        data={"url": endpoint.url},
    )
    endpoint.delete()


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor: User | None) -> str:
    """A new secret (returned: shown once); the old one also signs for the overlap window."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = transport.secret_new()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + dt.timedelta(
        hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS
    )
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    audit_log(
        organization=endpoint.organization,
        action=AuditAction.WEBHOOK_SECRET_ROTATED,
        actor=actor,
        target=endpoint,
        data={"overlap_until": endpoint.previous_secret_expires_at.isoformat()},
    )
    return secret


@transaction.atomic
def endpoint_test_send(*, endpoint: WebhookEndpoint, actor: User | None) -> WebhookEvent:
    """Send a `webhook.test` event to this endpoint alone."""
    event = outbox.write(
        organization=endpoint.organization,
        type_=WebhookEventType.TEST,
        data={
            "endpoint_id": endpoint.pk,
            "message": "A test event from TrustPulse.",
            "requested_by": actor.get_username() if actor is not None else "",
        },
        endpoints=[endpoint],
    )
    assert event is not None
    return event


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, actor: User | None) -> WebhookDelivery:
    """Send a delivery again (same event id, so receivers can de-duplicate)."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.SENDING and (
        delivery.lease_until is not None and delivery.lease_until > timezone.now()
    ):
        raise ServiceValidationError(
            [FieldError(field="delivery", code="in_flight", message="It is being sent now.")]
        )
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.lease_until = None
    delivery.save(update_fields=["status", "next_attempt_at", "lease_until"])
    audit_log(
        organization=delivery.endpoint.organization,
        action=AuditAction.WEBHOOK_REDELIVERED,
        actor=actor,
        target=delivery.endpoint,
        data={"event_id": delivery.event.public_id, "delivery_id": delivery.pk},
    )
    outbox.dispatch_after_commit([delivery.pk])
    return delivery
