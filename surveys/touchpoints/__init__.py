"""Consented touchpoints: follow-ups and rewards, contact emails, each person's
privacy report, and the holdout that measures whether any of it builds trust
(docs/TOUCHPOINTS.md)."""
