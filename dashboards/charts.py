"""Plotly figure builders: plain lists and dataclasses in, a chart (figure, table, sentence) out.

Pure functions: no database, no request. Every builder returns a ``Chart``
with the plotly figure as a JSON-ready dict (built with plotly.py, drawn by the
bundled plotly.js), the same numbers as a table (the "view as table"
alternative and the CSV download), and one sentence saying what the chart
shows, for screen readers and for people who would rather read.

Numbers arrive already suppressed (``Figure.suppressed``); a withheld number
is drawn as a gap and written as "withheld" — never as zero.

Colours: the Okabe–Ito palette, distinguishable with every common colour
vision deficiency; diverging bars run orange (disagree) to blue (agree).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .services.metrics import Figure

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DIVERGING = {
    "neg2": "#D55E00",
    "neg1": "#E69F00",
    "mid": "#BBBBBB",
    "pos1": "#56B4E9",
    "pos2": "#0072B2",
}
BAND = "rgba(0, 114, 178, 0.18)"
REFERENCE = "#000000"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans TC', sans-serif"
WITHHELD = gettext_noop("withheld")

Cell = str | float | int | None


@dataclass(frozen=True, kw_only=True)
class Reference:
    """A cited industry figure drawn as a dashed line (see dashboards/reference_figures.json)."""

    key: str
    label: str
    value: float  # on the chart's own scale (a share in [0, 1])
    source: str
    year: int
    definition: str
    url: str = ""


@dataclass(frozen=True, kw_only=True)
class Chart:
    key: str
    title: str
    figure: dict[str, Any]
    columns: list[str]
    rows: list[list[Cell]]
    summary: str
    empty: str = ""  # why nothing is drawn (no data, filter too narrow, all withheld)
    references: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Point:
    label: str
    figure: Figure


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": "none",
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "colorway": PALETTE,
        "margin": {"l": 56, "r": 16, "t": 48, "b": 48},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(extra)
    return layout


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """Validate through plotly.py and return the figure as plain JSON data."""
    import plotly.graph_objects as go

    fig = go.Figure(data=data, layout=layout)
    return json.loads(fig.to_json())  # type: ignore[no-any-return]


def fmt(value: float | None, *, percent: bool = False, digits: int = 2) -> str:
    if value is None:
        return _(WITHHELD)
    if percent:
        return f"{value * 100:.0f} %"
    return f"{value:.{digits}f}"


def wrap(label: str, width: int = 26) -> str:
    """Break a long category label into lines (plotly's <br>) so phones keep room for bars."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines) if lines else label


def _cell(f: Figure) -> Cell:
    return None if f.suppressed or f.value is None else round(f.value, 6)


def _count(f: Figure) -> Cell:
    return None if f.suppressed else f.n


def _empty_reason(points: Sequence[Figure]) -> str:
    if not points:
        return _(
            "No responses yet for this selection. Share the survey link, or widen the filters."
        )
    if not any(p.suppressed for p in points) and all(p.value is None for p in points):
        return _("This survey's questions do not measure this, or nobody has answered them yet.")
    if all(p.suppressed or p.value is None for p in points):
        return _(
            "Every group here is smaller than the minimum of respondents we show, so all numbers "
            "are withheld. Widen the period or remove a filter."
        )
    return ""


def reference_traces(
    refs: Sequence[Reference], x: Sequence[Any], *, horizontal: bool = False
) -> list[dict[str, Any]]:
    """One dashed line per reference figure, its source and definition in the tooltip."""
    traces = []
    for ref in refs:
        label = _(ref.label)
        tip = f"{label}<br>{ref.source} ({ref.year})<br>{_(ref.definition)}<extra></extra>"
        xs, ys = (
            (list(x), [ref.value] * len(x)) if not horizontal else ([ref.value] * len(x), list(x))
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "name": label,
                "legendgroup": "reference",
                "meta": "reference",
                "line": {"color": REFERENCE, "dash": "dash", "width": 1.5},
                "hovertemplate": tip,
            }
        )
    return traces


