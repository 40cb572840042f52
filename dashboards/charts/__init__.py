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

from .bars import bar_chart, diverging_chart, grouped_bar_chart
from .base import (
    DIVERGING,
    FONT,
    PALETTE,
    REFERENCE,
    WITHHELD,
    Cell,
    Chart,
    Point,
    Reference,
    chart_dict,
    fmt,
    reference_traces,
    wrap,
)
from .grids import funnel_chart, heatmap_chart, histogram_chart, nps_chart
from .lines import change, sparkline, trend_chart

__all__ = [
    "DIVERGING",
    "FONT",
    "PALETTE",
    "REFERENCE",
    "WITHHELD",
    "Cell",
    "Chart",
    "Point",
    "Reference",
    "bar_chart",
    "change",
    "chart_dict",
    "diverging_chart",
    "fmt",
    "funnel_chart",
    "grouped_bar_chart",
    "heatmap_chart",
    "histogram_chart",
    "nps_chart",
    "reference_traces",
    "sparkline",
    "trend_chart",
    "wrap",
]
