"""Services of the webhooks: endpoints (admins) and sending (workers)."""

from .. import outbox
from .endpoints import (
    SUBSCRIBABLE,
    UPDATABLE,
    delivery_redeliver,
    endpoint_create,
    endpoint_delete,
    endpoint_secret_rotate,
    endpoint_test_send,
    endpoint_update,
)
from .sending import (
    AttemptOutcome,
    deliveries_due,
    delivery_attempt,
    delivery_body,
    retry_delay,
    signing_secrets,
)

__all__ = [
    "SUBSCRIBABLE",
    "UPDATABLE",
    "AttemptOutcome",
    "deliveries_due",
    "delivery_attempt",
    "delivery_body",
    "delivery_redeliver",
    "endpoint_create",
    "endpoint_delete",
    "endpoint_secret_rotate",
    "endpoint_test_send",
    "endpoint_update",
    "outbox",
    "retry_delay",
    "signing_secrets",
]
