"""Rollups: what dashboards and metrics read instead of raw answers.

Every rollup row is additive (counts and sums), keyed by its full grain, so
aggregation can add a batch of new responses with one upsert and ISO weeks,
months and quarters derive from days. Sums are decimals: an incremental
build and a rebuild from raw data are equal to the last digit.
"""

from django.db import models

from surveys.models import SurveyVersion

SUM = {"max_digits": 28, "decimal_places": 6, "default": 0}


class AnswerRollup(models.Model):
    """Answers at the grain (version, question, item, bucket, day, segment dims)."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+")
    question_code = models.CharField(max_length=64)
    item = models.CharField(max_length=64, blank=True, default="")
    # The choice code, the number as text, "true"/"false"; "" for free text.
    bucket = models.CharField(max_length=64, blank=True, default="")
    day = models.DateField()  # in the organization's time zone
    westin_segment = models.CharField(max_length=20, blank=True, default="")
    age_band = models.CharField(max_length=64, blank=True, default="")
    locale = models.CharField(max_length=16)
    channel = models.CharField(max_length=10)
    flagged = models.BooleanField(default=False)
    n = models.BigIntegerField(default=0)
    total = models.DecimalField(**SUM)
    total_sq = models.DecimalField(**SUM)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "version",
                    "question_code",
                    "item",
                    "bucket",
                    "day",
                    "westin_segment",
                    "age_band",
                    "locale",
                    "channel",
                    "flagged",
                ],
                name="uniq_answer_rollup_grain",
            ),
        ]
        indexes = [models.Index(fields=["version", "question_code", "day"])]

    def __str__(self) -> str:
        return f"{self.question_code}[{self.item}]={self.bucket} {self.day}: {self.n}"


class ResponseRollup(models.Model):
    """Completed responses per (version, day, segment dims): the denominators."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    westin_segment = models.CharField(max_length=20, blank=True, default="")
    age_band = models.CharField(max_length=64, blank=True, default="")
    locale = models.CharField(max_length=16)
    channel = models.CharField(max_length=10)
    flagged = models.BooleanField(default=False)
    n = models.BigIntegerField(default=0)
    score_total = models.DecimalField(**SUM)  # quiz scores
    score_total_sq = models.DecimalField(**SUM)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "version",
                    "day",
                    "westin_segment",
                    "age_band",
                    "locale",
                    "channel",
                    "flagged",
                ],
                name="uniq_response_rollup_grain",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.day}: {self.n}"
