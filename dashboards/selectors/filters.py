"""The metric filter: which survey versions, days, segments and declared attributes a
reading covers, and which answer rollup reads it in the fewest rows.

Query parameters become a MetricFilter in one place (`dashboards.metric_filter`);
every selector narrows its rollups through ``MetricFilter.apply``.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.expressions import Expression
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Exact

from surveys.models import Survey, SurveyVersion

from ..models import (
    PAIR_DIMS,
    AnswerCellRollup,
    AnswerDayRollup,
    AnswerPairRollup,
    AnswerRollup,
    pair_name,
)
from ..services.disclosure import snap

SEGMENTS = ("westin_segment", "age_band", "locale", "channel")


# The partner a single segment dimension is read with from the pair margin.
PAIR_PARTNERS = ("locale", "channel")


_VERSION_IDS: dict[tuple[Any, ...], list[int]] = {}


@dataclass(frozen=True, kw_only=True)
class MetricFilter:
    survey: Survey
    versions: list[int] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    segments: dict[str, str] = field(default_factory=dict)
    # Author-declared respondent attributes, e.g. {"region": "north"}.
    attributes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Whole grid cells only (disclosure rule 7): ranges one day apart
        # would otherwise differ by that day's respondents.
        date_from, date_to = snap(self.date_from, self.date_to)
        object.__setattr__(self, "date_from", date_from)
        object.__setattr__(self, "date_to", date_to)

    def apply(self, qs: QuerySet[Any], *, flagged: bool = False) -> QuerySet[Any]:
        """`qs` narrowed to this filter's clean responses (`flagged`: its flagged ones)."""
        # The version ids as literals, not a join to the survey: PostgreSQL then
        # estimates the rollup rows from its statistics and aggregates by hash,
        # where through the join it guessed a few hundred rows and sorted them.
        qs = qs.filter(version_id__in=self.version_ids)
        if self.date_from:
            qs = qs.filter(day__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(day__lte=self.date_to)
        qs = qs.filter(flagged=flagged)
        for name, value in self.segments.items():
            if name in SEGMENTS:
                qs = qs.filter(**{name: value})
        for name, value in sorted(self.attributes.items()):
            qs = qs.filter(Exact(KeyTextTransform(name, "attributes"), value))
        return qs

    @property
    def segmented(self) -> bool:
        """Whether a segment or attribute narrows the filter (reads need the full grain)."""
        return bool(self.attributes) or any(name in SEGMENTS for name in self.segments)

    def answer_grain(
        self, *dimensions: str, periods: bool = False
    ) -> tuple[type[Any], dict[str, Any]]:
        """The answer rollup (and the lookups narrowing it) that reads this filter's
        answers grouped by `dimensions` (segment dimensions) in the fewest rows.

        Without a segment or attribute in the filter or the grouping, the day
        margin (AnswerDayRollup); with one or two segment dimensions in all,
        the pair margin holding them (AnswerPairRollup, one `pair` of its
        rows: a single dimension is read summed over a partner); with three
        or four, the month cells (AnswerCellRollup) unless the reader groups
        by `periods` (weeks need days); otherwise the full grain
        (AnswerRollup). Each holds the same sums of the same answers, so
        every reader's figures and every disclosure check's counts are equal
        whichever is read (docs/PERFORMANCE.md).
        """
        dims = {name for name in self.segments if name in SEGMENTS} | set(dimensions)
        if self.attributes or not dims <= set(PAIR_DIMS):
            return AnswerRollup, {}
        if not dims:
            return AnswerDayRollup, {}
        if len(dims) == 1:
            # The partner: a dimension with few values (the fewest rows per value).
            dims.add(next(d for d in PAIR_PARTNERS if d not in dims))
        if len(dims) == 2:
            return AnswerPairRollup, {"pair": pair_name(dims)}
        return (AnswerRollup, {}) if periods else (AnswerCellRollup, {})

    def answers(self, *, periods: bool = False, **lookups: Any) -> QuerySet[Any]:
        """Answer rollups under this filter, `lookups` applied (e.g. question_code=…),
        read from the grain ``answer_grain`` names (`periods`: grouped by weeks)."""
        model, narrow = self.answer_grain(periods=periods)
        return self.apply(model.objects.filter(**narrow, **lookups))

    @property
    def min_cell(self) -> int:
        return self.survey.organization.min_cell

    @cached_property
    def version_ids(self) -> list[int]:
        """Ids of the survey's versions the filter covers (cached per process).

        Keyed by the survey's ``updated_at``, which publishing a version bumps;
        only published versions have responses, so a draft created since is
        missed harmlessly.
        """
        key = (self.survey.pk, str(self.survey.updated_at), tuple(sorted(self.versions or ())))
        ids = _VERSION_IDS.get(key)
        if ids is None:
            versions = SurveyVersion.objects.filter(survey=self.survey)
            if self.versions:
                versions = versions.filter(number__in=self.versions)
            if len(_VERSION_IDS) > 1024:
                _VERSION_IDS.clear()
            ids = _VERSION_IDS[key] = sorted(versions.values_list("pk", flat=True))
        return ids

    @cached_property
    def published_versions(self) -> list[SurveyVersion]:
        """The survey's published versions the filter covers (read once per filter)."""
        versions = self.survey.versions.filter(status="published")
        if self.versions:
            versions = versions.filter(number__in=self.versions)
        return list(versions)


def dimension(name: str) -> F | Expression:
    """The rollup column (built-in segment) or declared attribute called `name`."""
    if name in SEGMENTS:
        return F(name)
    return KeyTextTransform(name, "attributes")


def declared_attributes(survey: Survey) -> list[str]:
    """Attributes the survey's versions declare on questions (segment_attribute), sorted."""
    from surveys.models import Question

    names = (
        Question.objects.filter(version__survey=survey)
        .exclude(segment_attribute__in=("", "age_band"))
        .values_list("segment_attribute", flat=True)
        .distinct()
    )
    return sorted(set(names))


def constraint_name(dim: str) -> str:
    """The disclosure module's name of a segment or declared attribute."""
    return f"segment:{dim}" if dim in SEGMENTS else f"attribute:{dim}"
