"""Services of the dashboards app: aggregation (rollups)."""

from .aggregation import (
    aggregate_batch,
    aggregate_until_done,
    rollups_rebuild,
    rollups_recompute,
    scores_refresh,
)
from .metrics import (
    Distribution,
    Figure,
    MetricFilter,
    ParadoxReport,
    distribution,
    nps,
    paradox,
    responses_by_day,
    suppress,
)

__all__ = [
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