def sparkline(points: Sequence[Point], *, percent: bool = False) -> dict[str, Any]:
    """A tiny line for a KPI card: no axes, no title; withheld periods are gaps."""
    values = [_cell(p.figure) for p in points]
    fmt_y = ".0%" if percent else ".2f"
    return _figure(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [p.label for p in points],
                "y": values,
                "line": {"color": PALETTE[0], "width": 2},
                "marker": {"size": 4},
                "connectgaps": False,
                "hovertemplate": f"%{{x}}: %{{y:{fmt_y}}}<extra></extra>",
            }
        ],
        {
            "template": "none",
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "height": 48,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "showlegend": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
    )


def change(points: Sequence[Point]) -> float | None:
    """Last period minus the one before it (None when either is withheld or missing)."""
    if len(points) < 2:
        return None
    last, before = points[-1].figure, points[-2].figure
    if last.value is None or before.value is None or last.suppressed or before.suppressed:
        return None
    return last.value - before.value


def trend_chart(
    *,
    key: str,
    title: str,
    points: Sequence[Point],
    percent: bool = False,
    y_title: str = "",
    references: Sequence[Reference] = (),
    digits: int = 2,
) -> Chart:
    """A line per period with its 95 % confidence band where the figure has one."""
    labels = [p.label for p in points]
    values = [_cell(p.figure) for p in points]
    lows = [None if p.figure.suppressed else p.figure.ci_low for p in points]
    highs = [None if p.figure.suppressed else p.figure.ci_high for p in points]
    has_band = any(v is not None for v in lows)
    fmt_y = ".0%" if percent else ".3f"
    data: list[dict[str, Any]] = []
    if has_band:
        data.append(
            {
                "type": "scatter",
                "x": labels,
                "y": highs,
                "mode": "lines",
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
                "name": _("95 % CI upper"),
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": labels,
                "y": lows,
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": BAND,
                "hoverinfo": "skip",
                # xgettext:no-python-format
                "name": _("95 % confidence band"),
            }
        )
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": labels,
            "y": values,
            "name": title,
            "line": {"color": PALETTE[0], "width": 2.5},
            "connectgaps": False,
            "hovertemplate": f"%{{x}}: %{{y:{fmt_y}}}<extra></extra>",
        }
    )
    data += reference_traces(references, labels)
    layout = _layout(
        title,
        xaxis={"type": "category", "title": {"text": ""}, "showgrid": False},
        yaxis={
            "title": {"text": y_title},
            "tickformat": ".0%" if percent else "",
            "gridcolor": "#e4e7eb",
            "zeroline": True,
            "zerolinecolor": "#9aa5b1",
        },
        showlegend=has_band or bool(references),
    )
    rows: list[list[Cell]] = [
        [p.label, _cell(p.figure), lows[i], highs[i], _count(p.figure)]
        for i, p in enumerate(points)
    ]
    shown = [
        (p.label, p.figure.value)
        for p in points
        if not p.figure.suppressed and p.figure.value is not None
    ]
    empty = _empty_reason([p.figure for p in points])
    if not shown:
        summary = empty
    elif len(shown) == 1:
        summary = _("%(title)s was %(value)s in %(label)s.") % {
            "title": title,
            "value": fmt(shown[0][1], percent=percent, digits=digits),
            "label": shown[0][0],
        }
    else:
        first, last = shown[0], shown[-1]
        a, b = (
            fmt(first[1], percent=percent, digits=digits),
            fmt(last[1], percent=percent, digits=digits),
        )
        direction = (
            _("held") if a == b else _("rose") if (last[1] or 0) > (first[1] or 0) else _("fell")
        )
        template = (
            _("%(title)s held at %(first)s from %(first_label)s to %(last_label)s.")
            if a == b
            else _(
                "%(title)s %(direction)s from %(first)s in %(first_label)s "
                "to %(last)s in %(last_label)s."
            )
        )
        summary = template % {
            "title": title,
            "direction": direction,
            "first": a,
            "first_label": first[0],
            "last": b,
            "last_label": last[0],
        }
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[_("Period"), title, _("95 % CI low"), _("95 % CI high"), _("Respondents")],
        rows=rows,
        summary=summary,
        empty=empty,
        references=[r.key for r in references],
    )


