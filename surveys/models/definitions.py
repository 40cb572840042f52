"""Survey and quiz definitions: Survey → SurveyVersion → Section → Question → Choice.

Localized text fields are JSON objects keyed by locale code, e.g.
``{"en": "How much do you trust us?", "zh-Hant": "你有多信任我們？"}``.
A published version is frozen: its sections, questions and choices are never
edited again (services refuse); editing a live survey works on a new draft.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import QuestionType, SurveyKind, SurveyStatus, VersionStatus
from .accounts import Organization


class Survey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices, default=SurveyKind.SURVEY)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    default_locale = models.CharField(max_length=16, default="en")
    locales = models.JSONField(default=list)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    response_quota = models.PositiveIntegerField(null=True, blank=True)
    consent_notice = models.ForeignKey(
        "ConsentNotice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    live_version = models.ForeignKey(
        "SurveyVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SurveyStatus.values), name="survey_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="survey_opens_before_closes",
            ),
        ]

    def __str__(self) -> str:
        return self.title_for(self.default_locale) or self.slug

    def title_for(self, locale: str) -> str:
        return str(self.title.get(locale) or self.title.get(self.default_locale) or "")


class SurveyVersion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # Quiz score bands: [{"min": 0, "max": 4, "title": {...}, "text": {...}}, ...]
    outcomes = models.JSONField(default=list, blank=True)
    # Survey-level texts shown around the questions ({"intro": {...}, "thanks": {...}}).
    texts = models.JSONField(default=dict, blank=True)
    # How it is analysed: {"crosstabs": [{"row", "column"}], "paradox": {…}} (docs/METRICS.md).
    analysis = models.JSONField(default=dict, blank=True)
    # Translations that predate a change of the default-language text they
    # translate: {text key: [locales]} (surveys/authoring/services/translations.py).
    stale_translations = models.JSONField(default=dict, blank=True)
    # The whole definition as published (a frozen snapshot, for audit and export).
    snapshot = models.JSONField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="uniq_version_number"),
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(status=VersionStatus.DRAFT),
                name="one_draft_version_per_survey",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class Section(models.Model):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)
    title = models.JSONField(default=dict, blank=True)
    description = models.JSONField(default=dict, blank=True)
    # Show the section only when this condition holds (null: always).
    display_logic = models.JSONField(null=True, blank=True)
    # After this section: [{"when": <condition>, "to": "<section code>" | "end"}, ...]
    skip_logic = models.JSONField(default=list, blank=True)
    randomize_questions = models.BooleanField(default=False)

    class Meta:
        ordering = ["version_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_section_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Question(models.Model):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    text = models.JSONField(default=dict)
    help_text = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    # Type-specific settings: min/max/step, max_length, min/max selections,
    # matrix rows, date bounds, placeholder... (validated by the definition schema).
    settings = models.JSONField(default=dict, blank=True)
    display_logic = models.JSONField(null=True, blank=True)
    allow_other = models.BooleanField(default=False)
    randomize_choices = models.BooleanField(default=False)
    construct = models.CharField(max_length=64, blank=True)
    reverse_coded = models.BooleanField(default=False)
    points = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    # Later work: consent purpose, quasi-identifier and segment-attribute flags.
    purpose = models.CharField(max_length=64, blank=True)
    quasi_identifier = models.BooleanField(default=False)
    segment_attribute = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_question_code"),
            models.CheckConstraint(
                condition=Q(type__in=QuestionType.values), name="question_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    code = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)
    label = models.JSONField(default=dict)
    # Numeric value (scales: the point's value; otherwise optional, for scoring).
    value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    is_correct = models.BooleanField(default=False)
    feedback = models.JSONField(default=dict, blank=True)
    exclusive = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="uniq_choice_code"),
        ]

    def __str__(self) -> str:
        return self.code
