"""The privacy-paradox gap (stated minus enacted protection) from score rollups:
means, the gap with its 95 % CI and the stated–enacted correlation, overall or per
segment or declared attribute, each group under the disclosure rule.

Formulas: docs/METRICS.md.
"""

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from ..models import ScoreRollup
from ..services.disclosure import WITHHELD, Figure, proportion, suppress, tally, tally_by
from .counts import SCORE_COUNTS, excluded_flagged
from .filters import MetricFilter, constraint_name, dimension

# Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom.
T975 = [
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
]


def t975(df: int) -> float:
    return T975[df - 1] if 1 <= df <= len(T975) else 1.96


@dataclass(frozen=True, kw_only=True)
class ParadoxGroup:
    key: str
    respondents: Figure
    stated: Figure
    enacted: Figure
    gap: Figure
    paradoxical_share: Figure
    correlation: Figure


@dataclass(frozen=True, kw_only=True)
class ParadoxReport:
    by: str | None
    min_cell: int
    excluded_flagged: int | None
    groups: list[ParadoxGroup]


def _f(x: Decimal | int) -> float:
    return float(x)


def paradox_stats(s: dict[str, Any], min_cell: int, key: str = "all") -> ParadoxGroup:
    """Means, the gap with its 95 % CI and the stated–enacted correlation from sums."""
    n = int(s["n"] or 0)
    if n < min_cell:
        hidden = Figure(n=None, suppressed=True)
        return ParadoxGroup(
            key=key,
            respondents=hidden,
            stated=hidden,
            enacted=hidden,
            gap=hidden,
            paradoxical_share=hidden,
            correlation=hidden,
        )
    sx, sy = _f(s["sum_x"]), _f(s["sum_y"])
    sxx, syy, sxy = _f(s["sum_xx"]), _f(s["sum_yy"]), _f(s["sum_xy"])
    mx, my = sx / n, sy / n
    gap = mx - my
    ci_gap: tuple[float, float] | None = None
    if n > 1:
        ss_d = (sxx - 2 * sxy + syy) - n * gap * gap
        sd = math.sqrt(max(ss_d, 0.0) / (n - 1))
        half = t975(n - 1) * sd / math.sqrt(n)
        ci_gap = (gap - half, gap + half)
    r = None
    ci_r: tuple[float, float] | None = None
    vx, vy = n * sxx - sx * sx, n * syy - sy * sy
    if vx > 0 and vy > 0:
        r = max(-1.0, min(1.0, (n * sxy - sx * sy) / math.sqrt(vx * vy)))
        if n > 3 and abs(r) < 1:
            z, half = math.atanh(r), 1.96 / math.sqrt(n - 3)
            ci_r = (math.tanh(z - half), math.tanh(z + half))
    return ParadoxGroup(
        key=key,
        respondents=Figure(n=n, value=float(n)),
        stated=Figure(n=n, value=mx),
        enacted=Figure(n=n, value=my),
        gap=Figure(
            n=n,
            value=gap,
            ci_low=ci_gap[0] if ci_gap else None,
            ci_high=ci_gap[1] if ci_gap else None,
        ),
        paradoxical_share=proportion(int(s["paradoxical"] or 0), n, min_cell=min_cell),
        correlation=suppress(n, min_cell, r, ci_r) if r is not None else Figure(n=n),
    )


SCORE_SUMS = ("n", "sum_x", "sum_y", "sum_xx", "sum_yy", "sum_xy", "paradoxical")


def guard_paradox(group: ParadoxGroup, bad: frozenset[str]) -> ParadoxGroup:
    """A paradox group with what related queries would give away withheld (rule 6)."""
    if "scored" in bad:
        return replace(
            group,
            respondents=WITHHELD,
            stated=WITHHELD,
            enacted=WITHHELD,
            gap=WITHHELD,
            paradoxical_share=WITHHELD,
            correlation=WITHHELD,
        )
    if {"paradoxical", "not_paradoxical"} & bad:
        return replace(group, paradoxical_share=WITHHELD)
    return group


def paradox(flt: MetricFilter, *, by: str | None = None) -> ParadoxReport:
    """The privacy-paradox gap overall or per segment or attribute (disclosure rules per group)."""
    qs = flt.apply(ScoreRollup.objects.all())
    sums = {k: Sum(k) for k in SCORE_SUMS}
    if by:
        name = constraint_name(by)
        verdicts = tally_by(flt, [name], [SCORE_COUNTS])
        rows = qs.values(_g=dimension(by)).annotate(**sums).order_by("_g")
        groups = []
        for r in rows:
            group = paradox_stats(r, flt.min_cell, key=r["_g"] or "unknown")
            verdict = verdicts.get((name, r["_g"]))
            groups.append(guard_paradox(group, verdict[1]) if verdict else group)
    else:
        by = None
        _, bad = tally(flt, [SCORE_COUNTS])
        groups = [guard_paradox(paradox_stats(qs.aggregate(**sums), flt.min_cell), bad)]
    return ParadoxReport(
        by=by, min_cell=flt.min_cell, excluded_flagged=excluded_flagged(flt), groups=groups
    )
