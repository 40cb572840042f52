"""Shapes of the surveys, versions, sections, questions and file imports of the API.

Request serializers check types and shapes only (what is a list, an object, a
number); the rules of the domain (codes, locales, logic, answers) belong to the
services, which report every error with its path. Section and question bodies
are definition-document objects, checked by the definition rules themselves:
their serializers here describe them for the schema.
"""

from typing import Any

from rest_framework import serializers

from trustpulse.api.serializers import ErrorItemSerializer, StrictSerializer

from ...enums import (
    ImportFormat,
    QuestionType,
    ReportAction,
    SurveyKind,
)
from ...models import (
    Choice,
    Question,
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
