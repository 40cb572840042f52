"""Services: every write of the surveys domain (validate first, then one transaction)."""

from .accounts import (
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    membership_set,
    organization_create,
)
from .audit import audit_log
from .definitions import (
    definition_export,
    definition_import,
    survey_close,
    survey_create,
    survey_draft_version,
    survey_publish,
    version_question_ids,
    version_spec,
)
from .idempotency import IdempotencyConflict, idempotent_call
from .responses import (
    availability,
    respondent_create,
    response_complete,
    response_resume,
    response_save_section,
    response_start,
    response_submit,
    response_values,
)

__all__ = [
    "IdempotencyConflict",
    "api_key_authenticate",
    "api_key_create",
    "api_key_revoke",
    "audit_log",
    "availability",
    "definition_export",
    "definition_import",
    "idempotent_call",
    "membership_set",
    "organization_create",
    "respondent_create",
    "response_complete",
    "response_resume",
    "response_save_section",
    "response_start",
    "response_submit",
    "response_values",
    "survey_close",
    "survey_create",
    "survey_draft_version",
    "survey_publish",
    "version_question_ids",
    "version_spec",
]
