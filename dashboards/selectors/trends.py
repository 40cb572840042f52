"""Headline metrics by period (week, month or quarter), grouped in SQL from the rollups' day.

A week is an ISO week cut at the end of a month (disclosure rule 7: a month is
the grid cell, so a week is a part of one month), a month and a quarter are
whole calendar months.

Four grouped queries (responses and scores, each also grouped by the filter's
constraints for the disclosure check below; construct items; the versions'
item scales), whatever the number of periods or rows: each rollup is summed
per period by the database (``TruncWeek``/``TruncMonth``/``TruncQuarter`` on
``day``), and Python only turns a few sums per period into figures.

Disclosure (``disclosure``, docs/DISCLOSURE.md): the periods are parts of the
total, so each count is protected as a line across them (a withheld period
cannot be had as the total minus the others), and weeks also across the
weeks of their month (the month is published elsewhere); each period's counts are also
checked against the same period under every widening of the filter and the
other values of each filtered dimension; the total row is the overview's.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import DateField, Sum
from django.db.models.functions import Greatest, TruncMonth, TruncQuarter, TruncWeek

from ..models import ResponseRollup, ScoreRollup
from ..services.disclosure import (
    WITHHELD,
    Figure,
    Source,
    proportion,
    protect_line,
    suppress,
    tally,
)
from .constructs import CONCERN_CONSTRUCTS, TRUST_CONSTRUCTS, index_sums, item_scales
from .filters import MetricFilter
from .paradox import SCORE_SUMS, paradox_stats

GRANULARITIES = ("week", "month", "quarter")
TRUNC: dict[str, Callable[[str], Any]] = {
    # An ISO week cut at a month's start: the later of its Monday and the 1st.
    "week": lambda day: Greatest(TruncWeek(day), TruncMonth(day), output_field=DateField()),
    "month": TruncMonth,
    "quarter": TruncQuarter,
}


def period_label(start: dt.date, granularity: str) -> str:
    """2026-W14, 2026-W44 (2026-11-01…) for a week's part in a new month, 2026-04, 2026-Q2."""
    if granularity == "week":
        year, week, _ = start.isocalendar()
        cut = f" ({start.isoformat()}…)" if start.weekday() else ""
        return f"{year}-W{week:02d}{cut}"
    if granularity == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def period_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return max(day - dt.timedelta(days=day.weekday()), day.replace(day=1))
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


COUNTS = (
    "responses",
    "actives_known",
    "actives",
    "not_actives",
    "scored",
    "paradoxical",
    "not_paradoxical",
)
# Which counts each figure of a period rests on.
RESTS_ON = {
    "responses": ("responses",),
    "trust_index": ("responses",),
    "privacy_concern_index": ("responses",),
    "paradox_gap": ("scored",),
    "paradoxical_share": ("scored", "paradoxical", "not_paradoxical"),
    "privacy_actives_share": ("actives_known", "actives", "not_actives"),
}


RESTS = {"not_actives": ("actives_known", "actives"), "not_paradoxical": ("scored", "paradoxical")}


def _sources(granularity: str) -> tuple[Source, Source]:
    """Counts of people per period ("responses@2026-04-01") and over all ("responses")."""
    at = TRUNC[granularity]("day")

    def fold(names: dict[str, str]) -> Callable[[Mapping[str, Any]], dict[str, int]]:
        def counts(r: Mapping[str, Any]) -> dict[str, int]:
            when = _as_date(r["at"]).isoformat()
            out = {name: int(r[alias] or 0) for name, alias in names.items()}
            for rest, (whole, part) in RESTS.items():
                if whole in out:
                    out[rest] = out[whole] - out[part]
            return out | {f"{name}@{when}": n for name, n in out.items()}

        return counts

    return (
        Source(
            model=ResponseRollup,
            sums={"n": "n", "known": "privacy_actives_known", "active": "privacy_actives"},
            keys={"at": at},
            periods=True,
            fold=fold({"responses": "n", "actives_known": "known", "actives": "active"}),
        ),
        Source(
            model=ScoreRollup,
            sums={"p": "paradoxical", **{k: k for k in SCORE_SUMS}},
            keys={"at": at},
            periods=True,
            fold=fold({"scored": "n", "paradoxical": "p"}),
        ),
    )


def _hidden_counts(
    flt: MetricFilter, counts: dict[str, int], bad: frozenset[str], starts: list[dt.date]
) -> set[str]:
    """Period counts withheld: given away by a related query, or protected as a line.

    The periods are a line against the total (unless the total is withheld);
    weeks also against their month (a month's count is published by the
    monthly trend and a month's range), applied in turn until neither
    withholds more.
    """
    hidden = set(bad)
    months: dict[dt.date, list[dt.date]] = defaultdict(list)
    for s in starts:
        months[s.replace(day=1)].append(s)
    weeks = any(len(group) > 1 or group[0].day > 1 for group in months.values())
    for name in COUNTS:
        # A total withheld (by the rule every endpoint applies) gives no period away.
        lines: list[tuple[list[dt.date], int | None]] = (
            [] if name in bad else [(starts, counts.get(name, 0))]
        )
        if weeks:  # a month's count is the sum of its weeks
            lines += [(group, None) for group in months.values()]
        while True:
            before = len(hidden)
            for group, total in lines:
                keys = [f"{name}@{s.isoformat()}" for s in group]
                parts = [counts.get(k, 0) for k in keys]
                withheld = [k in hidden for k in keys]
                line = protect_line(parts, min_cell=flt.min_cell, total=total, withheld=withheld)
                hidden.update(k for k, h in zip(keys, line, strict=True) if h)
            if len(hidden) == before:
                break
    return hidden


