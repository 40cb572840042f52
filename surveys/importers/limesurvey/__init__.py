"""LimeSurvey survey structure (.lss)."""

from .mapping import parse_limesurvey

__all__ = ["parse_limesurvey"]
