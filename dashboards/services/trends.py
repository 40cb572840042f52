"""Headline metrics by period (ISO week, month or quarter), grouped in SQL from the rollups' day.

Four grouped queries (responses, scores, construct items, plus the versions'
item scales), whatever the number of periods or rows: each rollup is summed
per period by the database (``TruncWeek``/``TruncMonth``/``TruncQuarter`` on
``day``), and Python only turns a few sums per period into figures. Every
figure is suppressed on its own count, as in ``metrics.overview``.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncWeek

from ..models import ResponseRollup, ScoreRollup
from .metrics import (
    CONCERN_CONSTRUCTS,
    SCORE_SUMS,
    TRUST_CONSTRUCTS,
    Figure,
    MetricFilter,
    _item_scales,
    index_sums,
    paradox_stats,
    suppress,
)

GRANULARITIES = ("week", "month", "quarter")
TRUNC = {"week": TruncWeek, "month": TruncMonth, "quarter": TruncQuarter}


def period_label(start: dt.date, granularity: str) -> str:
    """2026-W14, 2026-04, 2026-Q2."""
    if granularity == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def period_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


@dataclass(frozen=True, kw_only=True)
class Period:
    start: dt.date
    label: str
    responses: Figure
    trust_index: Figure
    privacy_concern_index: Figure
    paradox_gap: Figure
    paradoxical_share: Figure
    privacy_actives_share: Figure


@dataclass(frozen=True, kw_only=True)
class Trends:
    granularity: str
    min_cell: int
    periods: list[Period]
    total: Period  # the same figures over the whole filtered range


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def trends(flt: MetricFilter, *, granularity: str = "month") -> Trends:
    """Responses, Trust Index, Privacy Concern, gap and shares per period, oldest first."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}")
    period = TRUNC[granularity]("day")
    responses = {
        _as_date(r["period"]): r
        for r in flt.apply(ResponseRollup.objects.all())
        .annotate(period=period)
        .values("period")
        .annotate(n=Sum("n"), known=Sum("privacy_actives_known"), active=Sum("privacy_actives"))
        .order_by("period")
    }
    scores = {
        _as_date(r["period"]): r
        for r in flt.apply(ScoreRollup.objects.all())
        .annotate(period=period)
        .values("period")
        .annotate(**{k: Sum(k) for k in SCORE_SUMS})
        .order_by("period")
    }
    trust_scales = _item_scales(flt, TRUST_CONSTRUCTS)
    concern_scales = _item_scales(flt, CONCERN_CONSTRUCTS)
    scales = {**trust_scales, **concern_scales}
    items: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    if scales:
        for r in (
            flt.answers(question_code__in={k[1] for k in scales})
            .annotate(period=period)
            .values("period", "version_id", "question_code", "item")
            .annotate(n=Sum("n"), total=Sum("total"))
            .order_by("period")
        ):
            items[_as_date(r["period"])].append(r)

    def build(start: dt.date | None, label: str, resp: list, score: list, its: list) -> Period:
        n = sum(int(r["n"] or 0) for r in resp)
        known = sum(int(r["known"] or 0) for r in resp)
        active = sum(int(r["active"] or 0) for r in resp)
        sums = {k: sum((Decimal(s[k] or 0) for s in score), Decimal(0)) for k in SCORE_SUMS}
        gap = paradox_stats(sums, flt.min_cell)
        tw, ta = index_sums([r for r in its if _key(r) in trust_scales], trust_scales)
        cw, ca = index_sums([r for r in its if _key(r) in concern_scales], concern_scales)
        return Period(
            start=start or dt.date.min,
            label=label,
            responses=suppress(n, flt.min_cell, float(n)),
            trust_index=suppress(n, flt.min_cell, float(tw / ta) if ta else None)
            if trust_scales
            else Figure(n=None),
            privacy_concern_index=suppress(n, flt.min_cell, float(cw / ca) if ca else None)
            if concern_scales
            else Figure(n=None),
            paradox_gap=gap.gap,
            paradoxical_share=gap.paradoxical_share,
            privacy_actives_share=suppress(known, flt.min_cell, active / known)
            if known
            else Figure(n=None),
        )

    starts = sorted(set(responses) | set(scores) | set(items))
    periods = [
        build(
            s,
            period_label(s, granularity),
            [responses[s]] if s in responses else [],
            [scores[s]] if s in scores else [],
            items.get(s, []),
        )
        for s in starts
    ]
    total = build(
        None,
        "total",
        list(responses.values()),
        list(scores.values()),
        [r for rows in items.values() for r in rows],
    )
    return Trends(granularity=granularity, min_cell=flt.min_cell, periods=periods, total=total)


def _key(r: dict[str, Any]) -> tuple:
    return (r["version_id"], r["question_code"], r["item"])
