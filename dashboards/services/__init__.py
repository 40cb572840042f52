"""Services of the dashboards app: aggregation (rollups), their recompute, and disclosure.

The read-only figures live in `dashboards.selectors`.
"""

from .aggregation import aggregate_batch, aggregate_until_done
from .recompute import (
    rollups_rebuild,
    rollups_recompute,
    scores_refresh,
    scores_refresh_for_events,
)

__all__ = [
    "aggregate_batch",
    "aggregate_until_done",
    "rollups_rebuild",
    "rollups_recompute",
    "scores_refresh",
    "scores_refresh_for_events",
]
