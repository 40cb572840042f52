"""Bars: groups and purposes, diverging scale items, grouped counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..services.disclosure import Figure
from .base import (
    DIVERGING,
    PALETTE,
    WITHHELD,
    Cell,
    Chart,
    Point,
    Reference,
    _cell,
    _count,
    _empty_reason,
    _figure,
    _layout,
    codes_of,
    fmt,
    plot_height,
    reference_traces,
    withheld_notes,
    wrap,
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
    fmt_x = ".0%" if percent else f".{digits}f"
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": values,
            "text": text,
            # Beside the bar, full size and level, however short the bar or narrow the phone.
            "textposition": "outside",
            "textangle": 0,
            "cliponaxis": False,
            "name": title,
            "showlegend": False,  # the title says what the bars are; the legend keeps references
            "marker": {"color": list(colors) if colors else PALETTE[0]},
            "hovertemplate": f"%{{y}}: %{{x:{fmt_x}}}<extra></extra>",
        }
    ]
    data += reference_traces(references, labels, horizontal=True)
    layout = _layout(
        title,
        xaxis={
            # Centred under the bars, which long labels push right on a phone: short lines.
            "title": {"text": wrap(value_title, 24)},
            "tickformat": ".0%" if percent else "",
            "range": [0, 1.12] if percent else None,  # room for a label beside a full bar
            "gridcolor": "#e4e7eb",
            "automargin": True,
        },
        yaxis={"type": "category", "automargin": True, "autorange": "reversed"},
        showlegend=bool(references),
        height=max(220, 80 + 36 * len(bars) + max(lb.count("<br>") for lb in labels or [""]) * 14),
        annotations=withheld_notes(labels, [None if b.figure.suppressed else 0 for b in bars]),
    )
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[_("Group"), value_title or title, _("Respondents")],
        rows=[[b.label, _cell(b.figure), _count(b.figure)] for b in bars],
        summary=_bar_summary(title, bars, percent=percent, digits=digits),
        empty=_empty_reason([b.figure for b in bars]),
        references=[r.key for r in references],
        codes=codes_of(bars),
    )


def _bar_summary(title: str, bars: Sequence[Point], *, percent: bool, digits: int) -> str:
    shown = [
        (b.label, b.figure.value)
        for b in bars
        if not b.figure.suppressed and b.figure.value is not None
    ]
    if not shown:
        return _empty_reason([b.figure for b in bars])
    top = max(shown, key=lambda s: s[1] or 0)
    summary = _("%(title)s: highest for %(label)s at %(value)s, across %(count)d groups shown.") % {
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
    return summary


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
    data = _diverging_traces(labels, names, shares, colours)
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
        # Room for every line of a wrapped row label, so neighbouring labels never overprint.
        height=max(240, 110 + sum(max(40, 18 * (lb.count("<br>") + 1) + 12) for lb in labels)),
        annotations=withheld_notes(
            labels,
            [None if any(p.figure.suppressed for p in points) else 0 for _l, points in items],
            x=0,
        ),
        meta=plot_height(labels),
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


def _diverging_traces(
    labels: list[str], names: list[str], shares: list[list[float | None]], colours: list[str]
) -> list[dict[str, Any]]:
    """One bar trace per bucket; below the midpoint negative, the midpoint split around zero."""
    scale = len(colours)
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
    return [*negative, *positive]


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
        value = str(sum(shown)) if shown else _(WITHHELD)
        parts.append(_("%(name)s: %(value)s") % {"name": name, "value": value})
    summary = (
        _("%(title)s — %(parts)s (shown groups only).")
        % {"title": title, "parts": pgettext("clause separator", "; ").join(parts)}
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
