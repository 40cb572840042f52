"""Outgoing integrations: webhook endpoints, the event outbox and the delivery log.

An event row (``WebhookEvent``) and one delivery row per subscribed endpoint
(``WebhookDelivery``) are written in the same transaction as the change they
announce (a transactional outbox), so a broker outage loses nothing: workers
send what the rows say, and a beat sweep re-queues whatever was never sent.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import DeliveryStatus, WebhookEventType
from .accounts import Organization
from .consent import Tombstone


class WebhookEndpoint(models.Model):
    """A URL of the brand's that receives signed events (Standard Webhooks)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    # The name this system goes by in consent notices' "recipients" lists, and
    # the purposes whose answers it may receive in response.completed (only
    # where the notice names it as a recipient of that purpose).
    recipient = models.CharField(max_length=200, blank=True)
    answer_purposes = models.JSONField(default=list, blank=True)
    # "whsec_" + base64: needed in clear to sign; shown to the admin once.
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "id"]

    def __str__(self) -> str:
        return f"webhook {self.pk} → {self.url}"


class WebhookEvent(models.Model):
    """One event, written in the transaction of the change it announces.

    ``uid`` is the event id receivers de-duplicate on (``webhook-id``).
    ``respondent_ref`` orders a respondent's events; ``tombstone`` lets the
    portal of an erased respondent show where their withdrawal went.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_events"
    )
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    payload = models.JSONField()
    respondent_ref = models.CharField(max_length=32, blank=True, db_index=True)
    tombstone = models.ForeignKey(
        Tombstone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=WebhookEventType.values), name="webhook_event_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"

    @property
    def public_id(self) -> str:
        return f"evt_{self.uid.hex}"


class WebhookDelivery(models.Model):
    """One event to one endpoint: its status, attempts and the last answer."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    # A respondent's events go out in order, one at a time, per endpoint.
    ordering_key = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="uniq_delivery_event"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "ordering_key", "event"]),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"
