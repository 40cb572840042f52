"""Answer distributions: counts per answer bucket of a question (never free text),
read from the answer rollups with every bucket checked against related queries, and
the Net Promoter Score computed from them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum, Value

from ..services.disclosure import WITHHELD, Figure, derived, suppress, tally_table
from .counts import excluded_flagged
from .filters import MetricFilter


@dataclass(frozen=True, kw_only=True)
class Distribution:
    question: str
    item: str
    min_cell: int
    total: Figure
    buckets: list[tuple[str, Figure]]
    mean: Figure
    excluded_flagged: int | None


def distribution(flt: MetricFilter, *, question: str, item: str = "") -> Distribution:
    """Counts per answer bucket of one question (never free text).

    The buckets are parts of the total (rule 4) and each is checked against
    related queries (rules 6 and 7: ``tally_table``).
    """
    return distributions(flt, [(question, item)])[(question, item)]


# Between a question's code and its matrix item in a tallied row's label.
ITEM_SEP = "\x1e"


def distributions(
    flt: MetricFilter, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Distribution]:
    """``distribution`` of each (question, item) in `keys`, read together.

    One ``tally_table`` whose rows are the (question, item) pairs: every
    entry is judged on its own counts, so each pair's buckets and total are
    withheld exactly as ``distribution`` of that pair alone (the metrics
    API's) would withhold them. The dashboard's items panel reads this.
    """
    from django.db.models import CharField
    from django.db.models.functions import Concat

    from ..services.suppression import protect_tallied

    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    model, narrow = flt.answer_grain()
    codes = sorted({q for q, _ in wanted})
    row = Concat(F("question_code"), Value(ITEM_SEP), F("item"), output_field=CharField())
    lookups: dict[str, Any] = {"question_code__in": codes}
    counts, bad = tally_table(
        flt, model=model, row=row, column=F("bucket"), lookups={**narrow, **lookups}
    )
    sums = {
        (r["question_code"], r["item"]): Decimal(r["t"] or 0)
        for r in flt.answers(**lookups)
        .values("question_code", "item")
        .annotate(t=Sum("total"))
        .order_by()
    }
    excluded = excluded_flagged(flt)
    out = {}
    for question, item in wanted:
        label = f"{question}{ITEM_SEP}{item}"
        # The pair's entries as a table of one row: a bucket is its cell and its
        # column's margin, the pair's total its row margin and the grand total.
        mine: dict[tuple[str | None, str | None], int] = {
            ("", c): n for (r, c), n in counts.items() if r == label
        }
        mine |= {(None, c): n for (_, c), n in list(mine.items())}
        withheld = {(x, c) for r, c in bad if r == label for x in ("", None)}
        labels = sorted(c for r, c in mine if r is not None and c is not None)
        table = protect_tallied(mine, withheld, rows=[""], columns=labels, min_cell=flt.min_cell)
        n = mine.get(("", None), 0)
        total = sums.get((question, item), Decimal(0))
        mean = float(total / n) if n else None
        buckets = table.cells[0] if labels else []
        out[(question, item)] = Distribution(
            question=question,
            item=item,
            min_cell=flt.min_cell,
            total=table.total if labels else suppress(0, flt.min_cell),
            buckets=list(zip(labels, buckets, strict=True)),
            # With a bucket withheld, the mean is one more equation over the withheld counts.
            mean=derived(mean, table.total, *buckets, n=n),
            excluded_flagged=excluded,
        )
    return out


def nps(flt: MetricFilter, *, question: str, shown: Distribution | None = None) -> Figure:
    """Net Promoter Score: % promoters (9–10) minus % detractors (0–6).

    Computed from the question's distribution (`shown`, else read) and
    published beside it: one more equation over its buckets, so withheld
    with its total or any bucket (rule 3).
    """
    shown = shown or distribution(flt, question=question)
    if not shown.buckets:
        return suppress(0, flt.min_cell)
    if shown.total.suppressed or any(f.suppressed for _, f in shown.buckets):
        return WITHHELD
    counts: dict[int, int] = defaultdict(int)
    for bucket, f in shown.buckets:
        try:
            counts[int(Decimal(bucket))] += f.n or 0
        except (ArithmeticError, ValueError):
            continue
    total = sum(counts.values())
    if not total:
        return suppress(0, flt.min_cell)
    promoters = sum(n for score, n in counts.items() if score >= 9)
    detractors = sum(n for score, n in counts.items() if score <= 6)
    return Figure(n=total, value=100.0 * (promoters - detractors) / total)
