"""What every chart shares: the dataclasses, layout, number formats and empty states."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..services.disclosure import Figure

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
FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans TC', "
    "'Noto Sans CJK TC', sans-serif"  # Debian's fonts-noto-cjk: Han in Traditional shapes
)
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
    # The codes behind the labels, for the CSV: one per row ("" where none, e.g. a total
    # row) and one per column ("" keeps the column's heading); empty when nothing is coded.
    codes: list[str] = field(default_factory=list)
    column_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Point:
    label: str
    figure: Figure
    code: str = ""  # the code the label stands for (segment value, purpose id), CSV only
    partial: str = ""  # a period the range covers only in part: how much ("2 of 31 days")


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
        # Above the plot, clear of the axis titles below it.
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
        },
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


def _width(text: str) -> int:
    """Columns ``text`` takes: a Chinese character (East Asian wide) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# Never starts a line: closing punctuation of Chinese text.
NO_BREAK_BEFORE = set("。，、；：？！）」』》〉")


def _pieces(word: str, width: int) -> list[str]:
    """A word wider than a line, cut between wide characters into pieces of even width.

    Chinese breaks between any two characters, never before closing punctuation.
    """
    total = _width(word)
    if total <= width:
        return [word]
    target = -(-total // -(-total // width))  # even pieces, each at most ``width``
    out, piece = [], ""
    for c in word:
        wide = unicodedata.east_asian_width(c) in "WF"
        if piece and wide and c not in NO_BREAK_BEFORE and _width(piece + c) > target:
            out.append(piece)
            piece = ""
        piece += c
    return [*out, piece] if piece else out


def wrap(label: str, width: int = 26) -> str:
    """Break a long label into lines (plotly's <br>) so phones keep room for bars.

    ``width`` is in columns, a Chinese character counting two; lines break at
    spaces, and inside Chinese text between characters.
    """
    lines, line = [], ""
    for word in label.split():
        pieces = _pieces(word, width)
        for i, piece in enumerate(pieces):
            joined = f"{line} {piece}" if line and i == 0 else line + piece
            if line and _width(joined) > width:
                lines.append(line)
                line = piece
            else:
                line = joined
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


def codes_of(points: Sequence[Point]) -> list[str]:
    """The points' codes, or none at all when no point carries one."""
    return [p.code for p in points] if any(p.code for p in points) else []


def plot_height(labels: Sequence[str]) -> dict[str, Any]:
    """The plot area a category axis needs so wrapped labels never overprint their neighbours
    (``layout.meta``: the page grows a chart whose legend or margins squeezed it below this)."""
    lines = sum(label.count("<br>") + 1 for label in labels)
    return {"plot_height": 17 * lines + 14 * len(labels)}


def withheld_notes(labels: Sequence[Any], values: Sequence[Any], *, x: float = 0) -> list[dict]:
    """A "withheld" note on each category whose bar is missing: a withheld row is never blank."""
    return [
        {
            "x": x,
            "y": label,
            "xref": "x",
            "yref": "y",
            "text": _(WITHHELD),
            "showarrow": False,
            "xanchor": "left" if x == 0 else "center",
            "xshift": 6 if x == 0 else 0,  # clear of the axis line
            "font": {"size": 12, "color": "#52606d"},
        }
        for label, value in zip(labels, values, strict=True)
        if value is None
    ]


def withheld_columns(labels: Sequence[Any], values: Sequence[Any]) -> list[dict]:
    """A "withheld" note standing on the axis where a column is missing (vertical bars)."""
    return [
        {
            "x": label,
            "y": 0,
            "xref": "x",
            "yref": "y",
            "text": _(WITHHELD),
            "textangle": -90,
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 11, "color": "#52606d"},
        }
        for label, value in zip(labels, values, strict=True)
        if value is None
    ]
