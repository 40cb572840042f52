"""The quiz score distribution: a histogram of completed quiz responses' scores."""

import math
from decimal import Decimal

from django.db.models import Case, Max, Value, When

from ..models import QuizScoreRollup
from ..services.disclosure import Figure, tally_table
from ..services.suppression import protect_tallied
from .filters import MetricFilter

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
    scores = flt.apply(QuizScoreRollup.objects.all())
    observed = scores.aggregate(top=Max("score"))["top"]
    top = max(_max_score(flt), Decimal(observed or 0))
    distinct = scores.order_by().values_list("score", flat=True).distinct()
    whole = all(Decimal(s) == Decimal(s).to_integral_value() for s in distinct)
    if whole and top <= MAX_BUCKETS:
        width, buckets = 1, int(top) + 1
        labels = [str(p) for p in range(buckets)]
    else:
        width = max(1, math.ceil(float(top) / MAX_BUCKETS))
        buckets = math.floor(float(top) / width) + 1
        labels = [f"{i * width}–{(i + 1) * width - (1 if whole else 0)}" for i in range(buckets)]
    # The bucket of a score, in SQL, so each bucket is a tallied count (disclosure rule 6).
    bucket = Case(
        *[When(score__lt=(i + 1) * width, then=Value(labels[i])) for i in range(buckets - 1)],
        default=Value(labels[-1]),
    )
    counts, bad = tally_table(flt, model=QuizScoreRollup, row=Value(""), column=bucket)
    table = protect_tallied(counts, bad, rows=[""], columns=labels, min_cell=flt.min_cell)
    return list(zip(labels, table.cells[0], strict=True))
