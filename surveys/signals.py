"""Domain signals: how `surveys` tells the rest of the platform what happened.

Each is sent only after the database transaction commits
(`transaction.on_commit`), with ids only; receivers load what they need.
`dashboards` connects its receivers in its AppConfig.ready().
"""

from django.db import transaction
from django.dispatch import Signal

# kwargs: response_id (str), survey_id (int), organization_id (int)
response_submitted = Signal()
# kwargs: event_ids (list[int]), organization_id (int)
events_ingested = Signal()
# kwargs: respondent_id (str), organization_id (int), response_ids (list[str]),
#         purposes (list[str] | None: None when everything about them was erased),
#         buckets (list of [survey version id, submitted_at ISO]: what aggregates touched),
#         reason ("withdrawn" | "erased" | "expired" | "purposes_withdrawn")
respondent_erased = Signal()
# Sent *inside* the transaction that marks an export done (not after commit), so
# the webhook outbox writes its event atomically with it.
# kwargs: organization_id (int), export_id (str), survey_id (int), format (str),
#         expires_at (datetime | None)
export_ready = Signal()


def send_after_commit(signal: Signal, **kwargs: object) -> None:
    """Send `signal` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: signal.send(sender="surveys", **kwargs))