def bar_chart(
    *,
    key: str,
    title: str,
    bars: Sequence[Point],
    percent: bool = True,
    value_title: str = "",
    references: Sequence[Reference] = (),
    colors: Sequence[str] | None = None,
    digits: int = 2,
) -> Chart:
    """Horizontal bars, one per group (segments, purposes); withheld groups are labelled."""
    labels = [wrap(b.label) for b in bars]
    values = [_cell(b.figure) for b in bars]
    text = [
        fmt(v if isinstance(v, float) else None, percent=percent, digits=digits)
        if v is not None
        else _(WITHHELD)
        for v in values
    ]
    fmt_x = ".0%" if percent else ".2f"
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": values,
            "text": text,
            "textposition": "auto",
            "name": title,
            "marker": {"color": list(colors) if colors else PALETTE[0]},
            "hovertemplate": f"%{{y}}: %{{x:{fmt_x}}}<extra></extra>",
        }
    ]
    data += reference_traces(references, labels, horizontal=True)
    layout = _layout(
        title,
        xaxis={
            "title": {"text": value_title},
            "tickformat": ".0%" if percent else "",
            "range": [0, 1] if percent else None,
            "gridcolor": "#e4e7eb",
        },
        yaxis={"type": "category", "automargin": True, "autorange": "reversed"},
        showlegend=bool(references),
        height=max(220, 80 + 36 * len(bars)),
    )
    empty = _empty_reason([b.figure for b in bars])
    shown = [
        (b.label, b.figure.value)
        for b in bars
        if not b.figure.suppressed and b.figure.value is not None
    ]
    if shown:
        top = max(shown, key=lambda s: s[1] or 0)
        summary = _(
            "%(title)s: highest for %(label)s at %(value)s, across %(count)d groups shown."
        ) % {
            "title": title,
            "label": top[0],
            "value": fmt(top[1], percent=percent, digits=digits),
            "count": len(shown),
        }
        withheld = len(bars) - len(shown)
        if withheld:
            note = _("%(n)d withheld as too small.") % {"n": withheld}
            # Translators: two sentences of a chart's summary, one after the other.
            summary = _("%(summary)s %(note)s") % {"summary": summary, "note": note}
    else:
        summary = empty
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[_("Group"), value_title or title, _("Respondents")],
        rows=[[b.label, _cell(b.figure), _count(b.figure)] for b in bars],
        summary=summary,
        empty=empty,
        references=[r.key for r in references],
    )