def _withhold(period: "Period", hidden: set[str], at: str) -> "Period":
    suffix = f"@{at}" if at else ""
    changes: dict[str, Any] = {
        name: WITHHELD
        for name, rests_on in RESTS_ON.items()
        if any(f"{c}{suffix}" in hidden for c in rests_on)
    }
    return replace(period, **changes)


def _period_responses(counts: Mapping[str, int]) -> dict[dt.date, dict[str, Any]]:
    """Responses and Privacy Actives counts per period start, from the disclosure
    check's own counts (no second query)."""
    return {
        dt.date.fromisoformat(key.partition("@")[2]): {
            "n": n,
            "known": counts.get(key.replace("responses@", "actives_known@"), 0),
            "active": counts.get(key.replace("responses@", "actives@"), 0),
        }
        for key, n in sorted(counts.items())
        if key.startswith("responses@") and n
    }


def _period_scores(rows: list[tuple[int, dict[str, Any]]]) -> dict[dt.date, dict[str, Any]]:
    """The score sums per period start: the disclosure check's own rows inside the filter
    (its second source, the score rollups)."""
    scores: dict[dt.date, dict[str, Any]] = {}
    for source, row in rows:
        if source == 1:
            into = scores.setdefault(_as_date(row["at"]), {k: Decimal(0) for k in SCORE_SUMS})
            for k in SCORE_SUMS:
                into[k] += Decimal(row[k] or 0)
    return scores


def _period_items(
    flt: MetricFilter, scales: dict[tuple, tuple], granularity: str
) -> dict[dt.date, list[dict[str, Any]]]:
    """The answer sums of the construct items in `scales` per period start (one query)."""
    items: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    if scales:
        for r in (
            flt.answers(periods=True, question_code__in={k[1] for k in scales})
            .annotate(period=TRUNC[granularity]("day"))
            .values("period", "version_id", "question_code", "item")
            .annotate(n=Sum("n"), total=Sum("total"))
            .order_by("period")
        ):
            items[_as_date(r["period"])].append(r)
    return items


@dataclass(frozen=True, kw_only=True)
class _Scales:
    """The item scales of the trust and privacy-concern constructs (``item_scales``)."""

    trust: dict[tuple, tuple]
    concern: dict[tuple, tuple]


def _build_period(
    flt: MetricFilter,
    scales: _Scales,
    *,
    start: dt.date | None,
    label: str,
    resp: list,
    score: list,
    its: list,
) -> Period:
    """A period's figures (or the total's, with no `start`) from its sums, before the
    line protection across periods."""
    n = sum(int(r["n"] or 0) for r in resp)
    known = sum(int(r["known"] or 0) for r in resp)
    active = sum(int(r["active"] or 0) for r in resp)
    sums = {k: sum((Decimal(s[k] or 0) for s in score), Decimal(0)) for k in SCORE_SUMS}
    gap = paradox_stats(sums, flt.min_cell)
    tw, ta = index_sums([r for r in its if _key(r) in scales.trust], scales.trust)
    cw, ca = index_sums([r for r in its if _key(r) in scales.concern], scales.concern)
    return Period(
        start=start or dt.date.min,
        label=label,
        responses=suppress(n, flt.min_cell, float(n)),
        trust_index=suppress(n, flt.min_cell, float(tw / ta) if ta else None)
        if scales.trust
        else Figure(n=None),
        privacy_concern_index=suppress(n, flt.min_cell, float(cw / ca) if ca else None)
        if scales.concern
        else Figure(n=None),
        paradox_gap=gap.gap,
        paradoxical_share=gap.paradoxical_share,
        privacy_actives_share=proportion(active, known, min_cell=flt.min_cell)
        if known
        else Figure(n=None),
    )


def trends(flt: MetricFilter, *, granularity: str = "month") -> Trends:
    """Responses, Trust Index, Privacy Concern, gap and shares per period, oldest first."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}")
    rows: list[tuple[int, dict[str, Any]]] = []
    counts, bad = tally(flt, _sources(granularity), rows=rows)
    responses = _period_responses(counts)
    scores = _period_scores(rows)
    scales = _Scales(
        trust=item_scales(flt, TRUST_CONSTRUCTS), concern=item_scales(flt, CONCERN_CONSTRUCTS)
    )
    items = _period_items(flt, {**scales.trust, **scales.concern}, granularity)
    starts = sorted(set(responses) | set(scores) | set(items))
    hidden = _hidden_counts(flt, counts, bad, starts)
    periods = [
        _withhold(
            _build_period(
                flt,
                scales,
                start=s,
                label=period_label(s, granularity),
                resp=[responses[s]] if s in responses else [],
                score=[scores[s]] if s in scores else [],
                its=items.get(s, []),
            ),
            hidden,
            s.isoformat(),
        )
        for s in starts
    ]
    total = _withhold(
        _build_period(
            flt,
            scales,
            start=None,
            label="total",
            resp=list(responses.values()),
            score=list(scores.values()),
            its=[r for rows in items.values() for r in rows],
        ),
        hidden,
        "",
    )
    return Trends(granularity=granularity, min_cell=flt.min_cell, periods=periods, total=total)


def _key(r: dict[str, Any]) -> tuple:
    return (r["version_id"], r["question_code"], r["item"])
