"""Models of the surveys app (data in), re-exported for `surveys.models.X`."""

from .accounts import ApiKey, Membership, Organization, User
from .audit import AuditEvent
from .behaviour import BehaviourKindDefinition
from .branding import Branding
from .consent import (
    ConsentCounter,
    ConsentNotice,
    ConsentNoticeVersion,
    ConsentRecord,
    Tombstone,
)
from .definitions import Choice, Question, Section, Survey, SurveyVersion
from .distribution import ChannelLink, EmailSuppression, InvitationBatch, InvitationRecipient
from .inbox import SubmissionInbox
from .integrations import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .responses import (
    Answer,
    BehaviourEvent,
    IdempotencyRecord,
    Respondent,
    Response,
)
from .team import MemberInvitation, RecoveryCode, TotpDevice
from .touchpoints import ContactEmail, FollowUp, FollowUpDelivery, RewardCode

__all__ = [
    "Answer",
    "ApiKey",
    "AuditEvent",
    "BehaviourEvent",
    "BehaviourKindDefinition",
    "Branding",
    "ChannelLink",
    "Choice",
    "ConsentCounter",
    "ContactEmail",
    "ConsentNotice",
    "ConsentNoticeVersion",
    "ConsentRecord",
    "EmailSuppression",
    "FollowUp",
    "FollowUpDelivery",
    "IdempotencyRecord",
    "InvitationBatch",
    "InvitationRecipient",
    "MemberInvitation",
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
    "RecoveryCode",
    "RewardCode",
    "TotpDevice",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
