"""Rollups and metric snapshots live here (built by the aggregation work)."""
