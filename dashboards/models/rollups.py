"""Rollups: what dashboards and metrics read instead of raw answers.

Every rollup row is additive (counts and sums), keyed by its full grain, so
aggregation can add a batch of new responses with one upsert and ISO weeks,
months and quarters derive from days. Sums are decimals: an incremental
build and a rebuild from raw data are equal to the last digit.
"""

from django.db import models

from surveys.models import SurveyVersion

SUM = {"max_digits": 28, "decimal_places": 6, "default": 0}


class Grain(models.Model):
    """The dimensions every rollup row is keyed by (with its survey version)."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # in the organization's time zone
    westin_segment = models.CharField(max_length=20, blank=True, default="")
    age_band = models.CharField(max_length=64, blank=True, default="")
    locale = models.CharField(max_length=16)
    channel = models.CharField(max_length=10)
    flagged = models.BooleanField(default=False)
    # Author-declared respondent attributes ({"region": "north", …}), from the
    # questions carrying a segment_attribute other than age_band.
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


GRAIN = [
    "version",
    "day",
    "westin_segment",
    "age_band",
    "locale",
    "channel",
    "flagged",
    "attributes",
]


class AnswerCells(models.Model):
    """An answer rollup row's question, item and bucket, and its sums."""

    question_code = models.CharField(max_length=64)
    item = models.CharField(max_length=64, blank=True, default="")
    # The choice code, the number as text, "true"/"false"; "" for free text.
    bucket = models.CharField(max_length=64, blank=True, default="")
    n = models.BigIntegerField(default=0)
    total = models.DecimalField(**SUM)
    total_sq = models.DecimalField(**SUM)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.question_code}[{self.item}]={self.bucket} {self.day}: {self.n}"  # type: ignore[attr-defined]


class AnswerRollup(Grain, AnswerCells):
    """Answers at the grain (version, question, item, bucket, day, segment dims)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*GRAIN[:1], "question_code", "item", "bucket", *GRAIN[1:]],
                name="uniq_answer_rollup_grain",
            ),
        ]
        indexes = [models.Index(fields=["version", "question_code", "day"])]


class AnswerDayRollup(AnswerCells):
    """AnswerRollup summed over the segment dimensions, per version, question, item, bucket, day.

    What answer reads without a segment or attribute filter use (every
    dashboard's default view). Its rows do not multiply with segment values,
    so a survey's count stops growing once each day has seen each answer,
    a few hundred responses a day, where AnswerRollup keeps growing with
    every new combination of day, segment values and answer. Kept in step
    with AnswerRollup by the same aggregation, recompute and rebuild code.
    """

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    flagged = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "question_code", "item", "bucket", "day", "flagged"],
                name="uniq_answer_day_rollup_grain",
            ),
        ]


# The segment dimensions a filter combines, in the order pair names list them.
PAIR_DIMS = ("westin_segment", "age_band", "locale", "channel")


def pair_name(dims: "set[str] | frozenset[str] | tuple[str, ...]") -> str:
    """The `pair` of AnswerPairRollup rows holding `dims` (two segment dimensions)."""
    return "+".join(d for d in PAIR_DIMS if d in dims)


class SegmentMargin(AnswerCells):
    """An answer margin keeping the four segment dimensions (PAIR_DIMS) per period:
    the shared fields of AnswerPairRollup and AnswerCellRollup.

    ``day`` is the period's first day (a week part's, a month's); a segment
    dimension a row is summed over holds "".
    """

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    flagged = models.BooleanField(default=False)
    westin_segment = models.CharField(max_length=20, blank=True, default="")
    age_band = models.CharField(max_length=64, blank=True, default="")
    locale = models.CharField(max_length=16, blank=True, default="")
    channel = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        abstract = True


def margin_grain(name: str, *after_version: str) -> models.UniqueConstraint:
    """The unique grain of a SegmentMargin table: its version (then `after_version`),
    question, item, bucket, period, quality flag and the four segment dimensions."""
    return models.UniqueConstraint(
        fields=[
            "version",
            *after_version,
            "question_code",
            "item",
            "bucket",
            "day",
            "flagged",
            *PAIR_DIMS,
        ],
        name=name,
    )


class AnswerPairRollup(SegmentMargin):
    """AnswerRollup summed to week parts and over all but two segment dimensions.

    What answer reads filtered by, or grouped by, at most two of the segment
    dimensions use (``MetricFilter.answer_grain``). Each answer counts once
    under every ``pair`` of PAIR_DIMS ("age_band+channel", …): the pair's two
    columns hold the response's values, the other two segment columns "".
    A single dimension is read from one of its pairs, summed over the
    partner. ``day`` is the start of the ISO week part the answers fall in
    (a week cut at a month's end, as weekly trends cut it), so weekly,
    monthly and quarterly periods and month ranges (the disclosure grid)
    all derive from it exactly. The rows of a pair stop growing once every
    week part has seen each answer under each pair of values, long before
    AnswerRollup's combinations of day and all four dimensions fill.
    Kept in step with AnswerRollup by the same aggregation, recompute and
    rebuild code.
    """

    pair = models.CharField(max_length=40)

    class Meta:
        constraints = [margin_grain("uniq_answer_pair_rollup_grain", "pair")]


class AnswerCellRollup(SegmentMargin):
    """AnswerRollup summed to calendar months (the disclosure grid cell), keeping the four
    segment dimensions: what answer reads use that combine three or four of them
    without periods finer than a month (a cross-tab by a segment under two other
    filters). ``day`` is the first of the month. Without the days, its rows stop
    growing once each month has seen each answer under each combination of
    values, where AnswerRollup's keep growing with the days. Kept in step with
    AnswerRollup by the same aggregation, recompute and rebuild code.
    """

    class Meta:
        constraints = [margin_grain("uniq_answer_cell_rollup_grain")]


class ResponseRollup(Grain):
    """Completed responses per (version, day, segment dims): the denominators."""

    n = models.BigIntegerField(default=0)
    score_total = models.DecimalField(**SUM)  # quiz scores
    score_total_sq = models.DecimalField(**SUM)
    # Cisco's Privacy Actives: respondents who answered all three items, and
    # those who said yes to all three.
    privacy_actives_known = models.BigIntegerField(default=0)
    privacy_actives = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=GRAIN, name="uniq_response_rollup_grain")]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.day}: {self.n}"


class ResponseScore(Grain):
    """A response's scores, as last added into ScoreRollup (so a change can subtract them)."""

    response_id = models.UUIDField(unique=True)
    respondent_id = models.UUIDField(db_index=True)
    stated = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    enacted = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    constructs = models.JSONField(default=dict)
    # Behaviour facts read by the policy-reading and data-request metrics.
    opened_notice = models.BooleanField(default=False)
    requested_data = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.response_id}: {self.stated} / {self.enacted}"


class ScoreRollup(Grain):
    """Sums over respondents of stated (x) and enacted (y) protection, by dimensions.

    From n, Σx, Σy, Σx², Σy², Σxy come means, SDs, the mean gap and its CI,
    and the correlation of stated and enacted protection. The x-only and
    y-only sums cover respondents with just one of the two scores.
    """

    n_x = models.BigIntegerField(default=0)
    sum_x_only = models.DecimalField(**SUM)
    sum_xx_only = models.DecimalField(**SUM)
    n_y = models.BigIntegerField(default=0)
    sum_y_only = models.DecimalField(**SUM)
    sum_yy_only = models.DecimalField(**SUM)
    n = models.BigIntegerField(default=0)  # respondents with both scores
    sum_x = models.DecimalField(**SUM)
    sum_y = models.DecimalField(**SUM)
    sum_xx = models.DecimalField(**SUM)
    sum_yy = models.DecimalField(**SUM)
    sum_xy = models.DecimalField(**SUM)
    paradoxical = models.BigIntegerField(default=0)
    # Respondents with an enacted score (n + n_y) who opened the notice / made
    # a data access request.
    notice_opened = models.BigIntegerField(default=0)
    data_requests = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=GRAIN, name="uniq_score_rollup_grain")]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.day}: n={self.n}"


