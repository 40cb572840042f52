"""Shapes of the API's requests and responses. No business logic: services decide.

Request serializers check types and shapes only (what is a list, an object, a
number); the rules of the domain (codes, locales, logic, answers) belong to the
services, which report every error with its path. Section and question bodies
are definition-document objects, checked by the definition rules themselves:
their serializers here describe them for the schema.
"""

import re
from typing import Any

from rest_framework import serializers

from trustpulse.api.serializers import ErrorItemSerializer, StrictSerializer

from ..enums import (
    ApiScope,
    Channel,
    ImportFormat,
    QuestionType,
    ReportAction,
    ResponseStatus,
    SurveyKind,
)
from ..models import (
    Answer,
    ApiKey,
    Choice,
    Question,
    Response,
    Section,
    Survey,
    SurveyVersion,
)


def localized(**kw: Any) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), **kw
    )


# Surveys --------------------------------------------------------------------------


class SurveySerializer(serializers.ModelSerializer):
    title = localized()
    locales = serializers.ListField(child=serializers.CharField())
    live_version = serializers.IntegerField(
        source="live_version.number", allow_null=True, read_only=True, default=None
    )
    draft_version = serializers.SerializerMethodField()
    consent_notice = serializers.SerializerMethodField(
        help_text="Slug of the organization's consent notice shown first (publishing needs one)."
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "organization",
            "kind",
            "slug",
            "title",
            "status",
            "default_locale",
            "locales",
            "opens_at",
            "closes_at",
            "response_quota",
            "consent_notice",
            "live_version",
            "draft_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_consent_notice(self, obj: Survey) -> str | None:
        slug = getattr(obj, "notice_slug", None)
        return str(slug) if slug is not None else None

    def get_draft_version(self, obj: Survey) -> int | None:
        number = getattr(obj, "draft_number", None)
        return int(number) if number is not None else None


class SurveyCreateSerializer(StrictSerializer):
    organization = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Needed only by a member who authors in several organizations.",
    )
    kind = serializers.ChoiceField(choices=SurveyKind.choices, default=SurveyKind.SURVEY)
    title = localized(help_text='Per locale, e.g. {"en": "How comfortable are you?"}.')
    default_locale = serializers.CharField(max_length=16, default="en")
    locales = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, max_length=20
    )
    slug = serializers.CharField(max_length=80, required=False)
    consent_notice = serializers.CharField(
        max_length=100, required=False, allow_null=True, help_text="A consent notice's slug."
    )


class SurveyUpdateSerializer(StrictSerializer):
    title = localized(required=False)
    default_locale = serializers.CharField(max_length=16, required=False)
    locales = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, max_length=20
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    response_quota = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2_147_483_647
    )
    consent_notice = serializers.CharField(
        max_length=100, required=False, allow_null=True, help_text="A consent notice's slug."
    )


class VersionSerializer(serializers.ModelSerializer):
    is_live = serializers.SerializerMethodField()

    class Meta:
        model = SurveyVersion
        fields = ["number", "status", "published_at", "created_at", "is_live"]
        read_only_fields = fields

    def get_is_live(self, obj: SurveyVersion) -> bool:
        live = self.context.get("live_version_id", obj.survey.live_version_id)
        return bool(live == obj.pk)


class ImportResultSerializer(serializers.Serializer):
    survey = SurveySerializer()
    version = VersionSerializer()


class DryRunSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    errors = ErrorItemSerializer(many=True)


# File imports (SurveyJS, LimeSurvey, Qualtrics, XLSForm) ----------------------------


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A SurveyJS JSON, LimeSurvey .lss or .lsa, Qualtrics .qsf, XLSForm (.xlsx, .xls,"
        " .csv) or TrustPulse definition file; the format is detected from the content."
    )


class ReportItemSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ReportAction.choices)
    location = serializers.CharField(help_text="Where in the source file, in its own terms.")
    message = serializers.CharField()


class NoticeDraftSerializer(serializers.Serializer):
    name = serializers.CharField()
    content = serializers.DictField(
        help_text="Consent notice content (docs/schemas/consent-notice.v1.schema.json)."
    )


class ImportPreviewSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    errors = ErrorItemSerializer(many=True)
    format = serializers.ChoiceField(choices=ImportFormat.choices)
    report = ReportItemSerializer(many=True)
    definition = serializers.DictField(help_text="The definition document the import creates.")
    consent_notice = NoticeDraftSerializer(
        allow_null=True, help_text="The consent notice draft the import creates, if any."
    )


class FileImportResultSerializer(serializers.Serializer):
    survey = SurveySerializer()
    version = VersionSerializer()
    format = serializers.ChoiceField(choices=ImportFormat.choices)
    report = ReportItemSerializer(many=True)
    consent_notice = serializers.CharField(
        allow_null=True, help_text="Slug of the consent notice draft created, if any."
    )


# Sections and questions (definition-document objects) -------------------------------


