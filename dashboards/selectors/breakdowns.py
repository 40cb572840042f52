"""Breakdowns for the dashboards: one grouped rollup query each, suppressed before they leave.

- ``segment_breakdown``: respondents and Privacy Actives per value of every
  segment dimension (one query over ResponseRollup grouped by all four
  dimensions, marginalised here);
- ``paradox_by_segment``: the gap per value of every dimension (one query);
- ``stated_enacted_bins``: respondents per (stated, enacted) bin: the
  stated-versus-actual density, never individual respondents (one query);
- ``question_by_segment``: a question against a segment dimension (one query).

Tables with margins go through complementary suppression
(``suppression.protect_table``); each segment's figures are what the query
filtered to that segment would show (``disclosure.tally_by``: one more
grouped query per rollup), so a breakdown never publishes what the filtered
view withholds (docs/DISCLOSURE.md).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum

from ..models import BINS, ResponseRollup, ScoreBinRollup, ScoreRollup
from ..services.disclosure import WITHHELD, Figure, proportion, tally_by, tally_table
from ..services.suppression import ProtectedTable, protect_parts, protect_tallied
from .counts import RESPONSE_COUNTS, SCORE_COUNTS
from .filters import SEGMENTS, MetricFilter
from .paradox import SCORE_SUMS, ParadoxGroup, guard_paradox, paradox_stats


@dataclass(frozen=True, kw_only=True)
class SegmentGroup:
    dimension: str
    key: str
    respondents: Figure  # count, complementary-suppressed within the dimension
    share: Figure  # of all respondents in the filter
    privacy_actives_share: Figure


def segment_breakdown(flt: MetricFilter) -> dict[str, list[SegmentGroup]]:
    """Per dimension, its values with respondents, share and Privacy Actives share."""
    rows = list(
        flt.apply(ResponseRollup.objects.all())
        .values(*SEGMENTS)
        .annotate(n=Sum("n"), known=Sum("privacy_actives_known"), active=Sum("privacy_actives"))
        .order_by(*SEGMENTS)
    )
    total = sum(int(r["n"]) for r in rows)
    verdicts = tally_by(flt, [f"segment:{d}" for d in SEGMENTS], [RESPONSE_COUNTS])
    out: dict[str, list[SegmentGroup]] = {}
    for dim in SEGMENTS:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in rows:
            s = sums[r[dim] or ""]
            s[0] += int(r["n"])
            s[1] += int(r["known"] or 0)
            s[2] += int(r["active"] or 0)
        keys = sorted(sums, key=lambda k: k or "unknown")
        table = protect_parts([sums[k][0] for k in keys], min_cell=flt.min_cell, total=total)
        groups = []
        for k, cell in zip(keys, table.cells[0], strict=True):
            n, known, active = sums[k]
            bad = verdicts.get((f"segment:{dim}", k), ({}, frozenset()))[1]
            hidden = cell.suppressed or "responses" in bad
            actives = proportion(active, known, min_cell=flt.min_cell)
            groups.append(
                SegmentGroup(
                    dimension=dim,
                    key=k or "unknown",
                    respondents=WITHHELD if hidden else cell,
                    share=WITHHELD if hidden else Figure(n=n, value=n / total),
                    privacy_actives_share=Figure(n=None)  # not measured
                    if known == 0
                    else WITHHELD
                    if hidden or {"actives_known", "actives", "not_actives"} & bad
                    else actives,
                )
            )
        out[dim] = groups
    return out


def paradox_by_segment(
    flt: MetricFilter, dims: tuple[str, ...] = SEGMENTS
) -> dict[str, list[ParadoxGroup]]:
    """The privacy-paradox gap per value of each of `dims` (each group suppressed)."""
    rows = list(
        flt.apply(ScoreRollup.objects.all())
        .values(*dims)
        .annotate(**{k: Sum(k) for k in SCORE_SUMS})
        .order_by(*dims)
    )
    verdicts = tally_by(flt, [f"segment:{d}" for d in dims], [SCORE_COUNTS])
    out: dict[str, list[ParadoxGroup]] = {}
    for dim in dims:
        sums: dict[str, dict[str, Decimal]] = defaultdict(
            lambda: {k: Decimal(0) for k in SCORE_SUMS}
        )
        for r in rows:
            s = sums[r[dim] or ""]
            for k in SCORE_SUMS:
                s[k] += Decimal(r[k] or 0)
        out[dim] = [
            guard_paradox(
                paradox_stats(sums[k], flt.min_cell, key=k or "unknown"),
                verdicts.get((f"segment:{dim}", k), ({}, frozenset()))[1],
            )
            for k in sorted(sums, key=lambda k: k or "unknown")
        ]
    return out


@dataclass(frozen=True, kw_only=True)
class Bins:
    """Respondents by stated (rows) and enacted (columns) protection, in fifths of [0, 1]."""

    edges: list[str]
    table: ProtectedTable


def stated_enacted_bins(flt: MetricFilter) -> Bins:
    """Binned density of stated × enacted protection (complementary-suppressed).

    Every bin and margin is checked against related queries (``tally_table``).
    """
    counts, bad = tally_table(
        flt, model=ScoreBinRollup, row=F("stated_bin"), column=F("enacted_bin")
    )
    labels = [str(i) for i in range(BINS)]
    edges = [f"{i / BINS:.1f}–{(i + 1) / BINS:.1f}" for i in range(BINS)]
    table = protect_tallied(counts, bad, rows=labels, columns=labels, min_cell=flt.min_cell)
    return Bins(edges=edges, table=table)


@dataclass(frozen=True, kw_only=True)
class SegmentCrossTab:
    question: str
    item: str
    dimension: str
    rows: list[str]  # buckets
    columns: list[str]  # segment values
    table: ProtectedTable


def question_by_segment(
    flt: MetricFilter,
    *,
    question: str,
    dimension: str,
    item: str = "",
    buckets: list[str] | None = None,
) -> SegmentCrossTab:
    """Answers to one question (rows: buckets) by one segment dimension (columns)."""
    if dimension not in SEGMENTS:
        raise ValueError(f"dimension must be one of {SEGMENTS}")
    model, narrow = flt.answer_grain(dimension)
    counts, bad = tally_table(
        flt,
        model=model,
        row=F("bucket"),
        column=F(dimension),
        lookups={**narrow, "question_code": question, "item": item},
    )

    def column(x: str | None) -> str | None:
        return x if x is None else x or "unknown"

    counts = {(r, column(c)): n for (r, c), n in counts.items()}
    bad = frozenset((r, column(c)) for r, c in bad)
    seen = sorted({r for r, c in counts if r is not None and c is not None})
    row_keys = [b for b in (buckets or []) if b in seen] + [
        b for b in seen if b not in (buckets or [])
    ]
    col_keys = sorted({c for r, c in counts if r is not None and c is not None})
    return SegmentCrossTab(
        question=question,
        item=item,
        dimension=dimension,
        rows=row_keys,
        columns=col_keys,
        table=protect_tallied(counts, bad, rows=row_keys, columns=col_keys, min_cell=flt.min_cell),
    )
