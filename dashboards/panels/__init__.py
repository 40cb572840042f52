"""Dashboard panels: metrics (already suppressed) turned into charts and KPI cards.

A panel is what one data endpoint returns: a handful of charts from one to
five grouped rollup queries. Panels read through the metrics, trends and
breakdown services and draw with ``charts``; they never touch raw answers.
"""

from collections.abc import Callable

from ..selectors.filters import MetricFilter
from .base import DIMENSION_LABELS, Kpi, Options, Panel, reference_figures, survey_spec, text
from .groups import default_dimension, funnel_panel, paradox_panel, segment_panel
from .headline import kpis, trend_panel
from .questions import crosstab_panel, crosstab_questions, items_panel

PANEL_BUILDERS: dict[str, Callable[[MetricFilter, Options], Panel]] = {
    "kpis": kpis,
    "trends": trend_panel,
    "paradox": paradox_panel,
    "segments": segment_panel,
    "items": items_panel,
    "funnel": funnel_panel,
    "crosstab": crosstab_panel,
}


__all__ = [
    "DIMENSION_LABELS",
    "PANEL_BUILDERS",
    "Kpi",
    "Options",
    "Panel",
    "crosstab_panel",
    "crosstab_questions",
    "default_dimension",
    "funnel_panel",
    "items_panel",
    "kpis",
    "paradox_panel",
    "reference_figures",
    "segment_panel",
    "survey_spec",
    "text",
    "trend_panel",
]