def diverging_chart(*, key: str, title: str, items: Sequence[tuple[str, Sequence[Point]]]) -> Chart:
    """Diverging stacked bars for scale items and matrix rows (shares of each item's answers).

    Buckets are in scale order, low to high; those below the midpoint extend
    left, the midpoint is split in two halves around zero, the rest extend right.
    """
    rows: list[list[Cell]] = []
    labels = [wrap(label) for label, _points in items]
    scale = max((len(points) for _label, points in items), default=0)
    names = next(
        ([p.label for p in points] for _label, points in items if len(points) == scale), []
    )
    colours = _diverging_colours(scale)
    shares: list[list[float | None]] = []
    for _label, points in items:
        total = sum(p.figure.n or 0 for p in points if not p.figure.suppressed)
        withheld = any(p.figure.suppressed for p in points)
        row = [
            None if withheld or p.figure.suppressed or not total else (p.figure.n or 0) / total
            for p in points
        ]
        shares.append(row + [None] * (scale - len(row)))
    mid = scale // 2 if scale % 2 else None
    split = mid if mid is not None else scale / 2
    negative: list[dict[str, Any]] = []
    positive: list[dict[str, Any]] = []
    for b in range(scale):
        name = names[b] if b < len(names) else str(b + 1)
        column = [row[b] for row in shares]
        trace = {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "name": name,
            "legendrank": b,
            "legendgroup": name,
            "marker": {"color": colours[b]},
            "customdata": column,
            "hovertemplate": "%{y} · " + name + ": %{customdata:.0%}<extra></extra>",
        }
        if mid is not None and b == mid:
            half = [None if v is None else v / 2 for v in column]
            positive.insert(0, {**trace, "x": half})
            negative.insert(
                0, {**trace, "x": [None if v is None else -v for v in half], "showlegend": False}
            )
        elif b < split:
            negative.insert(0, {**trace, "x": [None if v is None else -v for v in column]})
        else:
            positive.append({**trace, "x": column})
    # Relative stacking puts the first trace next to zero: nearest the middle first.
    data = [*negative, *positive]
    for label, points in items:
        rows.append([label, *[_count(p.figure) for p in points], *([None] * (scale - len(points)))])
    layout = _layout(
        title,
        barmode="relative",
        xaxis={
            "tickformat": ".0%",
            "range": [-1, 1],
            "gridcolor": "#e4e7eb",
            "zeroline": True,
            "zerolinecolor": "#52606d",
        },
        yaxis={"type": "category", "automargin": True, "autorange": "reversed"},
        height=max(240, 100 + 40 * len(items)),
    )
    empty = _empty_reason([p.figure for _l, points in items for p in points])
    agree = [
        (label, sum(v for v in row[(scale + 1) // 2 :] if v is not None))
        for (label, _p), row in zip(items, shares, strict=True)
        if all(v is not None for v in row)
    ]
    if agree:
        top = max(agree, key=lambda a: a[1])
        if len(items) == 1:
            summary = _("%(title)s: %(value)s of answers are above the midpoint.") % {
                "title": title,
                "value": fmt(top[1], percent=True),
            }
        else:
            summary = _(
                "%(title)s: %(label)s has the most answers above the midpoint (%(value)s)."
            ) % {"title": title, "label": top[0], "value": fmt(top[1], percent=True)}
    else:
        summary = empty
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[_("Item"), *names],
        rows=rows,
        summary=summary,
        empty=empty,
    )


def _diverging_colours(n: int) -> list[str]:
    if n <= 0:
        return []
    ramp = {
        1: ["mid"],
        2: ["neg1", "pos1"],
        3: ["neg1", "mid", "pos1"],
        4: ["neg2", "neg1", "pos1", "pos2"],
        5: ["neg2", "neg1", "mid", "pos1", "pos2"],
    }.get(n)
    if ramp is None:
        half = n // 2
        ramp = (
            ["neg2"] * (half - 1)
            + ["neg1"]
            + (["mid"] if n % 2 else [])
            + ["pos1"]
            + ["pos2"] * (half - 1)
        )
    return [DIVERGING[k] for k in ramp]


def funnel_chart(*, key: str, title: str, stages: Sequence[Point]) -> Chart:
    """Notice shown → consented → completed → withdrawn, with each stage's share of the first."""
    values = [_count(s.figure) for s in stages]
    first = values[0] if values and isinstance(values[0], int) and values[0] else None
    data = [
        {
            "type": "funnel",
            "y": [s.label for s in stages],
            "x": values,
            "textinfo": "value+percent initial",
            "marker": {"color": [PALETTE[i % len(PALETTE)] for i in range(len(stages))]},
            "hovertemplate": "%{y}: %{x}<extra></extra>",
        }
    ]
    empty = _empty_reason([s.figure for s in stages])
    if first and not empty:
        last_done = next((s for s in reversed(stages[:3]) if not s.figure.suppressed), None)
        summary = _("Of %(first)d people shown the notice, %(value)s reached “%(stage)s”.") % {
            "first": first,
            "value": fmt((last_done.figure.n or 0) / first, percent=True)
            if last_done
            else _(WITHHELD),
            "stage": last_done.label if last_done else "",
        }
    else:
        summary = empty or _("The funnel's first stage is withheld.")
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, _layout(title, yaxis={"automargin": True})),
        columns=[_("Stage"), _("People"), _("Share of first stage")],
        rows=[
            [s.label, v, (v / first) if isinstance(v, int) and first else None]
            for s, v in zip(stages, values, strict=True)
        ],
        summary=summary,
        empty=empty,
    )


def histogram_chart(*, key: str, title: str, bins: Sequence[Point], x_title: str = "") -> Chart:
    """Counts per bin (quiz scores, NPS answers): pre-binned, suppressed per bin."""
    counts = [_count(b.figure) for b in bins]
    data = [
        {
            "type": "bar",
            "x": [b.label for b in bins],
            "y": counts,
            "marker": {"color": PALETTE[2]},
            "hovertemplate": "%{x}: %{y}<extra></extra>",
            "name": title,
        }
    ]
    layout = _layout(
        title,
        xaxis={"type": "category", "title": {"text": x_title}},
        yaxis={"title": {"text": _("Respondents")}, "gridcolor": "#e4e7eb"},
        bargap=0.08,
    )
    empty = _empty_reason([b.figure for b in bins])
    shown = [(b.label, c) for b, c in zip(bins, counts, strict=True) if isinstance(c, int)]
    if shown:
        mode = max(shown, key=lambda s: s[1])
        summary = _("%(title)s: the most common value is %(label)s (%(n)d respondents).") % {
            "title": title,
            "label": mode[0],
            "n": mode[1],
        }
    else:
        summary = empty
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[x_title or _("Value"), _("Respondents")],
        rows=[[b.label, c] for b, c in zip(bins, counts, strict=True)],
        summary=summary,
        empty=empty,
    )


def nps_chart(*, key: str, title: str, score: Figure, buckets: Sequence[Point]) -> Chart:
    """NPS: answers 0–10 coloured detractor / passive / promoter, the score in the title."""

    def colour(label: str) -> str:
        try:
            v = int(float(label))
        except ValueError:
            return PALETTE[7]
        return DIVERGING["neg2"] if v <= 6 else DIVERGING["mid"] if v <= 8 else DIVERGING["pos2"]

    counts = [_count(b.figure) for b in buckets]
    heading = (
        f"{title}: {fmt(score.value, digits=0)}"
        if not score.suppressed and score.value is not None
        else title
    )
    data = [
        {
            "type": "bar",
            "x": [b.label for b in buckets],
            "y": counts,
            "marker": {"color": [colour(b.label) for b in buckets]},
            "hovertemplate": "%{x}: %{y}<extra></extra>",
        }
    ]
    layout = _layout(
        heading,
        xaxis={
            "type": "category",
            "title": {"text": _("0 = not at all likely · 10 = extremely likely")},
        },
        yaxis={"title": {"text": _("Respondents")}, "gridcolor": "#e4e7eb"},
        showlegend=False,
    )
    empty = _empty_reason([b.figure for b in buckets])
    summary = (
        _("Net Promoter Score is %(score)s (promoters minus detractors, in points).")
        % {"score": fmt(score.value, digits=0)}
        if not score.suppressed and score.value is not None
        else empty or _("The Net Promoter Score is withheld.")
    )
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[_("Answer"), _("Respondents")],
        rows=[[b.label, c] for b, c in zip(buckets, counts, strict=True)],
        summary=summary,
        empty=empty,
    )


