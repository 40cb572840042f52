"""Services of the dashboards app: aggregation (rollups)."""

from .aggregation import (
    aggregate_batch,
    aggregate_until_done,
    rollups_rebuild,
    rollups_recompute,
    scores_refresh,
)

__all__ = [
    "aggregate_batch",
    "aggregate_until_done",
    "rollups_rebuild",
    "rollups_recompute",
    "scores_refresh",
]
