"""Sending deliveries (workers): the one place a delivery is sent.

``delivery_attempt`` claims the row (so two workers never send it at once,
and a respondent's events go out in order per endpoint), signs, sends to the
checked address, and records the result with the next attempt (exponential
backoff with jitter) or the end; an endpoint failing too long is turned off.
"""

import datetime as dt
import json
import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from surveys.selectors import flow_cache

from ...enums import AuditAction, DeliveryStatus, Role, WebhookEventType
from ...models import (
    ConsentRecord,
    Membership,
    Response,
    WebhookDelivery,
    WebhookEndpoint,
)
from ...services.audit import audit_log
from .. import transport
from ..destinations import DestinationRefused, destination_resolve

log = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=60)
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 10 * 3600.0


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
    from ...responses.selectors import response_values

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
    flow_cache.generation_bump()  # no longer a subscriber
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
