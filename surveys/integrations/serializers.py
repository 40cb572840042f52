"""API shapes of webhook endpoints and their delivery log."""

from rest_framework import serializers

from trustpulse.api.serializers import StrictSerializer

from ..enums import DeliveryStatus
from ..models import WebhookDelivery, WebhookEndpoint
from .services import SUBSCRIBABLE

EVENT_CHOICES = [(t, t) for t in SUBSCRIBABLE]


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES))
    answer_purposes = serializers.ListField(child=serializers.CharField())
    secret_rotating_until = serializers.DateTimeField(
        source="previous_secret_expires_at", allow_null=True, read_only=True
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "enabled",
            "recipient",
            "answer_purposes",
            "failing_since",
            "disabled_reason",
            "secret_rotating_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WebhookEndpointWriteSerializer(StrictSerializer):
    url = serializers.CharField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=False, max_length=20
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enabled = serializers.BooleanField(required=False)
    recipient = serializers.CharField(max_length=200, required=False, allow_blank=True)
    answer_purposes = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=50
    )


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (whsec_…). Shown once, now: keep it in the receiver.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret, shown this once.")
    previous_valid_until = serializers.DateTimeField(
        help_text="Until then every request also carries a signature with the previous secret."
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="event.public_id")
    event_type = serializers.CharField(source="event.type")
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "response_status",
            "latency_ms",
            "error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields
