"""Services: every write of the surveys domain (validate first, then one transaction)."""

from .audit import audit_log
from .events import IngestResult, behaviour_kind_create, events_ingest
from .idempotency import IdempotencyConflict, idempotent_call
from .inbox import (
    Accepted,
    inbox_drain,
    inbox_flush,
    inbox_flush_response,
    inbox_materialize,
    inbox_purge,
    submission_accept,
)
from .respondents import respondent_create
from .response_flow import (
    response_complete,
    response_resume,
    response_save_section,
    response_start,
    response_values,
    response_withheld,
)
from .responses import availability, response_submit

__all__ = [
    "IngestResult",
    "behaviour_kind_create",
    "events_ingest",
    "IdempotencyConflict",
    "audit_log",
    "availability",
    "idempotent_call",
    "Accepted",
    "inbox_drain",
    "inbox_flush",
    "inbox_flush_response",
    "inbox_materialize",
    "inbox_purge",
    "submission_accept",
    "respondent_create",
    "response_complete",
    "response_resume",
    "response_save_section",
    "response_start",
    "response_submit",
    "response_values",
    "response_withheld",
]
