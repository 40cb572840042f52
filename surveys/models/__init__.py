"""Models of the surveys app (data in), re-exported for `surveys.models.X`."""

from .accounts import ApiKey, Membership, Organization, User
from .audit import AuditEvent
from .behaviour import BehaviourKindDefinition
from .bench import BenchFloorRecord
from .branding import Branding
from .consent import (
    ConsentCounter,
    ConsentNotice,
    ConsentNoticeVersion,
    ConsentRecord,
    Tombstone,
)
from .definitions import Choice, Question, Section, Survey, SurveyVersion
from .inbox import SubmissionInbox
from .responses import (
    Answer,
    BehaviourEvent,
    IdempotencyRecord,
    Respondent,
    Response,
)

__all__ = [
    "Answer",
    "ApiKey",
    "AuditEvent",
    "BenchFloorRecord",
    "BehaviourEvent",
    "BehaviourKindDefinition",
    "Branding",
    "Choice",
    "ConsentCounter",
    "ConsentNotice",
    "ConsentNoticeVersion",
    "ConsentRecord",
    "IdempotencyRecord",
    "Membership",
    "Organization",
    "Question",
    "Respondent",
    "Response",
    "Section",
    "SubmissionInbox",
    "Survey",
    "SurveyVersion",
    "Tombstone",
    "User",
]
