"""Lines over periods: KPI sparklines and trend charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from .base import (
    BAND,
    PALETTE,
    Cell,
    Chart,
    Point,
    Reference,
    _cell,
    _count,
    _empty_reason,
    _figure,
    _layout,
    fmt,
    reference_traces,
)

OPEN = "circle-open"  # the marker of a partial period


def _markers(points: Sequence[Point], size: int) -> dict[str, Any]:
    return {"size": size, "symbol": [OPEN if p.partial else "circle" for p in points]}


def sparkline(points: Sequence[Point], *, percent: bool = False) -> dict[str, Any]:
    """A tiny line for a KPI card: no axes, no title; withheld periods are gaps, partial open."""
    values = [_cell(p.figure) for p in points]
    fmt_y = ".0%" if percent else ".0f"
    return _figure(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [p.label for p in points],
                "y": values,
                "line": {"color": PALETTE[0], "width": 2},
                "marker": _markers(points, 5),
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
    """The last complete period minus the complete one before it (None when either is
    withheld or missing); partial periods are never compared."""
    complete = [p for p in points if not p.partial]
    if len(complete) < 2:
        return None
    last, before = complete[-1].figure, complete[-2].figure
    if last.value is None or before.value is None or last.suppressed or before.suppressed:
        return None
    return last.value - before.value


def _band(labels: list[str], points: Sequence[Point]) -> list[dict[str, Any]]:
    lows = [None if p.figure.suppressed else p.figure.ci_low for p in points]
    highs = [None if p.figure.suppressed else p.figure.ci_high for p in points]
    if not any(v is not None for v in lows):
        return []
    return [
        {
            "type": "scatter",
            "x": labels,
            "y": highs,
            "mode": "lines",
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": _("95 % CI upper"),
        },
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
        },
    ]


def _lines(title: str, labels: list[str], points: Sequence[Point], fmt_y: str) -> list[dict]:
    """The complete periods as a solid line; partial ones open and dotted, joined to their
    neighbours, with how much of the period they hold in the tooltip."""
    values = [_cell(p.figure) for p in points]
    solid = [None if p.partial else v for p, v in zip(points, values, strict=True)]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": labels,
            "y": solid,
            "name": title,
            "line": {"color": PALETTE[0], "width": 2.5},
            "connectgaps": False,
            "hovertemplate": f"%{{x}}: %{{y:{fmt_y}}}<extra></extra>",
        }
    ]
    if any(p.partial and v is not None for p, v in zip(points, values, strict=True)):
        near = {j for i, p in enumerate(points) if p.partial for j in (i - 1, i, i + 1)} & set(
            range(len(points))
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": labels,
                "y": [v if i in near else None for i, v in enumerate(values)],
                "name": _("Partial period"),
                "line": {"color": PALETTE[0], "width": 2, "dash": "dot"},
                # Open markers on the partial periods only; their neighbours are line ends.
                "marker": {"symbol": OPEN, "size": [9 if p.partial else 0 for p in points]},
                "connectgaps": False,
                "text": [
                    _("partial: %(part)s") % {"part": p.partial} if p.partial else ""
                    for p in points
                ],
                "hovertemplate": f"%{{x}}: %{{y:{fmt_y}}} %{{text}}<extra></extra>",
            }
        )
    return data


def _trend_summary(title: str, points: Sequence[Point], *, percent: bool, digits: int) -> str:
    """What the line did across complete periods; partial ones named and left out."""
    shown = [
        (p.label, p.figure.value)
        for p in points
        if not p.partial and not p.figure.suppressed and p.figure.value is not None
    ]
    partial = [p.label for p in points if p.partial]
    tail = (
        " "
        + _("Partial periods (%(labels)s) are marked and left out of this comparison.")
        % {"labels": ", ".join(partial)}
        if partial
        else ""
    )
    empty = _empty_reason([p.figure for p in points])
    if empty:
        return empty  # the empty state says it all; nothing is drawn to mark
    if not shown:
        return _("No complete period yet.") + tail
    if len(shown) == 1:
        return (
            _("%(title)s was %(value)s in %(label)s.")
            % {
                "title": title,
                "value": fmt(shown[0][1], percent=percent, digits=digits),
                "label": shown[0][0],
            }
            + tail
        )
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
    return (
        template
        % {
            "title": title,
            "direction": direction,
            "first": a,
            "first_label": first[0],
            "last": b,
            "last_label": last[0],
        }
        + tail
    )


def trend_chart(
    *,
    key: str,
    title: str,
    points: Sequence[Point],
    percent: bool = False,
    y_title: str = "",
    references: Sequence[Reference] = (),
    digits: int = 2,
    y_range: tuple[float, float] | None = None,
) -> Chart:
    """A line per period with its 95 % confidence band where the figure has one.

    `y_range` fixes the axis (an index on its whole 0–100 scale); otherwise it starts at zero.
    """
    labels = [p.label for p in points]
    fmt_y = ".0%" if percent else f".{max(digits, 1) if digits else 0}f"
    band = _band(labels, points)
    data = [*band, *_lines(title, labels, points, fmt_y)]
    data += reference_traces(references, labels)
    layout = _layout(
        title,
        xaxis={
            "type": "category",
            "title": {"text": ""},
            "showgrid": False,
            "automargin": True,
            # Invisible ticks: room between the period labels and the lowest value label.
            "ticks": "outside",
            "ticklen": 8,
            "tickcolor": "rgba(0,0,0,0)",
        },
        yaxis={
            "title": {"text": y_title},
            "range": list(y_range) if y_range else None,
            "rangemode": "tozero",
            "tickformat": ".0%" if percent else "",
            "gridcolor": "#e4e7eb",
            "zeroline": True,
            "zerolinecolor": "#9aa5b1",
            "automargin": True,
        },
        showlegend=len(data) > 1,
    )
    rows: list[list[Cell]] = [
        [
            p.label,
            _cell(p.figure),
            None if p.figure.suppressed else p.figure.ci_low,
            None if p.figure.suppressed else p.figure.ci_high,
            _count(p.figure),
            p.partial or _("complete"),
        ]
        for p in points
    ]
    empty = _empty_reason([p.figure for p in points])
    return Chart(
        key=key,
        title=title,
        figure=_figure(data, layout),
        columns=[
            _("Period"),
            title,
            _("95 % CI low"),
            _("95 % CI high"),
            _("Respondents"),
            _("Days covered"),
        ],
        rows=rows,
        summary=_trend_summary(title, points, percent=percent, digits=digits),
        empty=empty,
        references=[r.key for r in references],
    )
