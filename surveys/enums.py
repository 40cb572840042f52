"""Enumerations of the surveys domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    AUTHOR = "author", _("Author")
    ANALYST = "analyst", _("Analyst")
    RESEARCHER = "researcher", _("Researcher")


class ApiScope(models.TextChoices):
    SURVEYS_READ = "surveys:read", "surveys:read"
    SURVEYS_WRITE = "surveys:write", "surveys:write"
    RESPONSES_READ = "responses:read", "responses:read"
    RESPONSES_WRITE = "responses:write", "responses:write"
    EVENTS_WRITE = "events:write", "events:write"
    METRICS_READ = "metrics:read", "metrics:read"


class SurveyKind(models.TextChoices):
    SURVEY = "survey", _("Survey")
    QUIZ = "quiz", _("Quiz")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SCALE = "scale", _("Scale")
    MATRIX = "matrix", _("Matrix")
    NPS = "nps", _("Net Promoter Score (0–10)")
    RATING = "rating", _("Rating (1–5)")
    NUMBER = "number", _("Number / slider")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    YES_NO = "yes_no", _("Yes / no")
    RANKING = "ranking", _("Ranking")
    DATE = "date", _("Date")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    ATTENTION_CHECK = "attention_check", _("Attention check")


# Types whose answer is one or more of the question's choices.
CHOICE_TYPES = frozenset(
    {
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.SCALE,
        QuestionType.MATRIX,
        QuestionType.RANKING,
        QuestionType.ATTENTION_CHECK,
    }
)


class ResponseStatus(models.TextChoices):
    PARTIAL = "partial", _("Partial")
    COMPLETE = "complete", _("Complete")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In-app")
    QR = "qr", _("QR code")
    KIOSK = "kiosk", _("Kiosk")
    API = "api", _("API")


# Channels a link can carry (the API channel is for headless submissions only).
LINK_CHANNELS = [c for c in Channel.values if c != Channel.API]


class EventSource(models.TextChoices):
    IN_SURVEY = "in_survey", _("In survey")
    API = "api", _("API")


class Direction(models.TextChoices):
    MORE_PROTECTIVE = "more_protective", _("Higher is more privacy-protective")
    LESS_PROTECTIVE = "less_protective", _("Higher is less privacy-protective")


class CollectionMethod(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("API")


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete")
    ANONYMIZE = "anonymize", _("Anonymize")


BEHAVIOURAL_MEASUREMENT = "behavioural_measurement"


class ImportFormat(models.TextChoices):
    """Source formats a survey can be imported from (detected from the content)."""

    TRUSTPULSE = "trustpulse", _("TrustPulse definition (JSON)")
    SURVEYJS = "surveyjs", _("SurveyJS (JSON)")
    LIMESURVEY = "limesurvey", _("LimeSurvey survey structure (.lss)")
    QUALTRICS = "qualtrics", _("Qualtrics survey (.qsf)")
    XLSFORM = "xlsform", _("XLSForm (.xlsx, .xls, .csv)")


class ReportAction(models.TextChoices):
    """What an importer did with one item of the source it could not map exactly."""

    APPROXIMATED = "approximated", _("Approximated")
    SKIPPED = "skipped", _("Skipped")


class BrandFont(models.TextChoices):
    """Fonts a brand may pick for respondent pages: installed system stacks, nothing downloaded."""

    SYSTEM = "system", _("System sans-serif")
    HUMANIST = "humanist", _("Humanist sans-serif")
    SERIF = "serif", _("Serif")
    ROUNDED = "rounded", _("Rounded sans-serif")
    MONO = "mono", _("Monospace")


class AuditAction(models.TextChoices):
    SURVEY_PUBLISHED = "survey.published", "survey.published"
    SURVEY_CLOSED = "survey.closed", "survey.closed"
    DEFINITION_IMPORTED = "definition.imported", "definition.imported"
    DEFINITION_EXPORTED = "definition.exported", "definition.exported"
    RESPONSES_VIEWED = "responses.viewed", "responses.viewed"
    API_KEY_CREATED = "api_key.created", "api_key.created"
    API_KEY_REVOKED = "api_key.revoked", "api_key.revoked"
    ROLE_CHANGED = "membership.role_changed", "membership.role_changed"
    CONSENT_GIVEN = "consent.given", "consent.given"
    CONSENT_WITHDRAWN = "consent.withdrawn", "consent.withdrawn"
    NOTICE_PUBLISHED = "notice.published", "notice.published"
    PORTAL_VIEWED = "portal.viewed", "portal.viewed"
    DATA_DOWNLOADED = "data.downloaded", "data.downloaded"
    DATA_DELETED = "data.deleted", "data.deleted"
    RETENTION_PURGED = "retention.purged", "retention.purged"
    SURVEY_CREATED = "survey.created", "survey.created"
    SURVEY_UPDATED = "survey.updated", "survey.updated"
    BRANDING_CHANGED = "branding.changed", "branding.changed"
    TEST_RESPONSES_DELETED = "test_responses.deleted", "test_responses.deleted"
    CHANNEL_LINK_CREATED = "channel_link.created", "channel_link.created"
    CHANNEL_LINK_REVOKED = "channel_link.revoked", "channel_link.revoked"
    INVITATIONS_SENT = "invitations.sent", "invitations.sent"
    MEMBER_INVITED = "membership.invited", "membership.invited"
    MEMBER_JOINED = "membership.joined", "membership.joined"
    MEMBER_REMOVED = "membership.removed", "membership.removed"
    ORG_SETTINGS_CHANGED = "organization.settings_changed", "organization.settings_changed"
    PASSWORD_RESET = "account.password_reset", "account.password_reset"
    TWO_FACTOR_ENABLED = "account.two_factor_enabled", "account.two_factor_enabled"
    TWO_FACTOR_DISABLED = "account.two_factor_disabled", "account.two_factor_disabled"
    LOCKED_OUT = "account.locked_out", "account.locked_out"
    UNLOCKED = "account.unlocked", "account.unlocked"
    RECOVERY_CODES_ISSUED = "account.recovery_codes_issued", "account.recovery_codes_issued"
    RECOVERY_CODE_USED = "account.recovery_code_used", "account.recovery_code_used"
    EXPORT_CREATED = "export.created", "export.created"
    EXPORT_CANCELLED = "export.cancelled", "export.cancelled"
    EXPORT_DOWNLOADED = "export.downloaded", "export.downloaded"
    DP_RELEASE_CREATED = "dp_release.created", "dp_release.created"
    REPORT_GENERATED = "report.generated", "report.generated"
    REPORT_PUBLISHED = "report.published", "report.published"
    WEBHOOK_CREATED = "webhook.created", "webhook.created"
    WEBHOOK_UPDATED = "webhook.updated", "webhook.updated"
    WEBHOOK_DELETED = "webhook.deleted", "webhook.deleted"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", "webhook.secret_rotated"
    WEBHOOK_DISABLED = "webhook.disabled", "webhook.disabled"
    WEBHOOK_REDELIVERED = "webhook.redelivered", "webhook.redelivered"
    FOLLOW_UP_SAVED = "follow_up.saved", "follow_up.saved"
    FOLLOW_UP_SENT = "follow_up.sent", "follow_up.sent"
    REWARD_CODES_UPLOADED = "reward_codes.uploaded", "reward_codes.uploaded"
    CONTACT_EMAIL_GIVEN = "contact_email.given", "contact_email.given"
    CONTACT_EMAIL_ERASED = "contact_email.erased", "contact_email.erased"
    PRIVACY_REPORT_SENT = "privacy_report.sent", "privacy_report.sent"


class WebhookEventType(models.TextChoices):
    """What an organization's webhook endpoints may subscribe to (docs/WEBHOOKS.md)."""

    RESPONSE_COMPLETED = "response.completed", "response.completed"
    CONSENT_GIVEN = "consent.given", "consent.given"
    CONSENT_WITHDRAWN = "consent.withdrawn", "consent.withdrawn"
    RESPONDENT_ERASED = "respondent.erased", "respondent.erased"
    DATA_REQUEST_RECEIVED = "data_request.received", "data_request.received"
    EXPORT_READY = "export.ready", "export.ready"
    REPORT_PUBLISHED = "report.published", "report.published"
    SURVEY_PUBLISHED = "survey.published", "survey.published"
    SURVEY_CLOSED = "survey.closed", "survey.closed"
    # Sent only by "Send test event", to one endpoint, whatever it subscribes to.
    TEST = "webhook.test", "webhook.test"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


# Touchpoints (surveys/touchpoints, docs/TOUCHPOINTS.md)
PERSONALISED_OFFERS = "personalised_offers"
PRIVACY_REPORT = "privacy_report"


class RewardKind(models.TextChoices):
    NONE = "none", _("No reward")
    CODE = "code", _("A code from the pool")
    LINK = "link", _("A signed link")


class DeliveryGroup(models.TextChoices):
    TOUCHED = "touched", _("Received the follow-up")
    HOLDOUT = "holdout", _("Held out")


class FollowUpStatus(models.TextChoices):
    AWAITING_EMAIL = "awaiting_email", _("Waiting for an email address")
    SENT = "sent", _("Sent")
    SHOWN = "shown", _("Shown on the thank-you page")
    HOLDOUT = "holdout", _("Held out")