def heatmap_chart(
    *,
    key: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[Figure]],
    row_totals: Sequence[Figure] = (),
    column_totals: Sequence[Figure] = (),
    total: Figure | None = None,
    x_title: str = "",
    y_title: str = "",
) -> Chart:
    """Counts in a grid (cross-tabs; stated × enacted bins): withheld cells stay blank."""
    z = [[_count(c) for c in row] for row in cells]
    text = [[str(v) if v is not None else "–" for v in row] for row in z]
    data = [
        {
            "type": "heatmap",
            "x": list(columns),
            "y": list(rows),
            "z": z,
            "text": text,
            "texttemplate": "%{text}",
            "colorscale": [[0, "#f0f4f8"], [1, PALETTE[0]]],
            "hoverongaps": False,
            "hovertemplate": "%{y} × %{x}: %{text}<extra></extra>",
            "colorbar": {"title": {"text": _("Respondents")}},
        }
    ]
    layout = _layout(
        title,
        xaxis={"type": "category", "title": {"text": x_title}, "side": "bottom"},
        yaxis={"type": "category", "title": {"text": y_title}, "automargin": True},
        height=max(260, 120 + 40 * len(rows)),
    )
    flat = [c for row in cells for c in row]
    empty = _empty_reason(
        [
            Figure(n=c.n, value=float(c.n) if c.n is not None else None, suppressed=c.suppressed)
            for c in flat
        ]
    )
    shown = [
        (rows[i], columns[j], z[i][j])
        for i in range(len(rows))
        for j in range(len(columns))
        if isinstance(z[i][j], int)
    ]
    if shown:
        top = max(shown, key=lambda s: s[2] or 0)
        summary = _(
            "%(title)s: the largest group is %(row)s × %(column)s with %(n)d respondents; "
            "%(hidden)d of %(cells)d cells withheld."
        ) % {
            "title": title,
            "row": top[0],
            "column": top[1],
            "n": top[2],
            "hidden": len(flat) - len(shown),
            "cells": len(flat),
        }
    else:
        summary = empty
    table_rows: list[list[Cell]] = [
        [rows[i], *z[i], _count(row_totals[i]) if row_totals else None] for i in range(len(rows))
    ]
    if column_totals:
        table_rows.append(
            [_("Total"), *[_count(c) for c in column_totals], _count(total) if total else None]
        )
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[y_title or "", *columns, _("Total")],
        rows=table_rows,
        summary=summary,
        empty=empty,
    )


def grouped_bar_chart(
    *,
    key: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Figure]]],
    value_title: str = "",
) -> Chart:
    """Counts per category, one bar per series side by side (e.g. consents given / withdrawn)."""
    data = [
        {
            "type": "bar",
            "name": name,
            "x": list(categories),
            "y": [_count(f) for f in figures],
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            "text": [str(_count(f)) if _count(f) is not None else _(WITHHELD) for f in figures],
            "textposition": "outside",
            "hovertemplate": f"%{{x}} · {name}: %{{y}}<extra></extra>",
        }
        for i, (name, figures) in enumerate(series)
    ]
    layout = _layout(
        title,
        barmode="group",
        xaxis={"type": "category", "automargin": True},
        yaxis={"title": {"text": value_title}, "gridcolor": "#e4e7eb", "rangemode": "tozero"},
    )
    flat = [f for _name, figures in series for f in figures]
    empty = _empty_reason(flat)
    parts = []
    for name, figures in series:
        shown = [f.n for f in figures if not f.suppressed and f.n is not None]
        parts.append(f"{name}: {sum(shown)}" if shown else f"{name}: {_(WITHHELD)}")
    summary = (
        _("%(title)s — %(parts)s (shown groups only).")
        % {"title": title, "parts": "; ".join(parts)}
        if not empty
        else empty
    )
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[_("Category"), *[name for name, _f in series]],
        rows=[
            [c, *[_count(figures[i]) for _name, figures in series]]
            for i, c in enumerate(categories)
        ],
        summary=summary,
        empty=empty,
    )


def chart_dict(chart: Chart) -> dict[str, Any]:
    """The chart as the data endpoints send it."""
    return {
        "key": chart.key,
        "title": chart.title,
        "figure": chart.figure,
        "table": {"columns": chart.columns, "rows": chart.rows},
        "summary": chart.summary,
        "empty": chart.empty,
        "references": chart.references,
    }
