"""Webhook endpoints (admins) and the sending of deliveries (workers).

Endpoint writes validate first, write in one transaction and log an audit
event. ``delivery_attempt`` is the one place a delivery is sent: it claims
the row (so two workers never send it at once), keeps a respondent's events
in order per endpoint, signs, sends to the checked address, and records the
result with the next attempt (exponential backoff with jitter) or the end.
"""

import datetime as dt
import json
import logging
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from trustpulse.validation import FieldError, ServiceValidationError

from ..enums import AuditAction, DeliveryStatus, Role, WebhookEventType
from ..models import (
    ConsentRecord,
    Membership,
    Organization,
    Response,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from ..services.audit import audit_log
from . import outbox, transport
from .destinations import DestinationRefused, destination_resolve

log = logging.getLogger(__name__)

SUBSCRIBABLE = [t for t in WebhookEventType.values if t != WebhookEventType.TEST]
LEASE = dt.timedelta(seconds=60)
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 10 * 3600.0


# --- endpoints (admins) --------------------------------------------------------------


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


# --- sending (workers) ---------------------------------------------------------------


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> float:
    """Seconds before attempt `attempts + 1`: 5 s × 4ⁿ⁻¹ capped at 10 h, ±25 % jitter."""
    base = min(FIRST_RETRY_SECONDS * 4.0 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    jitter: float = (rng or random.Random()).uniform(0.75, 1.25)
    return base * jitter


def _covered_purposes(endpoint: WebhookEndpoint, response: Response) -> tuple[set[str], bool]:
    """Purposes whose answers this endpoint may receive for `response`, and whether the
    notice's required purposes are among them (questions without a purpose fall under those)."""
    if not endpoint.answer_purposes or not endpoint.recipient:
        return set(), False
    covered: set[str] = set()
    required = False
    for record in ConsentRecord.objects.filter(response=response).select_related("notice_version"):
        for purpose_id in record.active_purposes:
            purpose = record.notice_version.purpose(purpose_id) or {}
            if purpose_id in endpoint.answer_purposes and endpoint.recipient in purpose.get(
                "recipients", []
            ):
                covered.add(purpose_id)
                required = required or bool(purpose.get("required"))
    return covered, required


def _answers(endpoint: WebhookEndpoint, response_id: str) -> dict[str, Any] | None:
    """The answers of a completed response this endpoint is entitled to (None: none)."""
    from ..services.responses import response_values

    response = Response.objects.filter(pk=response_id).select_related("version").first()
    if response is None:
        return None
    covered, required = _covered_purposes(endpoint, response)
    if not covered:
        return None
    purpose_of = dict(response.version.questions.values_list("code", "purpose"))
    values, other = response_values(response)
    allowed = {
        code
        for code, purpose in purpose_of.items()
        if (purpose and purpose in covered) or (not purpose and required)
    }
    return {code: value for code, value in values.items() if code in allowed} | {
        f"{code}__other": text for code, text in other.items() if code in allowed
    }


def delivery_body(delivery: WebhookDelivery) -> bytes:
    payload = delivery.event.payload
    if delivery.event.type == WebhookEventType.RESPONSE_COMPLETED:
        answers = _answers(delivery.endpoint, payload["data"]["response_id"])
        if answers is not None:
            payload = {**payload, "data": {**payload["data"], "answers": answers}}
    return json.dumps(payload, separators=(",", ":"), default=str).encode()


def signing_secrets(endpoint: WebhookEndpoint, now: dt.datetime) -> list[str]:
    keys = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at is not None
        and endpoint.previous_secret_expires_at > now
    ):
        keys.append(endpoint.previous_secret)
    return keys


@dataclass(frozen=True, kw_only=True)
class AttemptOutcome:
    state: str  # "delivered", "retry", "failed", "waiting", "not_due"
    retry_in: float | None = None
    next_delivery_id: int | None = None


@contextmanager
def _bookkeeping() -> Iterator[None]:
    """A transaction for a delivery's own state (claim, result) whose commit does not wait
    for the disk on PostgreSQL: a crash can lose it, and then the delivery is only sent
    again, with the same event id, which at-least-once allows. Halves a send's cost."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the delivery for one send (one UPDATE): due, its endpoint on, and no earlier
    event of the same respondent still open for that endpoint."""
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    earlier_open = WebhookDelivery.objects.filter(
        endpoint_id=OuterRef("endpoint_id"),
        ordering_key=OuterRef("ordering_key"),
        event_id__lt=OuterRef("event_id"),
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
    )
    first_in_line = Q(ordering_key="") | ~Exists(earlier_open)
    with _bookkeeping():
        return bool(
            WebhookDelivery.objects.filter(
                due, first_in_line, pk=delivery_id, endpoint__enabled=True
            ).update(status=DeliveryStatus.SENDING, lease_until=now + LEASE)
        )


def _earlier_open(delivery: WebhookDelivery) -> bool:
    """An earlier event of the same respondent still waits for this endpoint."""
    if not delivery.ordering_key:
        return False
    return WebhookDelivery.objects.filter(
        endpoint_id=delivery.endpoint_id,
        ordering_key=delivery.ordering_key,
        event_id__lt=delivery.event_id,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
    ).exists()


def _next_in_line(delivery: WebhookDelivery) -> int | None:
    if not delivery.ordering_key:
        return None
    return (
        WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            ordering_key=delivery.ordering_key,
            event_id__gt=delivery.event_id,
            status=DeliveryStatus.PENDING,
        )
        .order_by("event_id")
        .values_list("pk", flat=True)
        .first()
    )


