"""Shapes of the API's requests and responses. No business logic: services decide.

Request serializers check types and shapes only (what is a list, an object, a
number); the rules of the domain (codes, locales, logic, answers) belong to the
services, which report every error with its path. Section and question bodies
are definition-document objects, checked by the definition rules themselves:
their serializers here describe them for the schema.
"""

from .accounts import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeySerializer,
    KeyBriefSerializer,
    MembershipBriefSerializer,
    MeSerializer,
    OrganizationBriefSerializer,
    UserBriefSerializer,
)
from .responses import (
    AnswerInSerializer,
    AnswerSerializer,
    ConsentInSerializer,
    ResponseFilterSerializer,
    SubmissionSerializer,
    SubmittedSerializer,
    SurveyResponseSerializer,
    submission_fast,
    submitted_body,
)
from .surveys import (
    ChoiceSerializer,
    DryRunSerializer,
    FileImportResultSerializer,
    ImportPreviewSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    NoticeDraftSerializer,
    QuestionInSerializer,
    QuestionPatchSerializer,
    QuestionSerializer,
    ReportItemSerializer,
    SectionInSerializer,
    SectionSerializer,
    SurveyCreateSerializer,
    SurveySerializer,
    SurveyUpdateSerializer,
    VersionSerializer,
    localized,
)

__all__ = [
    "AnswerInSerializer",
    "AnswerSerializer",
    "ApiKeyCreateSerializer",
    "ApiKeyCreatedSerializer",
    "ApiKeySerializer",
    "ChoiceSerializer",
    "ConsentInSerializer",
    "DryRunSerializer",
    "FileImportResultSerializer",
    "ImportPreviewSerializer",
    "ImportResultSerializer",
    "ImportUploadSerializer",
    "KeyBriefSerializer",
    "MeSerializer",
    "MembershipBriefSerializer",
    "NoticeDraftSerializer",
    "OrganizationBriefSerializer",
    "QuestionInSerializer",
    "QuestionPatchSerializer",
    "QuestionSerializer",
    "ReportItemSerializer",
    "ResponseFilterSerializer",
    "SectionInSerializer",
    "SectionSerializer",
    "SubmissionSerializer",
    "SubmittedSerializer",
    "SurveyCreateSerializer",
    "SurveyResponseSerializer",
    "SurveySerializer",
    "SurveyUpdateSerializer",
    "UserBriefSerializer",
    "VersionSerializer",
    "localized",
    "submission_fast",
    "submitted_body",
]