class ChoiceSerializer(serializers.ModelSerializer):
    label = localized()
    value = serializers.FloatField(allow_null=True, required=False)
    feedback = localized(required=False)

    class Meta:
        model = Choice
        fields = ["code", "label", "value", "is_correct", "feedback", "exclusive"]


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code", read_only=True)
    text = localized()
    help_text = localized(required=False)
    settings = serializers.DictField(required=False)
    display_logic = serializers.JSONField(required=False, allow_null=True)
    points = serializers.FloatField(required=False, min_value=0)
    choices = ChoiceSerializer(many=True, required=False)

    class Meta:
        model = Question
        fields = [
            "code",
            "section",
            "position",
            "type",
            "text",
            "help_text",
            "required",
            "settings",
            "display_logic",
            "allow_other",
            "randomize_choices",
            "construct",
            "reverse_coded",
            "points",
            "purpose",
            "quasi_identifier",
            "segment_attribute",
            "choices",
        ]
        read_only_fields = ["section", "position"]


class QuestionInSerializer(serializers.Serializer):
    """A question of the definition document (docs/schemas/survey-definition.v1.schema.json)."""

    code = serializers.RegexField(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    type = serializers.ChoiceField(choices=QuestionType.choices)
    text = localized()
    help_text = localized(required=False)
    required = serializers.BooleanField(required=False)
    settings = serializers.DictField(required=False)
    display_logic = serializers.JSONField(required=False, allow_null=True)
    allow_other = serializers.BooleanField(required=False)
    randomize_choices = serializers.BooleanField(required=False)
    construct = serializers.CharField(required=False, max_length=64)
    reverse_coded = serializers.BooleanField(required=False)
    points = serializers.FloatField(required=False, min_value=0)
    purpose = serializers.CharField(required=False, max_length=64)
    quasi_identifier = serializers.BooleanField(required=False)
    segment_attribute = serializers.CharField(required=False, max_length=32)
    choices = ChoiceSerializer(many=True, required=False)
    position = serializers.IntegerField(
        required=False, min_value=0, help_text="Index in the section (0 first); default: last."
    )


class QuestionPatchSerializer(QuestionInSerializer):
    section = serializers.CharField(required=False, help_text="Code of a section to move it to.")


class SectionSerializer(serializers.ModelSerializer):
    title = localized()
    description = localized()
    display_logic = serializers.JSONField(allow_null=True)
    skip_logic = serializers.ListField(child=serializers.DictField())
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = [
            "code",
            "position",
            "title",
            "description",
            "display_logic",
            "skip_logic",
            "randomize_questions",
            "questions",
        ]
        read_only_fields = fields

    def get_questions(self, obj: Section) -> list[str]:
        return [q.code for q in obj.questions.all()]


class SectionInSerializer(serializers.Serializer):
    """A section of the definition document; `questions` may come with it."""

    code = serializers.RegexField(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    title = localized(required=False)
    description = localized(required=False)
    display_logic = serializers.JSONField(required=False, allow_null=True)
    skip_logic = serializers.ListField(child=serializers.DictField(), required=False)
    randomize_questions = serializers.BooleanField(required=False)
    questions = QuestionInSerializer(many=True, required=False)
    position = serializers.IntegerField(
        required=False, min_value=0, help_text="Index among the sections (0 first); default: last."
    )


# Responses ---------------------------------------------------------------------------


class AnswerInSerializer(StrictSerializer):
    question = serializers.CharField(max_length=64, help_text="The question's code.")
    value = serializers.JSONField(
        required=False, allow_null=True, help_text="Typed per question type (see the docs)."
    )
    other = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=20000
    )


class ConsentInSerializer(serializers.Serializer):
    notice_version = serializers.IntegerField()
    purposes = serializers.ListField(child=serializers.CharField())
    timestamp = serializers.DateTimeField(required=False)


class SubmissionSerializer(StrictSerializer):
    answers = AnswerInSerializer(many=True, max_length=2000)
    locale = serializers.CharField(required=False, allow_null=True, max_length=16)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    external_id = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=255,
        help_text="The brand's id of the respondent; stored only as a keyed HMAC.",
    )
    is_test = serializers.BooleanField(default=False)
    consent = ConsentInSerializer(
        required=False,
        allow_null=True,
        help_text="Required when the survey has a consent notice.",
    )


