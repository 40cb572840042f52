"""What dashboards write out for people: transparency reports, research exports, DP releases."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile

from ..enums import DPMechanism, ExportFormat, ExportLayout, ExportStatus, TimeGranularity

# Transparency reports

# One printed PDF per language of the site (settings.LANGUAGES), each in its own field.
REPORT_PDF_FIELDS = {"en": "pdf", "zh-hant": "pdf_zh_hant"}


class TransparencyReport(models.Model):
    """An organization's transparency report for one quarter or year (figures already suppressed).

    ``quarter`` is 1–4 for a quarterly report and 0 for an annual one. ``data``
    holds the report's figures as computed at ``generated_at``; a report of a
    period not yet over says so (``ends_on`` in the future) and is regenerated
    by the next run.
    """

    organization = models.ForeignKey(
        "surveys.Organization", on_delete=models.CASCADE, related_name="transparency_reports"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(default=0)
    starts_on = models.DateField()
    ends_on = models.DateField()  # inclusive
    data = models.JSONField(default=dict)
    generated_at = models.DateTimeField()
    pdf = models.FileField(upload_to="transparency/", blank=True)  # English
    pdf_zh_hant = models.FileField(upload_to="transparency/", blank=True)  # Traditional Chinese
    pdf_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "quarter"], name="uniq_transparency_report"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=0, quarter__lte=4),
                name="transparency_quarter_0_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    def pdf_file(self, language: str) -> FieldFile | None:
        """The stored PDF printed in ``language`` (a code of LANGUAGES), or None."""
        field = REPORT_PDF_FIELDS.get(language.lower())
        return getattr(self, field) if field else None


# Research exports


class SurveyExportSettings(models.Model):
    """What a survey's exports must protect: quasi-identifiers, sensitive attributes, free text.

    One row per survey, created with defaults on first read
    (dashboards.exports.services.export_settings_get).
    """

    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.CASCADE, related_name="export_settings"
    )
    # Question codes and response fields ("submitted_at", "locale", "channel").
    quasi_identifiers = models.JSONField(default=list, blank=True)
    # Question codes (choice-type) checked for l-diversity when an export asks for l.
    sensitive_attributes = models.JSONField(default=list, blank=True)
    include_free_text = models.BooleanField(default=False)
    # The finest time an export may show (submitted_at is generalized at least to this).
    time_granularity = models.CharField(
        max_length=10, choices=TimeGranularity.choices, default=TimeGranularity.MONTH
    )
    # Differential-privacy budget of the survey (sum of ε over its releases).
    epsilon_budget = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("3"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(epsilon_budget__gt=0), name="export_epsilon_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"export settings of survey {self.survey_id}"


class ExportJob(models.Model):
    """One researcher export: parameters, progress, the file and its anonymization report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "surveys.Organization", on_delete=models.CASCADE, related_name="export_jobs"
    )
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    versions = models.JSONField(default=list, blank=True)  # version numbers; [] = all
    columns = models.JSONField(default=list, blank=True)  # question codes; [] = all
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    layout = models.CharField(
        max_length=10, choices=ExportLayout.choices, default=ExportLayout.WIDE
    )
    excel_bom = models.BooleanField(default=False)
    k = models.PositiveSmallIntegerField()
    l_diversity = models.PositiveSmallIntegerField(null=True, blank=True)
    max_suppression = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.05"))
    purpose = models.TextField()
    # The requester's language (a code of LANGUAGES): the codebooks are written in it.
    language = models.CharField(max_length=16, default="en")
    # Only an HMAC of a researcher's study key is kept (it salts the pseudonymous ids).
    study_key_hmac = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    rows_total = models.BigIntegerField(null=True, blank=True)
    rows_written = models.BigIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True, default="")
    file_size = models.BigIntegerField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(k__gte=2), name="export_k_at_least_2"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_max"),
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="export_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="export_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.id} ({self.format}, {self.status})"


class DPRelease(models.Model):
    """A differentially private table of counts and means per segment, and its noise."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "surveys.Organization", on_delete=models.CASCADE, related_name="dp_releases"
    )
    purpose = models.TextField()
    mechanism = models.CharField(max_length=10, choices=DPMechanism.choices)
    epsilon = models.DecimalField(max_digits=8, decimal_places=4)
    delta = models.FloatField(null=True, blank=True)
    segment_by = models.CharField(max_length=64, blank=True, default="")
    variables = models.JSONField(default=list)  # [{"code", "lower", "upper"}]
    table = models.JSONField(default=list)  # released cells only
    noise = models.JSONField(default=dict)  # mechanism parameters per statistic
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(epsilon__gt=0), name="dp_epsilon_positive"),
        ]

    def __str__(self) -> str:
        return f"DP release {self.pk} (ε={self.epsilon})"