class PurposeRollup(Grain):
    """Optional consent purposes: responses offered each one, and those that granted it."""

    purpose = models.CharField(max_length=64)
    offered = models.BigIntegerField(default=0)
    granted = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[*GRAIN, "purpose"], name="uniq_purpose_rollup_grain"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.day}: {self.granted}/{self.offered}"


class CrossTabRollup(Grain):
    """Answer pairs of a declared question pair (row × column) per response."""

    row_code = models.CharField(max_length=64)
    row_item = models.CharField(max_length=64, blank=True, default="")
    row_bucket = models.CharField(max_length=64, blank=True, default="")
    column_code = models.CharField(max_length=64)
    column_bucket = models.CharField(max_length=64, blank=True, default="")
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    *GRAIN[:1],
                    "row_code",
                    "row_item",
                    "row_bucket",
                    "column_code",
                    "column_bucket",
                    *GRAIN[1:],
                ],
                name="uniq_crosstab_rollup_grain",
            ),
        ]
        indexes = [models.Index(fields=["version", "row_code", "column_code"])]

    def __str__(self) -> str:
        return f"{self.row_code}={self.row_bucket} × {self.column_code}={self.column_bucket}"


class QuizScoreRollup(Grain):
    """Completed quiz responses per score."""

    score = models.DecimalField(max_digits=12, decimal_places=3)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[*GRAIN, "score"], name="uniq_quiz_score_rollup_grain"),
        ]

    def __str__(self) -> str:
        return f"score {self.score} {self.day}: {self.n}"


class WithdrawalRollup(Grain):
    """Responses whose respondent withdrew consent entirely (and so were erased).

    Counted when the erasure is taken out of the other rollups, at the grain
    the response had; raw data is gone, so rebuilds keep these rows.
    """

    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=GRAIN, name="uniq_withdrawal_rollup_grain"),
        ]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.day}: {self.n} withdrawn"


# Stated × enacted density


BINS = 5  # fifths of [0, 1]


class ScoreBinRollup(Grain):
    """Respondents per (stated, enacted) bin: the stated-versus-actual density from a rollup.

    Bins are fifths of [0, 1] (0–4; a score of 1 falls in bin 4). Only
    responses with both scores count. Kept in step with ScoreRollup by the
    same aggregation, recompute and score-refresh code.
    """

    stated_bin = models.PositiveSmallIntegerField()
    enacted_bin = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*GRAIN, "stated_bin", "enacted_bin"], name="uniq_score_bin_rollup_grain"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.day} [{self.stated_bin},{self.enacted_bin}]: {self.n}"