_SUBMISSION_KEYS = frozenset({"answers", "locale", "channel", "external_id", "is_test", "consent"})
_ANSWER_KEYS = frozenset({"question", "value", "other"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain(value: Any, max_length: int, *, blank: bool = False) -> bool:
    """A string `serializers.CharField` keeps exactly as it is (no trimming, no error)."""
    return (
        isinstance(value, str)
        and len(value) <= max_length
        and (blank or value != "")
        and value == value.strip()
        and not _SURROGATE.search(value)
    )


def submission_fast(data: Any) -> dict[str, Any] | None:
    """`SubmissionSerializer(data=data).validated_data` for a plainly well-formed body.

    None for anything else: the serializer then runs and reports the errors.
    Only bodies the serializer accepts unchanged pass here (tests compare the
    two on generated bodies); submissions are the API's hottest path, and the
    serializer's nested field copies and per-item validation cost more than
    the rest of the request's Python.
    """
    if not isinstance(data, dict) or not data.keys() <= _SUBMISSION_KEYS:
        return None
    answers = data.get("answers")
    if not isinstance(answers, list) or len(answers) > 2000:
        return None
    for item in answers:
        if not isinstance(item, dict) or not item.keys() <= _ANSWER_KEYS:
            return None
        if not _plain(item.get("question"), 64):
            return None
        if (
            "other" in item
            and item["other"] is not None
            and not _plain(item["other"], 20000, blank=True)
        ):
            return None
    out: dict[str, Any] = {"answers": [dict(item) for item in answers]}
    if "locale" in data:
        if data["locale"] is not None and not _plain(data["locale"], 16):
            return None
        out["locale"] = data["locale"]
    channel = data.get("channel", Channel.API)
    if not isinstance(channel, str) or channel not in Channel.values:
        return None
    out["channel"] = channel
    if "external_id" in data:
        if data["external_id"] is not None and not _plain(data["external_id"], 255):
            return None
        out["external_id"] = data["external_id"]
    is_test = data.get("is_test", False)
    if not isinstance(is_test, bool):
        return None
    out["is_test"] = is_test
    if "consent" in data:
        consent = data["consent"]
        if consent is not None:
            if not isinstance(consent, dict):
                return None
            number, purposes = consent.get("notice_version"), consent.get("purposes")
            if isinstance(number, bool) or not isinstance(number, int) or abs(number) > 2**31:
                return None
            if not isinstance(purposes, list) or not all(_plain(p, 10**6) for p in purposes):
                return None
            if "timestamp" in consent:
                return None  # parsed by the serializer (a datetime in its validated data)
            consent = {"notice_version": number, "purposes": list(purposes)}
        out["consent"] = consent
    return out


class AnswerSerializer(serializers.ModelSerializer):
    number = serializers.DecimalField(
        max_digits=20, decimal_places=6, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Answer
        fields = ["question_code", "item", "choice", "number", "text", "date", "boolean"]
        read_only_fields = fields


class SubmittedSerializer(serializers.ModelSerializer):
    """The result of a submission (stored with its idempotency key, replayed as is)."""

    id = serializers.CharField(read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    respondent_ref = serializers.CharField(source="respondent.respondent_ref", read_only=True)
    score = serializers.FloatField(allow_null=True, read_only=True)
    max_score = serializers.FloatField(allow_null=True, read_only=True)
    quality_flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "survey",
            "version",
            "respondent_ref",
            "status",
            "locale",
            "channel",
            "is_test",
            "submitted_at",
            "score",
            "max_score",
            "outcome_index",
            "quality_flags",
        ]
        read_only_fields = fields


def submitted_body(response: Response) -> dict[str, Any]:
    """What `SubmittedSerializer` gives for `response`, built directly (the submission path
    answers hundreds of these a second; tests hold the two equal)."""
    submitted = response.submitted_at
    return {
        "id": str(response.pk),
        "survey": response.survey_id,
        "version": response.version.number,
        "respondent_ref": response.respondent.respondent_ref,
        "status": response.status,
        "locale": response.locale,
        "channel": response.channel,
        "is_test": response.is_test,
        "submitted_at": serializers.DateTimeField().to_representation(submitted)
        if submitted
        else None,
        "score": float(response.score) if response.score is not None else None,
        "max_score": float(response.max_score) if response.max_score is not None else None,
        "outcome_index": response.outcome_index,
        "quality_flags": [str(flag) for flag in response.quality_flags],
    }


class SurveyResponseSerializer(SubmittedSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(SubmittedSerializer.Meta):
        fields = [*SubmittedSerializer.Meta.fields, "started_at", "answers"]
        read_only_fields = fields


class ResponseFilterSerializer(serializers.Serializer):
    survey = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=ResponseStatus.choices, required=False)
    submitted_after = serializers.DateTimeField(required=False)
    submitted_before = serializers.DateTimeField(required=False)


# Accounts -----------------------------------------------------------------------------


class ApiKeySerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiScope.choices))
    created_by = serializers.CharField(
        source="created_by.username", allow_null=True, read_only=True, default=None
    )
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields


class ApiKeyCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), allow_empty=False, max_length=20
    )


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(
        read_only=True, help_text="The full key. Shown once, now: only its hash is kept."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class OrganizationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class MembershipBriefSerializer(serializers.Serializer):
    organization = OrganizationBriefSerializer()
    role = serializers.CharField()


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()


class KeyBriefSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    organization = OrganizationBriefSerializer()


class MeSerializer(serializers.Serializer):
    user = UserBriefSerializer(allow_null=True)
    memberships = MembershipBriefSerializer(many=True)
    api_key = KeyBriefSerializer(allow_null=True)
