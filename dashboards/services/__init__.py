"""Services of the dashboards app: aggregation (rollups)."""

from .aggregation import (
    aggregate_batch,
    aggregate_until_done,
    rollups_rebuild,
    rollups_recompute,
    scores_refresh,
)
from .metrics import (
    ConstructSummary,
    Distribution,
    Figure,
    MetricFilter,
    ParadoxReport,
    construct_summary,
    distribution,
    nps,
    paradox,
    responses_by_day,
    suppress,
)

__all__ = [
    "ConstructSummary",
    "construct_summary",
    "Distribution",
    "Figure",
    "MetricFilter",
    "ParadoxReport",
    "distribution",
    "nps",
    "paradox",
    "responses_by_day",
    "suppress",
    "aggregate_batch",
    "aggregate_until_done",
    "rollups_rebuild",
    "rollups_recompute",
    "scores_refresh",
]
