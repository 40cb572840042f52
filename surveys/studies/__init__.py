"""Loaders of public study data (for demos and the real-data check)."""