def delivery_attempt(*, delivery_id: int) -> AttemptOutcome:
    """Send one delivery if it is due and first in its respondent's line."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        head = WebhookDelivery.objects.filter(pk=delivery_id).first()
        if head is not None and head.status == DeliveryStatus.PENDING and _earlier_open(head):
            return AttemptOutcome(state="waiting")
        return AttemptOutcome(state="not_due")
    delivery = WebhookDelivery.objects.select_related("event", "endpoint__organization").get(
        pk=delivery_id
    )
    endpoint = delivery.endpoint
    try:
        destination = destination_resolve(endpoint.url)
    except DestinationRefused as exc:
        result = transport.SendResult(ok=False, status=None, latency_ms=0, error=exc.message)
    else:
        body = delivery_body(delivery)
        headers = transport.signed_headers(
            signing_secrets(endpoint, now), msg_id=delivery.event.public_id, body=body
        )
        result = transport.post(destination, headers=headers, body=body)
    return _record(delivery, result)


def _record(delivery: WebhookDelivery, result: transport.SendResult) -> AttemptOutcome:
    now = timezone.now()
    endpoint = delivery.endpoint
    fields = {
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
        "response_status": result.status,
        "latency_ms": result.latency_ms,
        "error": result.error[:200],
        "lease_until": None,
    }
    if result.ok:
        with _bookkeeping():
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.SUCCEEDED, delivered_at=now, **fields
            )
            if endpoint.failing_since is not None:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return AttemptOutcome(state="delivered", next_delivery_id=_next_in_line(delivery))
    attempts = delivery.attempts + 1
    give_up = now - delivery.created_at >= dt.timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    delay = retry_delay(attempts)
    with _bookkeeping():
        if give_up:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, **fields
            )
        else:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.PENDING,
                next_attempt_at=now + dt.timedelta(seconds=delay),
                **fields,
            )
        _endpoint_failed(endpoint, now)
    if give_up:
        return AttemptOutcome(state="failed", next_delivery_id=_next_in_line(delivery))
    return AttemptOutcome(state="retry", retry_in=delay)


def _endpoint_failed(endpoint: WebhookEndpoint, now: dt.datetime) -> None:
    """Note since when the endpoint fails; past WEBHOOK_DISABLE_AFTER_DAYS, turn it off."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    limit = now - dt.timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, enabled=True, failing_since__lte=limit
    ).update(
        enabled=False, disabled_reason=f"failing for {settings.WEBHOOK_DISABLE_AFTER_DAYS} days"
    )
    if not disabled:
        return
    audit_log(
        organization=endpoint.organization,
        action=AuditAction.WEBHOOK_DISABLED,
        actor_label="webhooks",
        target=endpoint,
        data={
            "url": endpoint.url,
            "failing_since": endpoint.failing_since.isoformat() if endpoint.failing_since else None,
        },
    )
    admins = list(
        Membership.objects.filter(organization=endpoint.organization, role=Role.ADMIN)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if admins:
        subject = f"TrustPulse: webhook endpoint disabled ({endpoint.organization.name})"
        body = (
            f"The webhook endpoint {endpoint.url} has failed every delivery for "
            f"{settings.WEBHOOK_DISABLE_AFTER_DAYS} days, so it was turned off.\n"
            "Fix the receiver, then turn the endpoint on again in the studio "
            "(Integrations); the events that waited are sent then.\n"
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, admins))
    log.warning("webhook endpoint %s disabled after failing", endpoint.pk)


def deliveries_due(*, limit: int = 1000) -> list[int]:
    """Deliveries a worker should try now (never queued, retry time reached, lease lost)."""
    now = timezone.now()
    grace = now - dt.timedelta(seconds=5)  # leave fresh ones to their after-commit dispatch
    return list(
        WebhookDelivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=grace)
            | Q(status=DeliveryStatus.SENDING, lease_until__lt=now),
            endpoint__enabled=True,
        )
        .order_by("event_id")
        .values_list("pk", flat=True)[:limit]
    )
