"""The quiz score distribution: a histogram of completed quiz responses' scores."""

import math
from decimal import Decimal

from django.db.models import Sum

from ..models import QuizScoreRollup
from .metrics import Figure, MetricFilter, suppress

MAX_BUCKETS = 20


def _max_score(flt: MetricFilter) -> Decimal:
    from surveys.selectors import version_spec

    return max((version_spec(v).max_score for v in flt.published_versions), default=Decimal(0))


def quiz_score_distribution(flt: MetricFilter) -> list[tuple[str, Figure]]:
    """Bucket label → count of responses, ordered by score (each count suppressed).

    Whole-number scores up to 20 points get one bucket per score ("0", "1", …);
    otherwise the range 0 … max score is cut into 20 buckets of equal whole
    width, labelled "low–high" (both inclusive for whole-number scores;
    high exclusive, except in the last bucket, for fractional ones). Every bucket of the range is
    listed, empty ones too (an empty count is below the minimum cell, so it
    is withheld like any small count). [] for a survey that is not a quiz.
    """
    if flt.survey.kind != "quiz":
        return []
    rows = (
        flt.apply(QuizScoreRollup.objects.all())
        .values_list("score")
        .annotate(n=Sum("n"))
        .values_list("score", "n")
    )
    counts = {Decimal(score): int(n) for score, n in rows}
    top = max([_max_score(flt), *counts], default=Decimal(0))
    whole = all(s == s.to_integral_value() for s in counts)
    if whole and top <= MAX_BUCKETS:
        return [
            (
                str(p),
                suppress(counts.get(Decimal(p), 0), flt.min_cell, float(counts.get(Decimal(p), 0))),
            )
            for p in range(int(top) + 1)
        ]
    width = max(1, math.ceil(float(top) / MAX_BUCKETS))
    buckets = math.floor(float(top) / width) + 1
    totals = [0] * buckets
    for score, n in counts.items():
        totals[min(int(score // width), buckets - 1)] += n
    out = []
    for i, n in enumerate(totals):
        low, high = i * width, (i + 1) * width - (1 if whole else 0)
        label = f"{low}–{high}"
        out.append((label, suppress(n, flt.min_cell, float(n))))
    return out
