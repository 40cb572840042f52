"""The headline metrics of a survey (``overview``); every figure leaves through the
disclosure rule.

The rule (``disclosure``, docs/DISCLOSURE.md): no figure, alone or with any
other published figure, gives away a count of fewer than the organization's
minimum cell (SUPPRESSION_MIN_CELL, default 10, never below 5); such figures
are withheld and marked ``suppressed``. Formulas: docs/METRICS.md.

The other figures have modules of their own: ``filters`` (MetricFilter),
``counts``, ``paradox``, ``distributions`` and ``constructs``.
"""

from dataclasses import dataclass

from django.db.models import Sum

from ..models import PurposeRollup, ResponseRollup
from ..services.disclosure import WITHHELD, Figure, proportion, shares, suppress, tally
from .constructs import CONCERN_CONSTRUCTS, TRUST_CONSTRUCTS, construct_index
from .counts import OVERVIEW_SOURCES, excluded_flagged
from .filters import MetricFilter
from .paradox import paradox


def westin_shares(flt: MetricFilter) -> list[tuple[str, Figure]]:
    """Share of each Westin segment among respondents who answered all three items."""
    rows = (
        flt.apply(ResponseRollup.objects.exclude(westin_segment=""))
        .values("westin_segment")
        .annotate(n=Sum("n"))
        .order_by("westin_segment")
    )
    total = sum(int(r["n"]) for r in rows)
    parts = shares([int(r["n"]) for r in rows], min_cell=flt.min_cell, total=total)
    return [(r["westin_segment"], f) for r, f in zip(rows, parts, strict=True)]


def privacy_actives_share(flt: MetricFilter) -> Figure:
    """Share of Privacy Actives among respondents who answered the three items.

    Nobody who answered them: not measured here (n and value null, not withheld).
    """
    s = flt.apply(ResponseRollup.objects.all()).aggregate(
        known=Sum("privacy_actives_known"), active=Sum("privacy_actives")
    )
    known = int(s["known"] or 0)
    if not known:
        return Figure(n=None)
    return proportion(int(s["active"] or 0), known, min_cell=flt.min_cell)


def opt_in_rates(flt: MetricFilter) -> list[tuple[str, Figure]]:
    """Per optional consent purpose: the share of respondents offered it who granted it.

    Withdrawals count: a purpose withdrawn after submission is no longer granted.
    Suppressed by the number of respondents offered the purpose.
    """
    rows = (
        flt.apply(PurposeRollup.objects.all())
        .values("purpose")
        .annotate(offered=Sum("offered"), granted=Sum("granted"))
        .order_by("purpose")
    )
    return [
        (
            r["purpose"],
            proportion(int(r["granted"]), int(r["offered"]), min_cell=flt.min_cell),
        )
        for r in rows
        if r["offered"]
    ]


@dataclass(frozen=True, kw_only=True)
class Overview:
    min_cell: int
    responses: Figure
    trust_index: Figure
    privacy_concern_index: Figure
    paradox_gap: Figure
    paradoxical_share: Figure
    privacy_actives_share: Figure
    westin: list[tuple[str, Figure]]
    opt_in: list[tuple[str, Figure]]
    excluded_flagged: int | None


def overview(flt: MetricFilter) -> Overview:
    """The headline figures of a survey, each withheld when it or a related query would
    give away a small count (disclosure rules 1–7)."""
    counts, bad = tally(flt, OVERVIEW_SOURCES)

    def keep(f: Figure, *keys: str) -> Figure:
        return WITHHELD if any(k in bad for k in keys) else f

    n = counts.get("responses", 0)
    gap = paradox(flt).groups[0]
    westin = westin_shares(flt)
    return Overview(
        min_cell=flt.min_cell,
        responses=keep(suppress(n, flt.min_cell, float(n)), "responses"),
        trust_index=keep(construct_index(flt, TRUST_CONSTRUCTS), "responses"),
        privacy_concern_index=keep(construct_index(flt, CONCERN_CONSTRUCTS), "responses"),
        paradox_gap=keep(gap.gap, "scored"),
        paradoxical_share=keep(gap.paradoxical_share, "scored", "paradoxical", "not_paradoxical"),
        privacy_actives_share=keep(
            privacy_actives_share(flt), "actives_known", "actives", "not_actives"
        ),
        # A share withheld by a related query leaves the line: withhold them all then.
        westin=[
            (s, WITHHELD if any(k.startswith("westin") for k in bad) else f) for s, f in westin
        ],
        opt_in=[
            (p, keep(f, f"offered:{p}", f"granted:{p}", f"declined:{p}"))
            for p, f in opt_in_rates(flt)
        ],
        excluded_flagged=excluded_flagged(flt),
    )
