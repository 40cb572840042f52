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
