"""Construct figures: the summary of a construct's per-respondent means (with its
correlation to a behaviour kind) and the [0, 1] indices (trust, privacy concern)
computed from answer rollups.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from ..models import ResponseRollup, ResponseScore
from ..services.disclosure import Figure, suppress
from .filters import MetricFilter


@dataclass(frozen=True, kw_only=True)
class ConstructSummary:
    construct: str
    min_cell: int
    mean: Figure  # of per-respondent raw means, on the items' own scale
    sd: Figure  # sample SD (n − 1)
    correlation: Figure | None  # Pearson r with a behaviour kind's per-respondent mean value
    kind: str | None


def construct_summary(
    flt: MetricFilter, *, construct: str, kind: str | None = None
) -> ConstructSummary:
    """Mean and SD of a construct's per-respondent raw means; r with a behaviour kind.

    A respondent's raw mean is the sum of the construct's answered item values
    divided by their count; respondents without any item are left out. For the
    correlation, a respondent's behaviour value is the mean of their events'
    numeric values of `kind`; respondents having both count.
    """
    from surveys.selectors.aggregation import respondent_events

    rows = flt.apply(ResponseScore.objects.all()).values_list("respondent_id", "constructs")
    means: dict[Any, float] = {}
    for respondent_id, constructs in rows:
        c = (constructs or {}).get(construct)
        if c and c.get("raw_n"):
            means[respondent_id] = float(Decimal(c["raw_sum"]) / c["raw_n"])
    n = len(means)
    values = list(means.values())
    mean = sum(values) / n if n else None
    sd = (
        math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
        if n > 1 and mean is not None
        else None
    )
    correlation = None
    if kind:
        events = respondent_events(means.keys())
        xs, ys = [], []
        for respondent_id, m in means.items():
            nums = [
                float(v)
                for k, v in events.get(respondent_id, [])
                if k == kind and isinstance(v, int | float) and not isinstance(v, bool)
            ]
            if nums:
                xs.append(m)
                ys.append(sum(nums) / len(nums))
        k = len(xs)
        r = None
        ci = None
        if k > 2:
            mx, my = sum(xs) / k, sum(ys) / k
            sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            sxx = sum((x - mx) ** 2 for x in xs)
            syy = sum((y - my) ** 2 for y in ys)
            if sxx > 0 and syy > 0:
                r = sxy / math.sqrt(sxx * syy)
                if k > 3 and abs(r) < 1:
                    z, half = math.atanh(r), 1.96 / math.sqrt(k - 3)
                    ci = (math.tanh(z - half), math.tanh(z + half))
        correlation = suppress(k, flt.min_cell, r, ci)
    return ConstructSummary(
        construct=construct,
        min_cell=flt.min_cell,
        mean=suppress(n, flt.min_cell, mean),
        sd=suppress(n, flt.min_cell, sd),
        correlation=correlation,
        kind=kind,
    )


TRUST_CONSTRUCTS = frozenset({"trust_brand"})


CONCERN_CONSTRUCTS = frozenset(
    {"privacy_concern", "iuipc_control", "iuipc_awareness", "iuipc_collection"}
)


def item_scales(flt: MetricFilter, constructs: frozenset[str]) -> dict[tuple, tuple]:
    """(version id, question, item) → (min, max, reverse) of items measuring `constructs`."""
    from surveys.selectors import version_spec

    out: dict[tuple, tuple] = {}
    for version in flt.published_versions:
        spec = version_spec(version)
        for q in spec.questions:
            values = [c.value for c in q.choices if c.value is not None]
            if len(values) < 2:
                continue
            lo, hi = min(values), max(values)
            if q.type == "matrix":
                for row in q.rows:
                    if (row.get("construct") or q.construct) in constructs:
                        out[(version.pk, q.code, row["code"])] = (
                            lo,
                            hi,
                            bool(row.get("reverse_coded")),
                        )
            elif q.construct in constructs and q.type in ("scale", "single_choice"):
                out[(version.pk, q.code, "")] = (lo, hi, q.reverse_coded)
    return out


def index_sums(rows: Iterable[dict[str, Any]], scales: dict[tuple, tuple]) -> tuple[Decimal, int]:
    """Σ (item mean on [0, 1], reversed when reverse-coded) × answers, and Σ answers.

    `rows` carry version_id, question_code, item, n and total of answer rollups.
    """
    weighted, answers = Decimal(0), 0
    for r in rows:
        key = (r["version_id"], r["question_code"], r["item"])
        if key not in scales or not r["n"]:
            continue
        lo, hi, reverse = scales[key]
        unit = (Decimal(r["total"]) / r["n"] - lo) / (hi - lo)
        weighted += (1 - unit if reverse else unit) * r["n"]
        answers += int(r["n"])
    return weighted, answers


def construct_index(flt: MetricFilter, constructs: frozenset[str]) -> Figure:
    """Mean item score in [0, 1] over every answer to the constructs' items.

    Computed from answer rollups: each item's mean comes from its count and
    sum, mapped to [0, 1] on its own scale (reversed when reverse-coded), and
    items are weighted by their number of answers. Suppressed by the number
    of responses.
    """
    scales = item_scales(flt, constructs)
    if not scales:
        return Figure(n=None)
    qs = (
        flt.answers(question_code__in={k[1] for k in scales})
        .values("version_id", "question_code", "item")
        .annotate(n=Sum("n"), total=Sum("total"))
    )
    weighted, answers = index_sums(qs, scales)
    respondents = flt.apply(ResponseRollup.objects.all()).aggregate(n=Sum("n"))["n"] or 0
    return suppress(int(respondents), flt.min_cell, float(weighted / answers) if answers else None)
