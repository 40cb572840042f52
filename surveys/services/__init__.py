"""Services: every write of the surveys domain (validate first, then one transaction)."""

from .audit import audit_log
from .authoring import (
    definition_check,
    definition_export_logged,
    responses_viewed,
    survey_delete,
    survey_new,
    survey_update,
)
from .builder import (
    branding_errors,
    branding_reset,
    branding_save,
    survey_content_update,
    test_link_token,
    test_link_valid,
    test_responses_delete,
)
from .content import (
    CodeNotFound,
    question_add,
    question_change,
    question_remove,
    section_add,
    section_change,
    section_remove,
)
from .definitions import (
    definition_import,
    instrument_insert,
    survey_close,
    survey_create,
    survey_draft_version,
    survey_publish,
)
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
    "branding_errors",
    "branding_reset",
    "branding_save",
    "survey_content_update",
    "test_link_token",
    "test_link_valid",
    "test_responses_delete",
    "CodeNotFound",
    "definition_check",
    "definition_export_logged",
    "question_add",
    "question_change",
    "question_remove",
    "responses_viewed",
    "section_add",
    "section_change",
    "section_remove",
    "survey_delete",
    "survey_new",
    "survey_update",
    "IngestResult",
    "behaviour_kind_create",
    "events_ingest",
    "IdempotencyConflict",
    "audit_log",
    "availability",
    "definition_import",
    "idempotent_call",
    "Accepted",
    "inbox_drain",
    "inbox_flush",
    "inbox_flush_response",
    "inbox_materialize",
    "inbox_purge",
    "submission_accept",
    "instrument_insert",
    "respondent_create",
    "response_complete",
    "response_resume",
    "response_save_section",
    "response_start",
    "response_submit",
    "response_values",
    "response_withheld",
    "survey_close",
    "survey_create",
    "survey_draft_version",
    "survey_publish",
]
